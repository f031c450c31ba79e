import { NotebookPanel } from '@jupyterlab/notebook';
import { UUID } from '@lumino/coreutils';

/**
 * The notebook's link to its workspace, kept in the notebook's metadata: which workspace and
 * experiment its runs go to, and the id that finds them again after a rename or move.
 */
/** The notebook metadata key that links runs to their notebook across renames and moves. */
export const METADATA_KEY = 'mlflow_workspace';

/**
 * What `metadata.mlflow_workspace` holds.
 */
export interface INotebookLink {
  notebook_id: string;
  workspace: string;
  experiment: string | null;
}

/**
 * Read the notebook's link, if it has one.
 *
 * @param panel - the notebook
 */
export function readLink(panel: NotebookPanel): INotebookLink | null {
  const value = panel.model?.getMetadata(METADATA_KEY) as
    Partial<INotebookLink> | undefined;
  return value && typeof value.notebook_id === 'string'
    ? (value as INotebookLink)
    : null;
}

/**
 * The notebook's id from its link, or a new one (recorded by `insertSetupCell`).
 *
 * @param panel - the notebook
 */
export function notebookIdOf(panel: NotebookPanel): string {
  return readLink(panel)?.notebook_id ?? UUID.uuid4();
}

/**
 * The default experiment name for a notebook: its file name without the extension.
 *
 * @param path - the notebook's path
 */
export function experimentForPath(path: string): string {
  const name = path.split('/').pop() ?? path;
  return name.replace(/\.ipynb$/i, '') || 'notebook';
}
