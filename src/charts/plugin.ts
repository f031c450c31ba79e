import {
  ILabShell,
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  InputDialog,
  IThemeManager,
  WidgetTracker
} from '@jupyterlab/apputils';
import { IStateDB } from '@jupyterlab/statedb';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { MlflowClient } from '../api/mlflowClient';
import { CommandIDs } from '../commands';
import { readLink } from '../notebook/link';
import { IWorkspaceSelection } from '../tokens';
import { KernelPush } from './kernelPush';
import {
  DEFAULT_LIVE_SETTINGS,
  ILiveSettings,
  LiveSession
} from './liveSession';
import { LiveMetricsView } from './LiveMetricsView';

const PLUGIN_ID = 'jupyterlab-mlflow-workspace:charts';

interface IChartSettings extends ILiveSettings {
  searchThreshold: number;
}

/**
 * Live metric charts: the Live metrics view follows the active notebook (in JupyterLab a panel
 * split to the right of the notebook, restored with the layout; in Notebook 7 the right side
 * panel). Every open notebook's kernel gets the push comm target, so no pushed value is lost
 * while the view shows another notebook.
 */
export const chartsPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'Live charts of the active notebook’s MLflow metrics.',
  autoStart: true,
  requires: [INotebookTracker, IWorkspaceSelection],
  optional: [
    ILabShell,
    ILayoutRestorer,
    ICommandPalette,
    ISettingRegistry,
    ITranslator,
    IThemeManager,
    IStateDB
  ],
  activate: (
    app: JupyterFrontEnd,
    notebooks: INotebookTracker,
    workspaces: IWorkspaceSelection,
    labShell: ILabShell | null,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null,
    themes: IThemeManager | null,
    state: IStateDB | null
  ) => {
    const trans = (translator ?? nullTranslator).load(
      'jupyterlab_mlflow_workspace'
    );
    let settings: IChartSettings = {
      ...DEFAULT_LIVE_SETTINGS,
      searchThreshold: 6
    };
    const sessions = new Map<NotebookPanel, LiveSession>();
    /** The client of the notebook's workspace (the one rule: its link's, else the selected). */
    const clientFor = (panel: NotebookPanel): MlflowClient | null => {
      const workspace = workspaces.workspaceFor(readLink(panel)?.workspace);
      return workspace ? workspaces.mlflow(workspace.id) : null;
    };

    const createSession = (panel: NotebookPanel): LiveSession => {
      const push = new KernelPush(panel.sessionContext);
      const session = new LiveSession({
        push,
        getClient: () => clientFor(panel),
        getNotebookId: () => readLink(panel)?.notebook_id ?? null,
        getExperimentName: () => readLink(panel)?.experiment ?? null,
        settings
      });
      push.activeChanged.connect(() => follow());
      sessions.set(panel, session);
      // A rename: the header names the notebook as it is now called. Once the notebook's
      // metadata is read (after a page reload), its runs can be found: look again.
      panel.context.pathChanged.connect(() => follow());
      void panel.context.ready.then(async () => {
        await restoreChoices(panel, session);
        if (!session.isDisposed) {
          void session.refresh();
        }
        follow();
      });
      panel.disposed.connect(() => {
        sessions.delete(panel);
        session.dispose();
        push.dispose();
        follow();
      });
      return session;
    };
    /**
     * The notebook's view choices (pins, hidden runs, collapsed sections, filter) come back from
     * the state database (the user's JupyterLab workspace), keyed by the notebook's id when it
     * has one, else by its path (as it is now: a new notebook is renamed from Untitled, and a
     * setup cell gives it an id later; the entry moves with it). Every change is saved.
     */
    const restoreChoices = async (
      panel: NotebookPanel,
      session: LiveSession
    ): Promise<void> => {
      if (!state) {
        return;
      }
      const keyOf = () => {
        const id = readLink(panel)?.notebook_id;
        return `${PLUGIN_ID}:view:${id ? `id:${id}` : `path:${panel.context.path}`}`;
      };
      let key = keyOf();
      try {
        const saved = await state.fetch(key);
        if (saved && !session.isDisposed) {
          session.choices.restore(saved);
          session.choices.pinned.forEach(runId => session.pin(runId));
        }
      } catch (error) {
        console.warn('Live metrics: could not read the saved view', error);
      }
      const save = () => {
        const now = keyOf();
        if (now !== key) {
          void state.remove(key).catch(() => undefined);
          key = now;
        }
        void state
          .save(key, session.choices.toJSON() as any)
          .catch(error =>
            console.warn('Live metrics: could not save the view', error)
          );
      };
      session.choices.changed.connect(save);
      panel.context.pathChanged.connect(() => {
        if (keyOf() !== key) {
          save();
        }
      });
    };
    /** The notebook's session, made on first need: on a page reload the tracker names a restored
     * notebook current before it says it was added, and the view must not miss it then. */
    const sessionOf = (panel: NotebookPanel): LiveSession =>
      sessions.get(panel) ?? createSession(panel);
    // Register the comm target on every notebook's kernel as soon as it is open.
    notebooks.forEach(panel => sessionOf(panel));
    notebooks.widgetAdded.connect((_, panel) => {
      sessionOf(panel);
      follow();
    });

    let view: LiveMetricsView | null = null;
    const tracker = new WidgetTracker<LiveMetricsView>({
      namespace: 'mlflow-live-metrics'
    });

    /** Point the view at the active notebook. */
    function follow(): void {
      if (!view) {
        return;
      }
      const panel = notebooks.currentWidget;
      const session = panel && !panel.isDisposed ? sessionOf(panel) : null;
      view.setSession(
        session,
        panel ? panel.context.localPath.split('/').pop()! : '',
        panel ? kernelHint(panel, session) : 'none'
      );
    }
    notebooks.currentChanged.connect(follow);
    // After a reload the layout (this view included) is restored before the notebooks are.
    void app.restored.then(() => follow());
    workspaces.changed.connect(() => {
      const panel = notebooks.currentWidget;
      if (panel) {
        void sessions.get(panel)?.refresh();
      }
    });

    // The layout restorer names a view only once the tracker has it, and a layout saved before
    // that leaves the view out of the next reload: its command waits for this.
    let added: Promise<void> = Promise.resolve();
    const openView = (): LiveMetricsView => {
      if (!view || view.isDisposed) {
        view = new LiveMetricsView({
          trans,
          commands: app.commands,
          searchThreshold: settings.searchThreshold,
          runsDrawn: settings.maxRuns
        });
        view.disposed.connect(() => {
          view = null;
        });
        added = tracker.add(view);
      }
      if (!view.isAttached) {
        if (labShell) {
          const ref = notebooks.currentWidget?.id;
          app.shell.add(view, 'main', { mode: 'split-right', ref });
        } else {
          // Notebook 7: the main area holds the one document.
          app.shell.add(view, 'right', { rank: 900 });
        }
      }
      follow();
      return view;
    };

    app.commands.addCommand(CommandIDs.openLiveMetrics, {
      label: trans.__('Open Live Metrics'),
      caption: trans.__(
        'Show the metrics of the active notebook’s MLflow runs while they run'
      ),
      execute: () => {
        const shown = openView();
        app.shell.activateById(shown.id);
        return added;
      }
    });

    app.commands.addCommand(CommandIDs.pinRun, {
      label: trans.__('Pin MLflow Run to Live Metrics…'),
      caption: trans.__(
        'Follow any run of the workspace (e.g. a job on another machine) in the Live metrics view'
      ),
      isEnabled: () => notebooks.currentWidget !== null,
      execute: async args => {
        const panel = notebooks.currentWidget;
        const session = panel ? sessions.get(panel) : undefined;
        if (!session) {
          return;
        }
        let runId = typeof args.runId === 'string' ? args.runId : '';
        if (!runId) {
          const result = await InputDialog.getText({
            title: trans.__('Pin a run'),
            label: trans.__('Run id'),
            placeholder: trans.__('e.g. 3f0c5d1e2a4b4c6d8e9f0a1b2c3d4e5f')
          });
          runId = result.button.accept ? (result.value ?? '').trim() : '';
        }
        if (runId) {
          session.pin(runId);
          // Chosen: drawn even beyond the runs drawn by default.
          session.choices.setHidden(runId, false);
          openView();
        }
      }
    });

    app.commands.addCommand(CommandIDs.refreshLiveMetrics, {
      label: trans.__('Refresh Live Metrics'),
      caption: trans.__('Ask the tracking server for new values now'),
      execute: () => {
        const panel = notebooks.currentWidget;
        return panel ? sessions.get(panel)?.refresh() : undefined;
      }
    });

    // Open charts take the new theme's colours at once (they kept the old ones until reopened).
    themes?.themeChanged.connect(() => {
      // After the theme's CSS applies: the charts read their colours from its variables.
      requestAnimationFrame(() => view?.restyle());
    });

    if (restorer) {
      void restorer.restore(tracker, {
        command: CommandIDs.openLiveMetrics,
        name: () => 'live-metrics'
      });
    }
    if (palette) {
      const category = trans.__('ML Workspace');
      palette.addItem({ command: CommandIDs.openLiveMetrics, category });
      palette.addItem({ command: CommandIDs.pinRun, category });
      palette.addItem({ command: CommandIDs.refreshLiveMetrics, category });
    }

    if (settingRegistry) {
      void settingRegistry.load(PLUGIN_ID).then(loaded => {
        const apply = () => {
          settings = {
            ...settings,
            ...(loaded.composite as Partial<IChartSettings>)
          };
          sessions.forEach(session => session.configure(settings));
          if (view) {
            view.searchThreshold = settings.searchThreshold;
            view.runsDrawn = settings.maxRuns;
          }
        };
        apply();
        loaded.changed.connect(apply);
      });
    }
  }
};

/**
 * What the view should say about the notebook's kernel.
 *
 * @param panel - the notebook
 * @param session - its live session
 */
function kernelHint(
  panel: NotebookPanel,
  session: LiveSession | null
): LiveMetricsView.KernelHint {
  if (session?.push?.active) {
    return 'none';
  }
  const info = panel.model?.getMetadata('language_info') as
    { name?: string } | undefined;
  const spec = panel.model?.getMetadata('kernelspec') as
    { language?: string } | undefined;
  const language = (info?.name ?? spec?.language ?? '').toLowerCase();
  if (language && language !== 'python') {
    return 'not-python';
  }
  return 'no-push';
}
