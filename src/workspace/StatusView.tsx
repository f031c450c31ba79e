import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import { pipInstallCommand } from '../api/version';
import { ServerStatus } from './model';

/**
 * Props of {@link StatusView}.
 */
export interface IStatusViewProps {
  status: ServerStatus;
  trans: TranslationBundle;
  onRetry: () => void;
}

/**
 * Renders the server part's status: loading, ready, missing, version mismatch or error.
 */
export function StatusView(props: IStatusViewProps): JSX.Element {
  const { status, trans, onRetry } = props;
  switch (status.kind) {
    case 'loading':
      return (
        <div
          className="jp-mlflow-Status"
          data-status="loading"
          aria-busy="true"
        >
          {trans.__('Connecting to the server part…')}
        </div>
      );
    case 'ready':
      return (
        <div
          className="jp-mlflow-Status jp-mod-ready"
          data-status="ready"
          role="status"
        >
          <span className="jp-mlflow-Status-dot" aria-hidden="true" />
          {trans.__('Ready — server part %1', status.info.version)}
        </div>
      );
    case 'mismatch':
      return (
        <div
          className="jp-mlflow-Status jp-mod-warning"
          data-status="mismatch"
          role="alert"
        >
          <p>
            {trans.__(
              'Version mismatch: this page has the extension %1, the Jupyter server has %2. Some features may not work.',
              status.frontendVersion,
              status.info.version
            )}
          </p>
          <p>
            {trans.__(
              'Install the matching server part, then restart Jupyter:'
            )}
          </p>
          <code className="jp-mlflow-Command">
            {pipInstallCommand(status.frontendVersion)}
          </code>
        </div>
      );
    case 'missing':
      return (
        <div
          className="jp-mlflow-Status jp-mod-error"
          data-status="missing"
          role="alert"
        >
          <p>{trans.__('The server part is not running.')}</p>
          <p>
            {trans.__(
              'In the environment that runs Jupyter, run the command below, then restart Jupyter:'
            )}
          </p>
          <code className="jp-mlflow-Command">
            {pipInstallCommand(status.frontendVersion)}
          </code>
          <RetryButton trans={trans} onRetry={onRetry} />
        </div>
      );
    case 'error':
      return (
        <div
          className="jp-mlflow-Status jp-mod-error"
          data-status="error"
          role="alert"
        >
          <p>
            {trans.__('Could not reach the server part: %1', status.message)}
          </p>
          <RetryButton trans={trans} onRetry={onRetry} />
        </div>
      );
  }
}

function RetryButton(props: {
  trans: TranslationBundle;
  onRetry: () => void;
}): JSX.Element {
  return (
    <button
      className="jp-Button jp-mod-styled jp-mod-accept"
      onClick={props.onRetry}
    >
      {props.trans.__('Retry')}
    </button>
  );
}
