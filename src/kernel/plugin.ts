import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { INotebookTracker, NotebookActions } from '@jupyterlab/notebook';
import { Debouncer } from '@lumino/polling';
import { IWorkspaceSelection } from '../tokens';
import { WorkspaceModel } from '../workspace/model';
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
    model: WorkspaceModel,
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
    const debounced = new Debouncer(check, 400);
    notebooks.currentChanged.connect(() => void debounced.invoke());
    NotebookActions.executed.connect((_, args) => {
      if (args.notebook === notebooks.currentWidget?.content) {
        void debounced.invoke();
      }
    });
  }
};
