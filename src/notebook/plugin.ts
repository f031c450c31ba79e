import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  INotebookTracker,
  NotebookActions,
  NotebookPanel
} from '@jupyterlab/notebook';
import { Debouncer } from '@lumino/polling';
import { IWorkspaceSelection } from '../tokens';
import { tellNotebookName } from './notebookName';
import { askTrackingUri } from './trackingUri';

/**
 * Shows, in the workspace panel, the tracking URI the active notebook's kernel really uses.
 *
 * Asked only when the kernel is idle (a silent request would wait behind a running cell), after
 * the active notebook changes and after its cells run.
 */
export const kernelUriPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-mlflow-workspace:kernel-uri',
  description: "Reads the tracking URI of the active notebook's kernel.",
  autoStart: true,
  requires: [IWorkspaceSelection, INotebookTracker],
  activate: (
    app: JupyterFrontEnd,
    model: IWorkspaceSelection,
    notebooks: INotebookTracker
  ) => {
    const check = async () => {
      const panel = notebooks.currentWidget;
      if (!panel) {
        model.setKernelUri(null);
        return;
      }
      const path = panel.context.path;
      const kernel = panel.sessionContext.session?.kernel;
      if (!kernel || kernel.status !== 'idle') {
        return;
      }
      void model.refreshRuns();
      try {
        model.setKernelUri({ path, uri: await askTrackingUri(kernel) });
      } catch {
        // The kernel went away or restarted: nothing to show until it answers again.
      }
    };
    // Runs record the notebook's name as it is now (mlflow.source.name): after a rename and
    // whenever the notebook gets a kernel, a Python kernel is told the relative path.
    const tellName = async (panel: NotebookPanel) => {
      const kernel = panel.sessionContext.session?.kernel;
      if (!kernel || panel.isDisposed) {
        return;
      }
      try {
        const info = await kernel.info;
        if (info.language_info.name.toLowerCase() !== 'python') {
          return;
        }
        await tellNotebookName(kernel, panel.context.localPath);
      } catch {
        // The kernel went away: its next one is told when it comes.
      }
    };
    const watchName = (panel: NotebookPanel) => {
      panel.context.pathChanged.connect(() => void tellName(panel));
      panel.sessionContext.kernelChanged.connect(() => void tellName(panel));
      void panel.sessionContext.ready.then(() => tellName(panel));
    };
    notebooks.forEach(watchName);
    notebooks.widgetAdded.connect((_, panel) => watchName(panel));

    const debounced = new Debouncer(check, 400);
    notebooks.currentChanged.connect(() => void debounced.invoke());
    NotebookActions.executed.connect((_, args) => {
      if (args.notebook === notebooks.currentWidget?.content) {
        void debounced.invoke();
      }
    });
  }
};
