import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { IDeployTargets } from '../tokens';
import { aciTarget } from './aciTarget';
import { aksTarget } from './aksTarget';
import { kubernetesOnlineTarget } from './kubernetesOnlineTarget';
import { managedOnlineTarget } from './managedOnlineTarget';

/**
 * Azure ML deploy targets, added through the public IDeployTargets token as a third party would.
 */
export const azurePlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-mlflow-workspace:azure-deploy',
  description:
    'Deploy targets for Azure ML: online endpoints and legacy web services.',
  autoStart: true,
  requires: [IDeployTargets],
  activate: (_app: JupyterFrontEnd, targets: IDeployTargets) => {
    targets.add(managedOnlineTarget);
    targets.add(kubernetesOnlineTarget);
    targets.add(aciTarget);
    targets.add(aksTarget);
  }
};
