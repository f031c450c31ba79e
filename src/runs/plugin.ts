import {
  ILabShell,
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Dialog,
  ICommandPalette,
  InputDialog,
  MainAreaWidget,
  showDialog,
  showErrorMessage,
  WidgetTracker
} from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { CommandIDs } from '../commands';
import { MlflowClient } from '../api/mlflowClient';
import { WorkspaceClient } from '../api/client';
import { IWorkspaceClient, IWorkspaceSelection } from '../tokens';
import { workspaceIcon } from '../ui/icons';
import {
  DEFAULT_SETTINGS,
  IRunsSettings,
  RunsBrowserModel
} from './browserModel';
import { chooseColumns } from './ColumnChoiceDialog';
import { uiLink } from './links';
import { RunsBrowser } from './RunsBrowser';

const PLUGIN_ID = 'jupyterlab-mlflow-workspace:runs';

/**
 * The experiment and run browser ("MLflow Runs"): experiments, the run table, details, compare
 * and sweeps. In JupyterLab it opens in the main area; in Notebook 7 (one main widget per page)
 * in the right sidebar.
 */
export const runsPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'Browse experiments and runs, compare runs and sweeps.',
  autoStart: true,
  requires: [IWorkspaceClient, IWorkspaceSelection],
  optional: [
    ICommandPalette,
    ISettingRegistry,
    ITranslator,
    ILabShell,
    ILayoutRestorer
  ],
  activate: (
    app: JupyterFrontEnd,
    client: WorkspaceClient,
    workspaces: IWorkspaceSelection,
    palette: ICommandPalette | null,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null,
    labShell: ILabShell | null,
    restorer: ILayoutRestorer | null
  ) => {
    translator = translator ?? nullTranslator;
    const trans = translator.load('jupyterlab_mlflow_workspace');
    const { commands } = app;
    const model = new RunsBrowserModel({
      apiFor: workspaceId =>
        new MlflowClient({ serverSettings: client.serverSettings, workspaceId })
    });
    const follow = () => {
      model.setWorkspace(workspaces.selected);
      model.setNotebookExperiment(workspaces.notebookExperiment);
    };
    // A restored layout names its workspace before the workspace list has loaded: select it
    // once listed, ahead of `follow`, so that the browser never starts on another one.
    let restoreWorkspace: string | null = null;
    const selectRestored = () => {
      const list = workspaces.workspaces;
      if (!restoreWorkspace || list.kind !== 'ready') {
        return;
      }
      const id = restoreWorkspace;
      restoreWorkspace = null;
      if (list.value.some(w => w.id === id)) {
        workspaces.select(id);
      }
    };
    workspaces.changed.connect(selectRestored);
    workspaces.changed.connect(follow);
    follow();

    // Tracked so that the layout restorer reopens the browser, on its experiment, after a reload.
    const tracker = new WidgetTracker<Widget>({ namespace: 'mlflow-runs' });
    let widget: Widget | null = null;
    // What the restorer saves and reopens with. Only a choice is restored: a default gives way
    // to the notebook's experiment.
    const restoreArgs = () => ({
      experimentId: model.userChosen ? (model.experimentId ?? '') : '',
      workspaceId: model.workspace?.id ?? ''
    });
    // Saved again whenever the arguments change: a click on the experiment already shown makes
    // it a choice without changing its id.
    const restoredKey = () => JSON.stringify(restoreArgs());
    let savedKey = '';
    model.changed.connect(() => {
      // Not while no experiment is open (a reload's start-up, before the restored one opens):
      // that would overwrite the saved choice with "none".
      if (
        widget &&
        !widget.isDisposed &&
        model.experimentId !== null &&
        restoredKey() !== savedKey
      ) {
        savedKey = restoredKey();
        void tracker.save(widget);
      }
    });
    // Resolves once the browser is in the tracker: the layout restorer names a widget only then,
    // and a layout saved before that leaves the browser out of the next reload.
    let added: Promise<void> = Promise.resolve();
    const open = async (): Promise<void> => {
      if (!widget || widget.isDisposed) {
        const content = new RunsBrowser({
          model,
          commands,
          translator: translator!
        });
        content.id = 'jp-mlflow-runs-browser';
        const title = trans.__('MLflow Runs');
        if (labShell) {
          const main = new MainAreaWidget({ content });
          main.id = 'jp-mlflow-runs';
          main.title.label = title;
          main.title.icon = workspaceIcon;
          main.title.closable = true;
          widget = main;
          app.shell.add(main, 'main');
        } else {
          content.title.icon = workspaceIcon;
          content.title.caption = title;
          widget = content;
          app.shell.add(content, 'right', { rank: 700 });
        }
        // The model outlives the widget: closing the tab only stops refreshing.
        widget.disposed.connect(() => model.stopRefresh());
        savedKey = restoredKey();
        added = tracker.add(widget);
      }
      app.shell.activateById(widget.id);
      await added;
    };

    // Loaded below; the column picker writes through it so the choice shows in the Settings Editor.
    let settings: ISettingRegistry.ISettings | null = null;

    const experimentArg = (args: any): string | null =>
      (args.experimentId as string | undefined) ?? model.experimentId;
    const experimentName = (id: string) =>
      model.experiments.find(id)?.name ?? id;
    const fail = (title: string) => (error: unknown) =>
      showErrorMessage(title, error as Error);

    commands.addCommand(CommandIDs.openRunsBrowser, {
      label: trans.__('Open MLflow Runs'),
      caption: trans.__(
        'Browse experiments and runs of the selected workspace'
      ),
      icon: workspaceIcon,
      describedBy: {
        args: {
          type: 'object',
          properties: {
            experimentId: {
              type: 'string',
              description: trans.__('The experiment to show')
            },
            workspaceId: {
              type: 'string',
              description: trans.__(
                'The workspace of the experiment (the selected one when omitted)'
              )
            }
          }
        }
      },
      // The restorer waits for this promise (see open).
      execute: async args => {
        const experimentId = args.experimentId as string | undefined;
        // A restored layout stores '' for "none".
        const workspaceId = (args.workspaceId as string | undefined) || null;
        if (experimentId) {
          model.requestExperiment(experimentId, workspaceId ?? undefined);
        }
        if (workspaceId && workspaceId !== workspaces.selectedId) {
          restoreWorkspace = workspaceId;
          selectRestored();
        }
        // The list may predate the notebook's experiment (created by its setup cell).
        void model.reloadExperiments();
        await open();
      }
    });
    if (restorer) {
      void restorer.restore(tracker, {
        command: CommandIDs.openRunsBrowser,
        args: restoreArgs,
        name: () => 'runs'
      });
    }
    commands.addCommand(CommandIDs.refreshRuns, {
      label: trans.__('Refresh Runs'),
      isEnabled: () => model.experimentId !== null,
      execute: () => model.table.reload()
    });
    commands.addCommand(CommandIDs.loadAllRuns, {
      label: trans.__('Load All Runs'),
      caption: trans.__('Fetch every page of runs matching the filter'),
      isEnabled: () => model.experimentId !== null && !model.table.complete,
      execute: () => model.table.loadAll()
    });
    commands.addCommand(CommandIDs.createExperiment, {
      label: trans.__('New Experiment…'),
      isEnabled: () => !!model.workspace && !model.unavailable,
      execute: async () => {
        const answer = await InputDialog.getText({
          title: trans.__('New experiment'),
          label: trans.__('Name'),
          okLabel: trans.__('Create')
        });
        const name = answer.value?.trim();
        if (answer.button.accept && name) {
          await model.experiments
            .create(name)
            .then(id => model.openExperiment(id))
            .catch(fail(trans.__('Could not create the experiment')));
        }
      }
    });
    commands.addCommand(CommandIDs.renameExperiment, {
      label: trans.__('Rename Experiment…'),
      isEnabled: args => !!experimentArg(args),
      execute: async args => {
        const id = experimentArg(args);
        if (!id) {
          return;
        }
        const answer = await InputDialog.getText({
          title: trans.__('Rename experiment'),
          label: trans.__('New name'),
          text: experimentName(id),
          okLabel: trans.__('Rename')
        });
        const name = answer.value?.trim();
        if (answer.button.accept && name && name !== experimentName(id)) {
          await model.experiments
            .rename(id, name)
            .catch(fail(trans.__('Could not rename the experiment')));
        }
      }
    });
    commands.addCommand(CommandIDs.deleteExperiment, {
      label: trans.__('Delete Experiment…'),
      isEnabled: args => !!experimentArg(args),
      execute: async args => {
        const id = experimentArg(args);
        if (!id) {
          return;
        }
        const answer = await showDialog({
          title: trans.__('Delete experiment'),
          body: trans.__(
            'Delete "%1" and its runs? MLflow keeps them as deleted until garbage collection; "Show deleted" can restore them.',
            experimentName(id)
          ),
          buttons: [
            Dialog.cancelButton(),
            Dialog.warnButton({ label: trans.__('Delete') })
          ]
        });
        if (answer.button.accept) {
          await model.experiments
            .remove(id)
            .then(() => {
              if (model.experimentId === id) {
                void model.table.setExperiments([]);
              }
            })
            .catch(fail(trans.__('Could not delete the experiment')));
        }
      }
    });
    commands.addCommand(CommandIDs.restoreExperiment, {
      label: trans.__('Restore Experiment…'),
      isEnabled: args => !!args.experimentId,
      execute: async args => {
        const id = args.experimentId as string | undefined;
        if (!id) {
          return;
        }
        const answer = await showDialog({
          title: trans.__('Restore experiment'),
          body: trans.__('Restore "%1" with its runs?', experimentName(id)),
          buttons: [
            Dialog.cancelButton(),
            Dialog.okButton({ label: trans.__('Restore') })
          ]
        });
        if (answer.button.accept) {
          await model.experiments
            .restore(id)
            .catch(fail(trans.__('Could not restore the experiment')));
        }
      }
    });
    commands.addCommand(CommandIDs.selectTopRuns, {
      label: args =>
        args.metric
          ? trans.__(
              'Select Top %1 Runs by %2',
              (args.n as number) ?? 5,
              args.metric as string
            )
          : trans.__('Select Top Runs by the First Metric Column'),
      isEnabled: () => model.experimentId !== null,
      execute: async args => {
        const metric =
          (args.metric as string | undefined) ?? model.table.metricKeys[0];
        if (!metric) {
          return;
        }
        await model.table
          .selectTop(
            metric,
            (args.n as number | undefined) ?? 5,
            (args.ascending as boolean | undefined) ?? true
          )
          .catch(fail(trans.__('Could not select the top runs')));
      }
    });
    commands.addCommand(CommandIDs.compareRuns, {
      label: args =>
        args.isPalette
          ? trans.__('Compare Selected Runs')
          : trans.__('Compare (%1)', model.table.selection.length),
      isEnabled: () => model.table.selection.length > 0,
      execute: () => {
        void open();
        return model.openCompare();
      }
    });
    commands.addCommand(CommandIDs.clearRunSelection, {
      label: trans.__('Clear Run Selection'),
      isEnabled: () => model.table.selection.length > 0,
      execute: () => model.table.setSelection([])
    });
    commands.addCommand(CommandIDs.showSweep, {
      label: trans.__('Show Sweep of This Run'),
      isEnabled: args =>
        !!model.table.findRun(
          (args.runId as string) ?? model.details?.runId ?? ''
        ),
      execute: args => {
        const run = model.table.findRun(
          (args.runId as string) ?? model.details?.runId ?? ''
        );
        return run ? model.showSweep(run) : undefined;
      }
    });
    commands.addCommand(CommandIDs.openRunInMlflowUi, {
      label: trans.__('Open Run in MLflow UI'),
      isEnabled: () => !!model.details && !!model.workspace,
      execute: () => {
        const run = model.details
          ? model.table.findRun(model.details.runId)
          : undefined;
        const link =
          run && model.workspace
            ? uiLink(model.workspace, run.info.experiment_id, run.info.run_id)
            : null;
        if (link) {
          window.open(link, '_blank', 'noopener');
        }
      }
    });
    commands.addCommand(CommandIDs.chooseRunColumns, {
      label: trans.__('Choose Run Columns…'),
      caption: trans.__(
        'Choose the metric and parameter columns of the run table'
      ),
      isEnabled: () => model.experimentId !== null,
      execute: async () => {
        const answer = await chooseColumns(
          model.table.runs,
          { metrics: model.table.metricKeys, params: model.table.paramKeys },
          trans
        );
        if (!answer) {
          return;
        }
        const { metrics, params } = answer;
        if (!settings) {
          // No settings registry (an embedding app): this session only, nothing stored.
          model.setSettings({ metricColumns: metrics, paramColumns: params });
          return;
        }
        try {
          // Params first: the metric list decides whether params are used at all.
          await settings.set('paramColumns', params);
          await settings.set('metricColumns', metrics);
        } catch (error) {
          await showErrorMessage(
            trans.__('Could not save the run columns'),
            error as Error
          );
        }
      }
    });
    model.changed.connect(() => commands.notifyCommandChanged());
    model.table.changed.connect(() => commands.notifyCommandChanged());

    if (palette) {
      const category = trans.__('ML Workspace');
      for (const command of [
        CommandIDs.openRunsBrowser,
        CommandIDs.refreshRuns,
        CommandIDs.loadAllRuns,
        CommandIDs.createExperiment,
        CommandIDs.renameExperiment,
        CommandIDs.deleteExperiment,
        CommandIDs.selectTopRuns,
        CommandIDs.compareRuns,
        CommandIDs.clearRunSelection,
        CommandIDs.showSweep,
        CommandIDs.openRunInMlflowUi,
        CommandIDs.chooseRunColumns
      ]) {
        palette.addItem({ command, category, args: { isPalette: true } });
      }
    }

    if (settingRegistry) {
      void settingRegistry
        .load(PLUGIN_ID)
        .then(loaded => {
          settings = loaded;
          const apply = () =>
            model.setSettings({
              ...DEFAULT_SETTINGS,
              ...(loaded.composite as Partial<IRunsSettings>)
            });
          apply();
          loaded.changed.connect(apply);
        })
        .catch(reason =>
          console.warn(`${PLUGIN_ID}: settings not loaded`, reason)
        );
    }
  }
};
