import { NotebookPanel } from '@jupyterlab/notebook';
import { INotebookLink, METADATA_KEY, notebookIdOf } from './link';

/**
 * Insert a code cell below the active cell (or at the top) in one undoable step, make it active,
 * and record the workspace link in the notebook's metadata. Never overwrites a cell.
 *
 * @param panel - the notebook
 * @param source - the cell's code
 * @param options - where, and what to link
 * @returns the index of the new cell
 */
export function insertSetupCell(
  panel: NotebookPanel,
  source: string,
  options: {
    position: 'below' | 'top';
    workspace: string;
    experiment: string | null;
    /** The notebook id to record; by default the notebook's own, or a new one. */
    notebookId?: string;
  }
): number {
  const model = panel.model;
  if (!model) {
    throw new Error('The notebook is not loaded yet');
  }
  const link: INotebookLink = {
    notebook_id: options.notebookId ?? notebookIdOf(panel),
    workspace: options.workspace,
    experiment: options.experiment
  };
  return insertCodeCell(panel, source, options.position, () =>
    model.setMetadata(METADATA_KEY, link)
  );
}

/**
 * Insert a code cell below the active cell (or at the top) in one undoable step and make it
 * the active cell. Never overwrites a cell.
 *
 * @param panel - the notebook
 * @param source - the cell's code
 * @param position - below the active cell, or at the top
 * @param alsoInTransaction - more changes to the notebook, undone with the insertion
 * @returns the index of the new cell
 */
export function insertCodeCell(
  panel: NotebookPanel,
  source: string,
  position: 'below' | 'top' = 'below',
  alsoInTransaction?: () => void
): number {
  const notebook = panel.content;
  const model = panel.model;
  if (!model) {
    throw new Error('The notebook is not loaded yet');
  }
  const index =
    position === 'top' || model.cells.length === 0
      ? 0
      : notebook.activeCellIndex + 1;
  model.sharedModel.transact(() => {
    model.sharedModel.insertCell(index, {
      cell_type: 'code',
      source,
      metadata: {}
    });
    alsoInTransaction?.();
  });
  notebook.activeCellIndex = index;
  notebook.deselectAll();
  void notebook.scrollToItem(index);
  // Focus goes to the notebook, on the new cell, in command mode: the reflex Shift+Enter runs
  // the cell instead of pressing the panel's Insert button again.
  notebook.mode = 'command';
  notebook.activate();
  return index;
}

/**
 * Whether the notebook's language is Python (setup cells and deploy cells are Python).
 *
 * @param panel - the notebook
 */
export function isPython(panel: NotebookPanel): boolean {
  const model = panel.model;
  const info = model?.getMetadata('language_info') as
    { name?: string } | undefined;
  const spec = model?.getMetadata('kernelspec') as
    { language?: string; name?: string } | undefined;
  const language =
    info?.name ??
    spec?.language ??
    panel.sessionContext.kernelPreference.language;
  if (language) {
    return language.toLowerCase() === 'python';
  }
  const name = spec?.name ?? panel.sessionContext.kernelPreference.name ?? '';
  // Nothing known yet (a notebook still opening, a kernel not chosen): do not refuse. Refusing
  // here disabled Insert for seconds after every notebook opened.
  return name === '' || name.toLowerCase().includes('python');
}
