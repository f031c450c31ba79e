import { TranslationBundle } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import * as React from 'react';
import { CommandIDs } from '../commands';
import { WorkspaceModel } from './model';

/**
 * The local MLflow server: state, data folder, tracking URI, controls and log tail.
 */
export function LocalServerView(props: {
  model: WorkspaceModel;
  commands: CommandRegistry;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, commands, trans } = props;
  const local = model.local;
  if (local.kind === 'loading') {
    return (
      <div aria-busy="true">{trans.__('Loading the local server status…')}</div>
    );
  }
  if (local.kind === 'error') {
    return (
      <div className="jp-mlflow-Notice jp-mod-error" role="alert">
        {trans.__('Could not read the local server status: %1', local.message)}
      </div>
    );
  }
  const status = local.value;
  const labels: Record<string, string> = {
    stopped: trans.__('Stopped — starts on first use'),
    starting: trans.__('Starting…'),
    ready: trans.__('Ready'),
    failed: trans.__('Failed')
  };
  const run = (id: string) => () => void commands.execute(id);
  return (
    <div className="jp-mlflow-LocalServer" data-state={status.state}>
      <div className={`jp-mlflow-State jp-mod-${status.state}`} role="status">
        <span className="jp-mlflow-State-dot" aria-hidden="true" />
        {labels[status.state] ?? status.state}
        {status.mlflow_version && (
          <span className="jp-mlflow-Muted">
            {' '}
            · MLflow {status.mlflow_version}
          </span>
        )}
      </div>
      <dl className="jp-mlflow-Fields">
        <dt>{trans.__('Tracking URI')}</dt>
        <dd>
          <code>
            {status.tracking_uri || trans.__('(assigned on first start)')}
          </code>
        </dd>
        <dt>{trans.__('Data folder')}</dt>
        <dd>
          <code
            title={trans.__(
              'Set by the admin setting c.MlflowWorkspaceApp.local_dir'
            )}
          >
            {status.local_dir}
          </code>
        </dd>
      </dl>
      {(status.message || model.localActionError) && (
        <div
          className={`jp-mlflow-Notice ${status.state === 'failed' || model.localActionError ? 'jp-mod-error' : ''}`}
          role="alert"
        >
          {model.localActionError || status.message}
        </div>
      )}
      <div className="jp-mlflow-Actions">
        {status.state === 'stopped' || status.state === 'failed' ? (
          <button
            className="jp-Button jp-mod-styled jp-mod-accept"
            onClick={run(CommandIDs.startLocal)}
          >
            {trans.__('Start')}
          </button>
        ) : (
          <button
            className="jp-Button jp-mod-styled jp-mod-reject"
            disabled={status.state === 'starting'}
            onClick={run(CommandIDs.stopLocal)}
          >
            {trans.__('Stop')}
          </button>
        )}
        <button
          className="jp-Button jp-mod-styled jp-mod-reject"
          disabled={status.state === 'starting'}
          onClick={run(CommandIDs.restartLocal)}
        >
          {trans.__('Restart')}
        </button>
        {status.needs_upgrade && (
          <button
            className="jp-Button jp-mod-styled jp-mod-warn"
            onClick={run(CommandIDs.upgradeLocal)}
          >
            {trans.__('Back up and upgrade database')}
          </button>
        )}
      </div>
      {status.log && status.log.length > 0 && (
        <details className="jp-mlflow-Log" open={status.state === 'failed'}>
          <summary>
            {trans.__('Server log (last %1 lines)', status.log.length)}
          </summary>
          <pre>{status.log.join('\n')}</pre>
        </details>
      )}
    </div>
  );
}
