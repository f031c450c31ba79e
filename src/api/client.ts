import { ServerConnection } from '@jupyterlab/services';
import { ApiError, requestAPI } from './request';
import {
  ILocalStatus,
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
}

export namespace WorkspaceClient {
  export interface IOptions {
    serverSettings: ServerConnection.ISettings;
  }
}
