import { Token } from '@lumino/coreutils';
import { WorkspaceClient } from './api/client';
import { DeployTargetRegistry } from './deploy/targets';
import { WorkspaceModel } from './workspace/model';

/**
 * The one typed HTTP client of the extension, shared by every capability.
 */
export const IWorkspaceClient = new Token<WorkspaceClient>(
  'jupyterlab-mlflow-workspace:IWorkspaceClient',
  'The typed client for the MLflow Workspace server routes.'
);

/**
 * The workspace panel's model: which workspace is selected, and the list. Other capabilities
 * (setup cells, charts, deploy) read the selection through this token.
 */
export const IWorkspaceSelection = new Token<WorkspaceModel>(
  'jupyterlab-mlflow-workspace:IWorkspaceSelection',
  'The selected ML workspace and the list of workspaces.'
);

/**
 * The deployment targets of the Deploy dialog. A target plug-in adds itself here (form schema,
 * validation, code generation); the dialog needs no change for a new target.
 */
export const IDeployTargets = new Token<DeployTargetRegistry>(
  'jupyterlab-mlflow-workspace:IDeployTargets',
  'The deployment targets of the Deploy dialog.'
);
