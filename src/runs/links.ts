/**
 * Links from the run browser to the tracking server's own UI. Pure functions.
 */
import { IWorkspace } from '../api/types';

/**
 * The MLflow UI (or Azure ML studio) page of an experiment or run, or null when the workspace has
 * no UI the browser can open.
 *
 * @param workspace - the workspace
 * @param experimentId - the experiment
 * @param runId - the run; the experiment's page when omitted
 */
export function uiLink(
  workspace: IWorkspace,
  experimentId: string,
  runId?: string
): string | null {
  const seg = encodeURIComponent;
  if (workspace.kind === 'azureml' && workspace.azure) {
    const { subscription_id, resource_group, workspace_name, tenant_id } =
      workspace.azure;
    const wsid =
      `/subscriptions/${seg(subscription_id)}/resourcegroups/${seg(resource_group)}` +
      `/workspaces/${seg(workspace_name)}`;
    const tid = tenant_id ? `&tid=${seg(tenant_id)}` : '';
    const page = runId
      ? `runs/${seg(runId)}`
      : `experiments/id/${seg(experimentId)}`;
    return `https://ml.azure.com/${page}?wsid=${wsid}${tid}`;
  }
  if (!/^https?:\/\//.test(workspace.url)) {
    return null;
  }
  const base = workspace.url.replace(/\/+$/, '');
  const page = runId
    ? `experiments/${seg(experimentId)}/runs/${seg(runId)}`
    : `experiments/${seg(experimentId)}`;
  // MLflow's UI routes by hash.
  return `${base}/#/${page}`;
}
