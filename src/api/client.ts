import { ServerConnection } from '@jupyterlab/services';
import { requestAPI } from './request';
import { IServerInfo } from './types';

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
}

export namespace WorkspaceClient {
  export interface IOptions {
    serverSettings: ServerConnection.ISettings;
  }
}
