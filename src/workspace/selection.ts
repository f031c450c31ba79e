import { ISignal } from '@lumino/signaling';
import { MlflowClient } from '../api/mlflowClient';
import { IWorkspace } from '../api/types';
import { Loadable } from '../ui/loadable';

/**
 * What other capabilities see of the workspaces (through the IWorkspaceSelection token): the
 * list, the selection, which workspace a notebook uses, an MLflow client per workspace, and
 * the little notebook state the panel shows. Not the panel's model with its forms and polls.
 */
export interface IWorkspaceSelection {
  /** Emitted when anything here changes. */
  readonly changed: ISignal<IWorkspaceSelection, void>;
  /** Every workspace the server part lists. */
  readonly workspaces: Loadable<IWorkspace[]>;
  /** The selected workspace's id (the first one until the user picks). */
  readonly selectedId: string | null;
  /** The selected workspace, when the list is loaded. */
  readonly selected: IWorkspace | null;
  /** Select a workspace. */
  select(id: string): void;
  /**
   * The workspace a notebook uses: the one its link names while it still exists, else the
   * selected one. The one rule for "this notebook's workspace".
   *
   * @param linkedId - the workspace id of the notebook's link (`readLink(panel)?.workspace`)
   */
  workspaceFor(linkedId: string | null | undefined): IWorkspace | null;
  /**
   * The MLflow client of a workspace (through the proxy), made once and shared.
   *
   * @param workspaceId - the workspace's id
   */
  mlflow(workspaceId: string): MlflowClient;
  /**
   * Wait until a workspace can take a setup cell: the local server is started if it never was.
   *
   * @param workspaceId - the workspace's id
   */
  readyForSetup(workspaceId: string): Promise<IWorkspace>;
  /** The active notebook's experiment, as its link or setup cell names it. */
  readonly notebookExperiment: string | null;
  /** Record the active notebook's experiment. */
  setNotebookExperiment(name: string | null): void;
  /** Record what the active notebook's kernel reports as its tracking URI. */
  setKernelUri(value: { path: string; uri: string | null } | null): void;
  /** Reload the recent runs the panel shows for the active notebook. */
  refreshRuns(): Promise<void>;
}
