import { TranslationBundle } from '@jupyterlab/translation';
import { UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';
import { IDeployment } from '../api/types';
import { CallEndpoint } from './CallEndpoint';
import { LoadableList } from '../ui/LoadableList';
import { DeploymentsModel } from './deploymentsModel';
import { initialRequestBody } from './requestBody';

/**
 * One deployment: name, state, scoring URI, Stop; message and log hint when it failed.
 */
export function DeploymentSummary(props: {
  deployment: IDeployment;
  deployments: DeploymentsModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { deployment: d, deployments, trans } = props;
  const stopping = deployments.isStopping(d.id);
  const stopError = deployments.stopError(d.id);
  const live = !['stopped', 'failed'].includes(d.state);
  return (
    <div
      className="jp-mlflow-Deployment"
      data-deployment-id={d.id}
      data-state={d.state}
    >
      <div className="jp-mlflow-Deployment-header">
        <span className="jp-mlflow-Deployment-name">{d.name}</span>
        <span className={`jp-mlflow-Deployment-state jp-mod-${d.state}`}>
          {stateLabel(d, trans)}
        </span>
        <button
          className="jp-Button jp-mod-styled jp-mod-warn jp-mod-minimal"
          disabled={stopping}
          title={
            live
              ? trans.__('Stop the service and remove it from the list')
              : trans.__('Remove it from the list')
          }
          onClick={() => void deployments.stop(d.id)}
        >
          {stopping
            ? trans.__('Stopping…')
            : live
              ? trans.__('Stop')
              : trans.__('Remove')}
        </button>
      </div>
      <div className="jp-mlflow-Deployment-meta">
        <code title={trans.__('Model URI')}>{d.model_uri}</code>
        {d.scoring_uri ? (
          <code
            className="jp-mlflow-Deployment-uri"
            title={trans.__('Scoring URI (on the Jupyter server machine)')}
          >
            {d.scoring_uri}
          </code>
        ) : null}
      </div>
      {d.message && d.state !== 'ready' ? (
        <div
          className={`jp-mlflow-Notice ${d.state === 'failed' ? 'jp-mod-error' : ''}`}
          role={d.state === 'failed' ? 'alert' : undefined}
        >
          {d.message}
        </div>
      ) : null}
      {stopError ? (
        <div className="jp-mlflow-Notice jp-mod-error" role="alert">
          {trans.__('Could not stop: %1', stopError)}
        </div>
      ) : null}
    </div>
  );
}

/**
 * The Deployments section of the ML Workspace panel.
 */
export function DeploymentsView(props: {
  deployments: DeploymentsModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { deployments, trans } = props;
  const [open, setOpen] = React.useState<string | null>(null);
  const [bodies, setBodies] = React.useState<Record<string, string>>({});
  return (
    <UseSignal signal={deployments.changed}>
      {() => {
        const body = (
          <LoadableList
            value={deployments.deployments}
            loading={trans.__('Loading deployments…')}
            error={message =>
              trans.__('Could not list deployments: %1', message)
            }
            empty={trans.__(
              'No deployments. Use Deploy in a notebook toolbar to serve a logged model.'
            )}
          >
            {items => (
              <ul className="jp-mlflow-DeploymentList">
                {items.map(d => (
                  <li key={d.id}>
                    <DeploymentSummary
                      deployment={d}
                      deployments={deployments}
                      trans={trans}
                    />
                    {d.state === 'ready' ? (
                      <button
                        className="jp-Button jp-mod-styled jp-mod-minimal"
                        aria-expanded={open === d.id}
                        onClick={() => setOpen(open === d.id ? null : d.id)}
                      >
                        {trans.__('Call endpoint')}
                      </button>
                    ) : null}
                    {open === d.id && d.state === 'ready' ? (
                      <CallEndpoint
                        deployment={d}
                        deployments={deployments}
                        body={bodies[d.id] ?? initialRequestBody(d.preflight)}
                        onBodyChange={text =>
                          setBodies({ ...bodies, [d.id]: text })
                        }
                        trans={trans}
                      />
                    ) : null}
                  </li>
                ))}
              </ul>
            )}
          </LoadableList>
        );
        return (
          <section
            className="jp-mlflow-Deployments"
            aria-label={trans.__('Deployments')}
          >
            {body}
          </section>
        );
      }}
    </UseSignal>
  );
}

/** The state in words. */
export function stateLabel(d: IDeployment, trans: TranslationBundle): string {
  switch (d.state) {
    case 'validating':
      return trans.__('checking the model');
    case 'starting':
      return trans.__('starting');
    case 'ready':
      return trans.__('healthy');
    case 'restarting':
      return trans.__('restarting');
    case 'failed':
      return trans.__('failed');
    case 'stopped':
      return trans.__('stopped');
    default:
      return d.state;
  }
}
