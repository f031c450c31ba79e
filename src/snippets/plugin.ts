import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { IWorkspace } from '../api/types';
import { CommandIDs } from '../commands';
import { IWorkspaceSelection } from '../tokens';
import {
  AzureVariant,
  azureConfigJsonCell,
  azureSetupCell,
  IAzureWorkspace
} from './azure';
import { insertSetupCell, isPython } from '../notebook/cells';
import { experimentForPath, notebookIdOf, readLink } from '../notebook/link';
import { setupCell, SetupVariant } from './setupCells';

const PLUGIN_ID = 'jupyterlab-mlflow-workspace:snippets';

interface ISnippetSettings {
  variant: SetupVariant;
  azureVariant: AzureVariant;
  position: 'below' | 'top';
  deferToEnvironment: boolean;
}

const DEFAULTS: ISnippetSettings = {
  variant: 'plain',
  azureVariant: 'azure-v2',
  position: 'below',
  deferToEnvironment: true
};

/**
 * Setup cells: insert the tracking-URI setup cell of the selected workspace into the active
 * notebook (panel button, palette, notebook context menu).
 */
export const snippetsPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'Insert tracking-URI setup cells for the selected ML workspace.',
  autoStart: true,
  requires: [IWorkspaceSelection, INotebookTracker],
  optional: [ISettingRegistry, ICommandPalette, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    workspaces: IWorkspaceSelection,
    notebooks: INotebookTracker,
    settingRegistry: ISettingRegistry | null,
    palette: ICommandPalette | null,
    translator: ITranslator | null
  ) => {
    const trans = (translator ?? nullTranslator).load(
      'jupyterlab_mlflow_workspace'
    );
    let settings: ISnippetSettings = { ...DEFAULTS };
    if (settingRegistry) {
      void settingRegistry.load(PLUGIN_ID).then(loaded => {
        const apply = () => {
          settings = {
            ...DEFAULTS,
            ...(loaded.composite as Partial<ISnippetSettings>)
          };
        };
        apply();
        loaded.changed.connect(apply);
      });
    }

    /** Why the command is unavailable, or '' when it can run. */
    const blocker = (): string => {
      const panel = notebooks.currentWidget;
      if (!panel || panel !== app.shell.currentWidget) {
        return trans.__('Open a notebook to insert a setup cell into it.');
      }
      if (!isPython(panel)) {
        return trans.__(
          'Setup cells are Python; this notebook uses another language.'
        );
      }
      if (!workspaces.selected) {
        return trans.__('Select a workspace in the ML Workspace panel first.');
      }
      return '';
    };

    app.commands.addCommand(CommandIDs.insertSetupCell, {
      label: args =>
        args.variant === 'connected'
          ? trans.__('Insert Connected MLflow Setup Cell (connect())')
          : args.variant === 'plain'
            ? trans.__('Insert Plain MLflow Setup Cell')
            : args.variant
              ? trans.__('Insert %1 Setup Cell', String(args.variant))
              : trans.__('Insert MLflow Setup Cell'),
      caption: () =>
        blocker() ||
        trans.__('Insert a cell that points MLflow at the selected workspace'),
      isEnabled: () => blocker() === '',
      execute: async args => {
        const panel = notebooks.currentWidget;
        const selected = workspaces.selected;
        if (!panel || !selected || blocker()) {
          return;
        }
        let workspace: IWorkspace;
        // The local server's first start takes seconds: say so while it happens.
        const progress =
          selected.kind === 'local' && !selected.tracking_uri
            ? Notification.emit(
                trans.__('Starting the local MLflow server…'),
                'in-progress',
                { autoClose: false }
              )
            : null;
        try {
          workspace = await workspaces.readyForSetup(selected.id);
        } catch (error) {
          Notification.error(
            trans.__(
              'No setup cell was inserted: %1',
              (error as Error).message
            ),
            { autoClose: false }
          );
          return;
        } finally {
          if (progress) {
            Notification.dismiss(progress);
          }
        }
        const experiment =
          readLink(panel)?.experiment ?? experimentForPath(panel.context.path);
        const notebookId = notebookIdOf(panel);
        const source = generate(
          workspace,
          experiment,
          notebookId,
          settings,
          args.variant as string | undefined
        );
        insertSetupCell(panel, source, {
          position: settings.position,
          workspace: workspace.id,
          experiment,
          notebookId
        });
        followNotebook();
      }
    });

    app.commands.addCommand(CommandIDs.writeAzureConfig, {
      label: trans.__('Insert Cell That Writes Azure ML config.json'),
      caption: trans.__(
        'For the Azure ML SDK v1: writes config.json next to this notebook'
      ),
      isEnabled: () =>
        blocker() === '' && workspaces.selected?.kind === 'azureml',
      execute: () => {
        const panel = notebooks.currentWidget;
        const azure = workspaces.selected ? toAzure(workspaces.selected) : null;
        if (panel && azure && workspaces.selected) {
          insertSetupCell(panel, azureConfigJsonCell(azure), {
            position: settings.position,
            workspace: workspaces.selected.id,
            experiment: readLink(panel)?.experiment ?? null
          });
        }
      }
    });

    const refresh = () => app.commands.notifyCommandChanged();
    // The run list in the panel follows the active notebook's linked experiment.
    const followNotebook = () => {
      const panel = notebooks.currentWidget;
      workspaces.setNotebookExperiment(
        panel ? (readLink(panel)?.experiment ?? null) : null
      );
    };
    notebooks.currentChanged.connect(followNotebook);
    notebooks.currentChanged.connect(refresh);
    workspaces.changed.connect(refresh);
    app.shell.currentChanged?.connect(refresh);

    if (palette) {
      const category = trans.__('ML Workspace');
      palette.addItem({ command: CommandIDs.insertSetupCell, category });
      // Both variants where users look, not only in the Settings Editor.
      for (const variant of ['plain', 'connected']) {
        palette.addItem({
          command: CommandIDs.insertSetupCell,
          args: { variant },
          category
        });
      }
      palette.addItem({ command: CommandIDs.writeAzureConfig, category });
    }
  }
};

/**
 * The setup cell for a workspace, by its kind and the user's settings.
 */
function generate(
  workspace: IWorkspace,
  experiment: string,
  notebookId: string,
  settings: ISnippetSettings,
  variant?: string
): string {
  const azure = toAzure(workspace);
  if (azure) {
    const azureVariant = (
      variant === 'azure-v1' || variant === 'azure-v2'
        ? variant
        : settings.azureVariant
    ) as AzureVariant;
    return azureSetupCell(azureVariant, azure, { experimentName: experiment });
  }
  const chosen = (
    variant === 'plain' || variant === 'connected' ? variant : settings.variant
  ) as SetupVariant;
  return setupCell(chosen, {
    workspaceId: workspace.id,
    workspaceName: workspace.name,
    trackingUri: workspace.tracking_uri,
    experimentName: experiment,
    // The environment workspace *is* MLFLOW_TRACKING_URI: always defer to it.
    deferToEnvironment:
      settings.deferToEnvironment || workspace.kind === 'environment',
    needsToken: workspace.has_token || workspace.has_password,
    mlflowWorkspace: workspace.mlflow_workspace,
    notebookId
  });
}

function toAzure(workspace: IWorkspace): IAzureWorkspace | null {
  if (workspace.kind !== 'azureml' || !workspace.azure) {
    return null;
  }
  return {
    subscriptionId: workspace.azure.subscription_id,
    resourceGroup: workspace.azure.resource_group,
    workspaceName: workspace.azure.workspace_name,
    region: workspace.azure.region,
    tenantId: workspace.azure.tenant_id ?? undefined
  };
}
