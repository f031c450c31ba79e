import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { WorkspaceClient } from './client';
import { IWorkspaceClient } from '../tokens';

/**
 * Provides the one typed client, built from the application's server settings so that base URL,
 * token and XSRF handling come from JupyterLab.
 */
export const clientPlugin: JupyterFrontEndPlugin<WorkspaceClient> = {
  id: 'jupyterlab-mlflow-workspace:client',
  description: 'The typed client for the MLflow Workspace server routes.',
  autoStart: true,
  provides: IWorkspaceClient,
  activate: (app: JupyterFrontEnd): WorkspaceClient =>
    new WorkspaceClient({ serverSettings: app.serviceManager.serverSettings })
};
