import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Dialog,
  ICommandPalette,
  showDialog,
  showErrorMessage
} from '@jupyterlab/apputils';
import { IStateDB } from '@jupyterlab/statedb';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { CommandIDs } from '../commands';
import { IWorkspaceClient, IWorkspaceSelection } from '../tokens';
import { FRONTEND_VERSION } from '../version';
import { WorkspaceClient } from '../api/client';
import { WorkspaceModel } from './model';

/**
 * The workspaces and their commands (the panel that shows them is `workspacePanelPlugin`).
 */
export const workspacePlugin: JupyterFrontEndPlugin<WorkspaceModel> = {
  id: 'jupyterlab-mlflow-workspace:workspace',
  description:
    'Workspaces: the list, the selection, the local MLflow server, test connection.',
  autoStart: true,
  requires: [IWorkspaceClient],
  provides: IWorkspaceSelection,
  optional: [ICommandPalette, ITranslator, IStateDB],
  activate: (
    app: JupyterFrontEnd,
    client: WorkspaceClient,
    palette: ICommandPalette | null,
    translator: ITranslator | null,
    state: IStateDB | null
  ) => {
    translator = translator ?? nullTranslator;
    const trans = translator.load('jupyterlab_mlflow_workspace');
    const model = new WorkspaceModel({
      client,
      frontendVersion: FRONTEND_VERSION
    });
    void model.refresh();
    if (state) {
      rememberSelection(model, state);
    }

    const localState = () =>
      model.local.kind === 'ready' ? model.local.value.state : null;
    const { commands } = app;
    commands.addCommand(CommandIDs.refreshStatus, {
      label: trans.__('Refresh ML Workspace'),
      caption: trans.__(
        'Ask the Jupyter server for the workspaces and their status again'
      ),
      execute: () => model.refresh()
    });
    commands.addCommand(CommandIDs.testConnection, {
      label: trans.__('Test Workspace Connection'),
      caption: trans.__(
        'Check that the selected workspace answers, with its credentials'
      ),
      isEnabled: () => model.selectedId !== null,
      execute: args => {
        const id = (args.workspaceId as string | undefined) ?? model.selectedId;
        return id ? model.testConnection(id) : undefined;
      }
    });
    commands.addCommand(CommandIDs.startLocal, {
      label: trans.__('Start Local MLflow Server'),
      isEnabled: () => localState() !== 'ready' && localState() !== 'starting',
      execute: () => model.controlLocal('start')
    });
    commands.addCommand(CommandIDs.stopLocal, {
      label: trans.__('Stop Local MLflow Server'),
      isEnabled: () => localState() === 'ready',
      execute: () => model.controlLocal('stop')
    });
    commands.addCommand(CommandIDs.restartLocal, {
      label: trans.__('Restart Local MLflow Server'),
      execute: () => model.controlLocal('restart')
    });
    commands.addCommand(CommandIDs.upgradeLocal, {
      label: trans.__('Back Up and Upgrade Local MLflow Database'),
      caption: trans.__(
        'Copy the SQLite store aside, then run mlflow db upgrade on it'
      ),
      execute: () => model.controlLocal('upgrade')
    });
    commands.addCommand(CommandIDs.addWorkspace, {
      label: trans.__('Add ML Workspace…'),
      caption: trans.__(
        'Connect to an MLflow tracking server or an Azure ML workspace'
      ),
      execute: async () => {
        // The editor is in the panel: show it first (the panel plugin owns that command).
        if (commands.hasCommand(CommandIDs.openPanel)) {
          await commands.execute(CommandIDs.openPanel);
        }
        model.openEditor();
      }
    });
    commands.addCommand(CommandIDs.editWorkspace, {
      label: trans.__('Edit ML Workspace…'),
      isEnabled: args => {
        const id = (args.workspaceId as string | undefined) ?? model.selectedId;
        return !!id && model.selected?.read_only === false;
      },
      execute: args => {
        model.openEditor(
          (args.workspaceId as string | undefined) ??
            model.selectedId ??
            undefined
        );
      }
    });
    commands.addCommand(CommandIDs.removeWorkspace, {
      label: trans.__('Remove ML Workspace…'),
      isEnabled: () => model.selected?.read_only === false,
      execute: async args => {
        const id = (args.workspaceId as string | undefined) ?? model.selectedId;
        const workspace = model.selected;
        if (!id || !workspace) {
          return;
        }
        const answer = await showDialog({
          title: trans.__('Remove workspace'),
          body: trans.__(
            'Remove "%1" and its saved credentials? Notebooks that use it keep their cells.',
            workspace.name
          ),
          buttons: [
            Dialog.cancelButton(),
            Dialog.warnButton({ label: trans.__('Remove') })
          ]
        });
        if (answer.button.accept) {
          await model
            .remove(id)
            .catch(error =>
              showErrorMessage(
                trans.__('Could not remove the workspace'),
                error
              )
            );
        }
      }
    });
    model.changed.connect(() => commands.notifyCommandChanged());

    if (palette) {
      const category = trans.__('ML Workspace');
      for (const command of [
        CommandIDs.refreshStatus,
        CommandIDs.testConnection,
        CommandIDs.startLocal,
        CommandIDs.stopLocal,
        CommandIDs.restartLocal,
        CommandIDs.upgradeLocal,
        CommandIDs.addWorkspace,
        CommandIDs.editWorkspace,
        CommandIDs.removeWorkspace
      ]) {
        palette.addItem({ command, category });
      }
    }
    return model;
  }
};

/**
 * The workspace the user picked comes back after a page reload (it was the first one again):
 * kept in the state database (the user's JupyterLab workspace), applied once the list is loaded
 * and only if that workspace still exists.
 *
 * @param model - the workspaces
 * @param state - the state database
 */
function rememberSelection(model: WorkspaceModel, state: IStateDB): void {
  const key = 'jupyterlab-mlflow-workspace:workspace:selected';
  void state
    .fetch(key)
    .catch(() => undefined)
    .then(saved => {
      let pending = typeof saved === 'string' ? saved : null;
      let last = pending;
      const follow = () => {
        if (model.workspaces.kind !== 'ready') {
          return;
        }
        if (pending !== null) {
          const id = pending;
          pending = null;
          if (model.workspaces.value.some(w => w.id === id)) {
            model.select(id);
          }
        }
        const now = model.selectedId;
        if (now !== last) {
          last = now;
          void state.save(key, now).catch(() => undefined);
        }
      };
      model.changed.connect(follow);
      follow();
    });
}
