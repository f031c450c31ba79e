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
import { CodeCell } from '@jupyterlab/cells';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import { WatchWhileShown } from '../ui/watchWhileShown';
import { IDisposable } from '@lumino/disposable';
import * as React from 'react';
import { WorkspaceClient } from '../api/client';
import { CommandIDs } from '../commands';
import { insertCodeCell, isPython } from '../notebook/cells';
import { readLink } from '../notebook/link';
import {
  IDeployTargets,
  IWorkspaceClient,
  IWorkspacePanel,
  IWorkspaceSelection
} from '../tokens';
import { deployIcon } from '../ui/icons';
import { cellOutcome } from './cellOutcome';
import { DeployDialogBody } from './DeployDialogBody';
import { DeploymentsModel } from './deploymentsModel';
import { DeploymentsView } from './DeploymentsView';
import { DeployDialogModel } from './dialogModel';
import { loadModelChoices } from './modelChoices';
import { DeployTargetRegistry } from './targets';

const PLUGIN_ID = 'jupyterlab-mlflow-workspace:deploy';

/**
 * Deploy: the notebook toolbar's Deploy button (declared in schema/deploy.json, so users can
 * move or hide it), the Deploy dialog, and the Deployments section of the ML Workspace panel.
 * Provides the target registry; every target, the built-in local one included, plugs in
 * through it (see `localPlugin.ts`), so the dialog holds nothing target-specific.
 */
export const deployPlugin: JupyterFrontEndPlugin<IDeployTargets> = {
  id: PLUGIN_ID,
  description:
    'Deploy MLflow models from a notebook: the Deploy button and dialog, local web services.',
  autoStart: true,
  requires: [IWorkspaceClient, IWorkspaceSelection, INotebookTracker],
  optional: [ISettingRegistry, ICommandPalette, ITranslator, IWorkspacePanel],
  provides: IDeployTargets,
  activate: (
    app: JupyterFrontEnd,
    client: WorkspaceClient,
    workspaces: IWorkspaceSelection,
    notebooks: INotebookTracker,
    settingRegistry: ISettingRegistry | null,
    palette: ICommandPalette | null,
    translator: ITranslator | null,
    workspacePanel: IWorkspacePanel | null
  ) => {
    const trans = (translator ?? nullTranslator).load(
      'jupyterlab_mlflow_workspace'
    );
    const targets = new DeployTargetRegistry();
    const deployments = new DeploymentsModel({ client });
    if (settingRegistry) {
      // Loading the settings makes the toolbar item of the schema known to the notebook.
      void settingRegistry.load(PLUGIN_ID).catch(() => undefined);
    }

    /** Why Deploy is unavailable, or '' when it can run. */
    const blocker = (): string => {
      const panel = notebooks.currentWidget;
      if (!panel) {
        return trans.__('Open a notebook to deploy a model from it.');
      }
      if (!isPython(panel)) {
        return trans.__(
          'Deploy cells are Python; this notebook uses another language.'
        );
      }
      if (!workspaceFor(panel)) {
        return trans.__('Select a workspace in the ML Workspace panel first.');
      }
      if (!targets.list().length) {
        return trans.__('No deploy target is installed.');
      }
      return '';
    };

    const workspaceFor = (panel: NotebookPanel) =>
      workspaces.workspaceFor(readLink(panel)?.workspace);

    const { commands } = app;
    commands.addCommand(CommandIDs.deploy, {
      label: args =>
        args.isPalette ? trans.__('Deploy Model…') : trans.__('Deploy'),
      caption: () =>
        blocker() ||
        trans.__('Deploy a logged or registered model as a web service'),
      icon: args => (args.isPalette ? undefined : deployIcon),
      isEnabled: () => blocker() === '',
      execute: async args => {
        const panel = notebooks.currentWidget;
        const workspace = panel ? workspaceFor(panel) : null;
        if (!panel || !workspace || blocker()) {
          return;
        }
        const mlflow = workspaces.mlflow(workspace.id);
        const experiment = readLink(panel)?.experiment ?? null;
        const model = new DeployDialogModel({
          targets,
          deployments,
          workspace,
          trans,
          workspaces: () =>
            workspaces.workspaces.kind === 'ready'
              ? workspaces.workspaces.value
              : [],
          preselect: {
            uri: args.modelUri as string | undefined,
            runId: args.runId as string | undefined
          },
          loadChoices: () => loadModelChoices(mlflow, experiment),
          insertCell: async (source, run) => {
            const index = insertCodeCell(panel, source, 'below');
            if (!run) {
              return;
            }
            const cell = panel.content.widgets[index];
            if (!(cell instanceof CodeCell)) {
              throw new Error(trans.__('The inserted cell is not a code cell'));
            }
            if (!panel.sessionContext.session?.kernel) {
              throw new Error(
                trans.__(
                  'The notebook has no running kernel: start one, then deploy again.'
                )
              );
            }
            const reply = await CodeCell.execute(cell, panel.sessionContext);
            return cellOutcome(cell.model, reply);
          }
        });
        void model.load();
        await showDialog({
          title: trans.__('Deploy a model'),
          body: new DeployDialogBody(model, trans),
          buttons: [Dialog.cancelButton({ label: trans.__('Close') })],
          // Enter in a form field must not close the dialog.
          defaultButton: -1,
          hasClose: true
        });
      }
    });
    commands.addCommand(CommandIDs.refreshDeployments, {
      label: trans.__('Refresh Deployments'),
      execute: () => deployments.refresh()
    });
    /** A listed deployment's action, offered by its target (e.g. Azure: state, call, delete). */
    const actionOf = (args: any) => {
      const d = deployments.find(String(args.deploymentId ?? ''));
      const action = d
        ? targets
            .get(d.target)
            ?.actions?.(trans)
            .find(a => a.id === args.action)
        : undefined;
      return d && action ? { d, action } : null;
    };
    commands.addCommand(CommandIDs.runDeploymentAction, {
      label: args => actionOf(args)?.action.label ?? trans.__('Run a Cell'),
      caption: args => actionOf(args)?.action.caption ?? '',
      isEnabled: args => actionOf(args) !== null,
      execute: async args => {
        const found = actionOf(args);
        if (!found) {
          return;
        }
        const { d, action } = found;
        const panel = notebooks.currentWidget;
        if (!panel || !isPython(panel)) {
          await showErrorMessage(
            action.label,
            trans.__(
              'Open a Python notebook first: the cell runs in its kernel, with your credentials.'
            )
          );
          return;
        }
        if (action.confirm) {
          const answer = await showDialog({
            title: trans.__('%1 — %2', action.label, d.name),
            body: action.confirm,
            buttons: [
              Dialog.cancelButton({ label: trans.__('Cancel') }),
              Dialog.warnButton({
                label: action.label.replace(/…$/, '')
              })
            ]
          });
          if (!answer.button.accept) {
            return;
          }
        }
        const index = insertCodeCell(panel, action.generate(d), 'below');
        const cell = panel.content.widgets[index];
        // Without a kernel (or when it must be edited first) the cell waits, reviewable.
        if (
          cell instanceof CodeCell &&
          action.runs !== false &&
          panel.sessionContext.session?.kernel
        ) {
          await CodeCell.execute(cell, panel.sessionContext);
          await deployments.refresh();
        }
      }
    });
    commands.addCommand(CommandIDs.stopDeployment, {
      label: trans.__('Stop Deployment'),
      isEnabled: args => typeof args.deploymentId === 'string',
      execute: args => deployments.stop(args.deploymentId as string)
    });
    const refreshCommands = () =>
      commands.notifyCommandChanged(CommandIDs.deploy);
    notebooks.currentChanged.connect(refreshCommands);
    workspaces.changed.connect(refreshCommands);

    if (palette) {
      const category = trans.__('ML Workspace');
      palette.addItem({
        command: CommandIDs.deploy,
        category,
        args: { isPalette: true }
      });
      palette.addItem({ command: CommandIDs.refreshDeployments, category });
    }

    targets.changed.connect(refreshCommands);

    // The Deployments section of the ML Workspace panel (absent where the panel is).
    if (workspacePanel) {
      const section = new DeploymentsSection(deployments, trans, {
        targetOf: d => {
          const target = targets.get(d.target);
          return target
            ? { label: target.label, actions: target.actions?.(trans) ?? [] }
            : undefined;
        },
        onAction: (d, action) =>
          void commands.execute(CommandIDs.runDeploymentAction, {
            deploymentId: d.id,
            action: action.id
          }),
        onMonitor: d =>
          void commands.execute(CommandIDs.openMonitor, {
            deploymentId: d.id,
            name: d.name
          }),
        // The monitor plugin may be disabled (or activate later): asked at each render.
        canMonitor: () => commands.hasCommand(CommandIDs.openMonitor)
      });
      section.addClass('jp-mlflow-DeploymentsSection');
      section.title.label = trans.__('Deployments');
      workspacePanel.addSection(section);
    }
    return targets;
  }
};

/**
 * The Deployments section: polls the list only while it is shown. Collapsing the section, or
 * switching the left sidebar to another panel, hides it (Lumino sends the hide messages down).
 */
class DeploymentsSection extends WatchWhileShown {
  constructor(
    private readonly _deployments: DeploymentsModel,
    private readonly _trans: TranslationBundle,
    private readonly _targets: Pick<
      React.ComponentProps<typeof DeploymentsView>,
      'targetOf' | 'onAction' | 'onMonitor' | 'canMonitor'
    >
  ) {
    super();
  }

  protected render(): JSX.Element {
    return (
      <DeploymentsView
        deployments={this._deployments}
        trans={this._trans}
        {...this._targets}
      />
    );
  }

  protected watch(): IDisposable {
    return this._deployments.watch();
  }
}
