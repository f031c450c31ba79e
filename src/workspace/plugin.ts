import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { CommandIDs } from '../commands';
import { IWorkspaceClient } from '../tokens';
import { workspaceIcon } from '../ui/icons';
import { FRONTEND_VERSION } from '../version';
import { WorkspaceClient } from '../api/client';
import { WorkspaceModel } from './model';
import { WorkspacePanel } from './WorkspacePanel';

/**
 * The ML Workspace panel in the left sidebar, with its commands.
 *
 * Requires no ILabShell, so it also loads in Notebook 7 (View → Left Sidebar).
 */
export const workspacePlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-mlflow-workspace:workspace',
  description:
    'The ML Workspace panel: connect to MLflow and see the server part status.',
  autoStart: true,
  requires: [IWorkspaceClient],
  optional: [ILayoutRestorer, ICommandPalette, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    client: WorkspaceClient,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    translator: ITranslator | null
  ) => {
    translator = translator ?? nullTranslator;
    const trans = translator.load('jupyterlab_mlflow_workspace');
    const model = new WorkspaceModel({
      client,
      frontendVersion: FRONTEND_VERSION
    });
    const panel = new WorkspacePanel({ model, translator });
    app.shell.add(panel, 'left', { rank: 600, type: 'ML Workspace' });
    if (restorer) {
      restorer.add(panel, panel.id);
    }
    void model.refresh();

    app.commands.addCommand(CommandIDs.openPanel, {
      label: trans.__('Open ML Workspace Panel'),
      caption: trans.__('Show the ML Workspace panel in the left sidebar'),
      icon: workspaceIcon,
      execute: () => {
        app.shell.activateById(panel.id);
      }
    });
    app.commands.addCommand(CommandIDs.refreshStatus, {
      label: trans.__('Check ML Workspace Server Part'),
      caption: trans.__(
        'Ask the Jupyter server for the ML Workspace server part again'
      ),
      execute: () => model.refresh()
    });
    if (palette) {
      const category = trans.__('ML Workspace');
      palette.addItem({ command: CommandIDs.openPanel, category });
      palette.addItem({ command: CommandIDs.refreshStatus, category });
    }
  }
};
