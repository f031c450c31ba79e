import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { CommandIDs } from '../commands';
import { IWorkspacePanel, IWorkspaceSelection } from '../tokens';
import { workspaceIcon } from '../ui/icons';
import { WorkspaceModel } from './model';
import { WorkspacePanel } from './WorkspacePanel';

/**
 * The ML Workspace panel in the left sidebar. Other capabilities add sections to it through
 * IWorkspacePanel (Deployments does), never by looking it up in the DOM.
 *
 * Requires no ILabShell, so it also loads in Notebook 7 (View → Left Sidebar).
 */
export const workspacePanelPlugin: JupyterFrontEndPlugin<IWorkspacePanel> = {
  id: 'jupyterlab-mlflow-workspace:panel',
  description:
    'The ML Workspace panel: workspaces, the local MLflow server, and sections of other parts.',
  autoStart: true,
  requires: [IWorkspaceSelection],
  provides: IWorkspacePanel,
  optional: [ILayoutRestorer, ICommandPalette, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    model: WorkspaceModel,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    translator: ITranslator | null
  ) => {
    translator = translator ?? nullTranslator;
    const trans = translator.load('jupyterlab_mlflow_workspace');
    const panel = new WorkspacePanel({
      model,
      commands: app.commands,
      translator
    });
    app.shell.add(panel, 'left', { rank: 600, type: 'ML Workspace' });
    if (restorer) {
      restorer.add(panel, panel.id);
    }
    app.commands.addCommand(CommandIDs.openPanel, {
      label: trans.__('Open ML Workspace Panel'),
      caption: trans.__('Show the ML Workspace panel in the left sidebar'),
      icon: workspaceIcon,
      execute: () => {
        app.shell.activateById(panel.id);
      }
    });
    palette?.addItem({
      command: CommandIDs.openPanel,
      category: trans.__('ML Workspace')
    });
    return panel;
  }
};
