import { ServerConnection } from '@jupyterlab/services';
import { URLExt } from '@jupyterlab/coreutils';
import { ApiError, NAMESPACE, requestAPI } from './request';
import {
  IDeployment,
  IDriftReport,
  IMonitorSummary,
  IInvocationResult,
  ILocalStatus,
  IPreflight,
  IServerInfo,
  ITestResult,
  IWorkspace,
  IWorkspaceDraft,
  LocalAction
} from './types';

/**
 * The only code that knows the server part's URLs. Methods are named after what the user wants.
 */
export class WorkspaceClient {
  constructor(options: WorkspaceClient.IOptions) {
    this.serverSettings = options.serverSettings;
  }

  /** Settings of the Jupyter server this client talks to. */
  readonly serverSettings: ServerConnection.ISettings;

  /**
   * Ask the server part for its version and features.
   */
  getServerInfo(): Promise<IServerInfo> {
    return requestAPI<IServerInfo>(this.serverSettings, 'info');
  }

  /**
   * List the workspaces the server part knows (environment, local, admin-provided).
   */
  async listWorkspaces(): Promise<IWorkspace[]> {
    const reply = await requestAPI<{ workspaces: IWorkspace[] }>(
      this.serverSettings,
      'api/workspaces'
    );
    if (!Array.isArray(reply?.workspaces)) {
      // Something between the browser and the server part answered instead of us.
      throw new ApiError(
        502,
        'Unexpected reply to the workspace list',
        'bad_reply'
      );
    }
    return reply.workspaces;
  }

  /**
   * Save a new workspace (secrets go in the body, once; they never come back).
   *
   * @param draft - the workspace's fields
   */
  createWorkspace(draft: IWorkspaceDraft): Promise<IWorkspace> {
    return requestAPI<IWorkspace>(this.serverSettings, 'api/workspaces', {
      method: 'POST',
      body: JSON.stringify(draft)
    });
  }

  /**
   * Change a workspace; empty secret fields keep the stored secrets.
   *
   * @param workspaceId - the workspace to change
   * @param draft - the new fields
   */
  updateWorkspace(
    workspaceId: string,
    draft: IWorkspaceDraft
  ): Promise<IWorkspace> {
    return requestAPI<IWorkspace>(
      this.serverSettings,
      `api/workspaces/${encodeURIComponent(workspaceId)}`,
      { method: 'PUT', body: JSON.stringify(draft) }
    );
  }

  /**
   * Remove a workspace and its stored secrets.
   *
   * @param workspaceId - the workspace to remove
   */
  async removeWorkspace(workspaceId: string): Promise<void> {
    await requestAPI<void>(
      this.serverSettings,
      `api/workspaces/${encodeURIComponent(workspaceId)}`,
      { method: 'DELETE' }
    );
  }

  /**
   * Check that a workspace's tracking server answers, with the given credentials.
   *
   * @param workspaceId - the workspace to test
   */
  testConnection(workspaceId: string): Promise<ITestResult> {
    return requestAPI<ITestResult>(
      this.serverSettings,
      `api/workspaces/${encodeURIComponent(workspaceId)}/test`,
      { method: 'POST', body: '{}' }
    );
  }

  /**
   * The local MLflow server's state, data folder, tracking URI and log tail.
   */
  getLocalStatus(): Promise<ILocalStatus> {
    return requestAPI<ILocalStatus>(this.serverSettings, 'api/local');
  }

  /**
   * Start, stop, restart or upgrade (back up, then migrate the database of) the local server.
   *
   * @param action - what to do
   */
  controlLocalServer(action: LocalAction): Promise<ILocalStatus> {
    return requestAPI<ILocalStatus>(
      this.serverSettings,
      `api/local/${action}`,
      {
        method: 'POST',
        body: '{}'
      }
    );
  }

  /**
   * The deployments the server part runs (or ran before Jupyter restarted), oldest first.
   */
  async listDeployments(): Promise<IDeployment[]> {
    const reply = await requestAPI<{ deployments: IDeployment[] }>(
      this.serverSettings,
      'api/deployments'
    );
    if (!Array.isArray(reply?.deployments)) {
      throw new ApiError(
        502,
        'Unexpected reply to the deployment list',
        'bad_reply'
      );
    }
    return reply.deployments;
  }

  /**
   * Check, without deploying, whether the Jupyter server's interpreter can serve a model; also
   * reads the model's flavors, signature and input example.
   *
   * @param modelUri - `runs:/…`, `models:/…`
   * @param workspaceId - the workspace the model is in
   */
  preflightDeployment(
    modelUri: string,
    workspaceId: string
  ): Promise<IPreflight> {
    return requestAPI<IPreflight>(
      this.serverSettings,
      'api/deployments/preflight',
      {
        method: 'POST',
        body: JSON.stringify({
          target: 'local',
          model_uri: modelUri,
          workspace: workspaceId
        })
      }
    );
  }

  /**
   * Stop a deployment (its whole process group) and forget it.
   *
   * @param deploymentId - the deployment to stop
   */
  stopDeployment(deploymentId: string): Promise<IDeployment> {
    return requestAPI<IDeployment>(
      this.serverSettings,
      `api/deployments/${encodeURIComponent(deploymentId)}`,
      { method: 'DELETE' }
    );
  }

  /**
   * Traffic, latency and errors of a local web service over the last `windowS` seconds: every
   * request through its port is counted, whoever sent it.
   *
   * @param deploymentId - the deployment
   * @param windowS - the window, 60 s to 30 days
   */
  deploymentMonitor(
    deploymentId: string,
    windowS: number
  ): Promise<IMonitorSummary> {
    return requestAPI<IMonitorSummary>(
      this.serverSettings,
      `api/deployments/${encodeURIComponent(deploymentId)}/monitor`,
      {},
      `window=${windowS}`
    );
  }

  /**
   * Drift and data quality of the rows the service was sent over the last `windowS` seconds,
   * against the baseline profile logged with the model's training run.
   *
   * @param deploymentId - the deployment
   * @param windowS - the window, 60 s to 30 days
   */
  deploymentDrift(
    deploymentId: string,
    windowS: number
  ): Promise<IDriftReport> {
    return requestAPI<IDriftReport>(
      this.serverSettings,
      `api/deployments/${encodeURIComponent(deploymentId)}/drift`,
      {},
      `window=${windowS}`
    );
  }

  /**
   * The last lines of a deployment's log, secrets redacted.
   *
   * @param deploymentId - the deployment
   * @param lines - how many lines at most
   */
  async deploymentLog(deploymentId: string, lines = 200): Promise<string[]> {
    const reply = await requestAPI<{ log: string[] }>(
      this.serverSettings,
      `api/deployments/${encodeURIComponent(deploymentId)}/log`,
      {},
      `lines=${lines}`
    );
    return Array.isArray(reply?.log) ? reply.log : [];
  }

  /**
   * Call a deployment's `/invocations` through the server part. The model's own answer comes
   * back as it is, error bodies included; only a failure of the Jupyter server itself throws.
   *
   * @param deploymentId - the deployment to call
   * @param body - the request body (JSON text, e.g. `{"dataframe_split": …}`)
   * @param contentType - `application/json` (default) or `text/csv`
   */
  async invokeDeployment(
    deploymentId: string,
    body: string,
    contentType = 'application/json'
  ): Promise<IInvocationResult> {
    const url = URLExt.join(
      this.serverSettings.baseUrl,
      NAMESPACE,
      'api/deployments',
      encodeURIComponent(deploymentId),
      'invocations'
    );
    let response: Response;
    let text: string;
    try {
      response = await ServerConnection.makeRequest(
        url,
        { method: 'POST', body, headers: { 'Content-Type': contentType } },
        this.serverSettings
      );
      text = await response.text();
    } catch (error) {
      throw new ApiError(
        0,
        `Jupyter server unreachable: ${String(error)}`,
        'network'
      );
    }
    const fromModel =
      response.headers.get('X-MLflow-Workspace-Source') === 'scoring-server';
    if (!fromModel && !response.ok) {
      // Our own error (unknown deployment, not ready, bad content type): one message.
      let message = `${response.status} ${response.statusText}`.trim();
      let reason = '';
      try {
        const parsed = JSON.parse(text);
        message = parsed.message || message;
        reason = parsed.reason || '';
      } catch {
        // not JSON: keep the status line
      }
      throw new ApiError(response.status, message, reason);
    }
    return {
      status: response.status,
      contentType: response.headers.get('Content-Type') ?? '',
      text,
      fromModel
    };
  }
}

export namespace WorkspaceClient {
  export interface IOptions {
    serverSettings: ServerConnection.ISettings;
  }
}
