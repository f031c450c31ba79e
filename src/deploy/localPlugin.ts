import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { WorkspaceClient } from '../api/client';
import { IDeployTargets, IWorkspaceClient } from '../tokens';
import { createLocalTarget } from './localTarget';

/**
 * The built-in local web service target, added through the public IDeployTargets token exactly
 * as another package would add its own.
 */
export const localTargetPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-mlflow-workspace:local-deploy',
  description: "Deploy target: MLflow's scoring server run by Jupyter.",
  autoStart: true,
  requires: [IDeployTargets, IWorkspaceClient],
  activate: (
    _app: JupyterFrontEnd,
    targets: IDeployTargets,
    client: WorkspaceClient
  ) => {
    targets.add(createLocalTarget(client));
  }
};
