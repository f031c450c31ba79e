import { Token } from '@lumino/coreutils';
import { WorkspaceClient } from './api/client';

/**
 * The one typed HTTP client of the extension, shared by every capability.
 */
export const IWorkspaceClient = new Token<WorkspaceClient>(
  'jupyterlab-mlflow-workspace:IWorkspaceClient',
  'The typed client for the MLflow Workspace server routes.'
);
