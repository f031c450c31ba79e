import { TranslationBundle } from '@jupyterlab/translation';
import { UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';
import { IDeployment } from '../api/types';
import { IDeploymentAction } from './targets';
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
  /** The target's label (e.g. "Azure ML managed online endpoint"), when known. */
  targetLabel?: string;
}): JSX.Element {
  const { deployment: d, deployments, trans } = props;
  const stopping = deployments.isStopping(d.id);
  const stopError = deployments.stopError(d.id);
  // A recorded cloud deployment is not run by this server: the list only forgets it.
  const cloud = !!d.azure;
  const live = !cloud && !['stopped', 'failed'].includes(d.state);
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
              : cloud
                ? trans.__(
                    'Remove it from this list; the deployment stays in Azure (Delete… deletes it)'
                  )
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
      {cloud ? (
        <div className="jp-mlflow-Deployment-cloud">
          <span>
            {trans.__(
              '%1 in %2 (%3)',
              props.targetLabel ?? d.target,
              d.azure!.workspace_name,
              d.azure!.resource_group
            )}
          </span>
          <span
            className="jp-mlflow-Deployment-bills"
            title={trans.__(
              'Azure bills this deployment while it exists, whether or not it is called.'
            )}
          >
            {trans.__('bills while running')}
          </span>
        </div>
      ) : null}
      <div className="jp-mlflow-Deployment-meta">
        <code title={trans.__('Model URI')}>{d.model_uri}</code>
        {d.scoring_uri ? (
          <code
            className="jp-mlflow-Deployment-uri"
            title={
              cloud
                ? trans.__('Scoring URI')
                : trans.__('Scoring URI (on the Jupyter server machine)')
            }
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
  /** A target's label and the cells it offers on its deployments (the deploy-target seam). */
  targetOf?: (
    d: IDeployment
  ) => { label: string; actions: IDeploymentAction[] } | undefined;
  /** Run one of those cells (a command: it inserts the cell and runs it in the kernel). */
  onAction?: (d: IDeployment, action: IDeploymentAction) => void;
  /** Open the Monitor view of a local web service. */
  onMonitor?: (d: IDeployment) => void;
  /** Whether the Monitor view can open (its plugin may be disabled); default true. */
  canMonitor?: () => boolean;
}): JSX.Element {
  const { deployments, trans, targetOf, onAction } = props;
  const [open, setOpen] = React.useState<string | null>(null);
  const [bodies, setBodies] = React.useState<Record<string, string>>({});
  return (
    <UseSignal signal={deployments.changed}>
      {() => {
        // Asked at each render: the monitor plugin may activate after this view first draws.
        const onMonitor =
          (props.canMonitor?.() ?? true) ? props.onMonitor : undefined;
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
                      targetLabel={targetOf?.(d)?.label}
                    />
                    {d.azure && onAction ? (
                      <div
                        className="jp-mlflow-Deployment-actions"
                        role="group"
                        aria-label={trans.__('Cells for %1', d.name)}
                      >
                        {(targetOf?.(d)?.actions ?? []).map(action => (
                          <button
                            key={action.id}
                            className={`jp-Button jp-mod-styled jp-mod-minimal ${action.confirm ? 'jp-mod-warn' : ''}`}
                            title={action.caption}
                            onClick={() => onAction(d, action)}
                          >
                            {action.label}
                          </button>
                        ))}
                      </div>
                    ) : null}
                    {!d.azure && onMonitor ? (
                      <button
                        className="jp-Button jp-mod-styled jp-mod-minimal"
                        title={trans.__(
                          'Requests, latency, errors and drift of this service'
                        )}
                        onClick={() => onMonitor(d)}
                      >
                        {trans.__('Monitor')}
                      </button>
                    ) : null}
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
    case 'deployed':
      return trans.__('in Azure');
    default:
      return d.state;
  }
}
