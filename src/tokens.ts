import { Token } from '@lumino/coreutils';
import { IDisposable } from '@lumino/disposable';
import { Widget } from '@lumino/widgets';
import { WorkspaceClient } from './api/client';
import { IDeployTargets as IDeployTargetsType } from './deploy/targets';
import { IWorkspaceSelection as IWorkspaceSelectionType } from './workspace/selection';

/**
 * The one typed HTTP client of the extension, shared by every capability.
 */
export const IWorkspaceClient = new Token<WorkspaceClient>(
  'jupyterlab-mlflow-workspace:IWorkspaceClient',
  'The typed client for the MLflow Workspace server routes.'
);

/**
 * The workspaces as other capabilities see them (setup cells, charts, deploy, runs): the list,
 * the selection, a notebook's workspace and a shared MLflow client per workspace.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface IWorkspaceSelection extends IWorkspaceSelectionType {}
export const IWorkspaceSelection = new Token<IWorkspaceSelection>(
  'jupyterlab-mlflow-workspace:IWorkspaceSelection',
  'The selected ML workspace and the list of workspaces.'
);

/**
 * The deployment targets of the Deploy dialog. A target plug-in adds itself here (form schema,
 * validation, code generation, optional pre-flight and follow hooks); `add()` returns a
 * disposable that removes it. The dialog needs no change for a new target.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface IDeployTargets extends IDeployTargetsType {}
export const IDeployTargets = new Token<IDeployTargets>(
  'jupyterlab-mlflow-workspace:IDeployTargets',
  'The deployment targets of the Deploy dialog.'
);

/**
 * The ML Workspace panel, for capabilities that add a section to it (Deployments does).
 */
export interface IWorkspacePanel {
  /** The panel's widget id (to reveal it with `app.shell.activateById`). */
  readonly id: string;
  /**
   * Add a collapsible section below the workspaces; its `title.label` is the section's heading.
   *
   * @param widget - the section
   * @returns a disposable that removes the section again
   */
  addSection(widget: Widget): IDisposable;
}

export const IWorkspacePanel = new Token<IWorkspacePanel>(
  'jupyterlab-mlflow-workspace:IWorkspacePanel',
  'The ML Workspace panel: add a section to it.'
);
