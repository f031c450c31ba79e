import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';
import { WorkspaceClient } from '../api/client';
import { MlflowClient } from '../api/mlflowClient';
import { IRun } from '../api/mlflowTypes';
import { ApiError } from '../api/request';
import {
  ILocalStatus,
  ITestResult,
  IWorkspace,
  IWorkspaceDraft,
  LocalAction
} from '../api/types';
import { classifyHandshake, Handshake } from '../api/version';
import { Loadable } from '../ui/loadable';
import { IWorkspaceSelection } from './selection';

/**
 * What the panel shows about the server part: loading first, then the handshake's outcome.
 */
export type ServerStatus = { kind: 'loading' } | Handshake;

export type { Loadable } from '../ui/loadable';

/**
 * The outcome of "Test connection" for one workspace.
 */
export type TestState =
  { kind: 'testing' } | { kind: 'done'; result: ITestResult };

/**
 * The add / edit form: what it started from and the server's last answer.
 */
export interface IEditorState {
  mode: 'add' | 'edit';
  workspaceId: string | null;
  initial: IWorkspaceDraft;
  /** Whether the edited workspace has a stored token / password (never the value). */
  hasToken: boolean;
  hasPassword: boolean;
  saving: boolean;
  error: string;
}

/**
 * State of the workspace panel. Holds no DOM; the panel renders it.
 */
export class WorkspaceModel implements IWorkspaceSelection {
  constructor(options: WorkspaceModel.IOptions) {
    this._client = options.client;
    this._frontendVersion = options.frontendVersion;
    // Local status is polled while the panel is visible: fast while starting, slow otherwise.
    this._poll = new Poll({
      auto: false,
      factory: () => this._refreshLocal(),
      frequency: { interval: 5000, backoff: true, max: 30000 },
      name: 'jupyterlab-mlflow-workspace:local-status',
      standby: 'when-hidden'
    });
  }

  /** Emitted whenever anything the panel shows changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The latest known status of the server part. */
  get status(): ServerStatus {
    return this._status;
  }

  /** The workspaces the server part knows. */
  get workspaces(): Loadable<IWorkspace[]> {
    return this._workspaces;
  }

  /** The id of the selected workspace (the first one until the user picks another). */
  get selectedId(): string | null {
    if (this._selectedId) {
      return this._selectedId;
    }
    return this._workspaces.kind === 'ready' && this._workspaces.value.length
      ? this._workspaces.value[0].id
      : null;
  }

  /** The selected workspace, when the list is loaded. */
  get selected(): IWorkspace | null {
    const id = this.selectedId;
    return this._workspaces.kind === 'ready'
      ? (this._workspaces.value.find(w => w.id === id) ?? null)
      : null;
  }

  /** The local MLflow server's status, once known. */
  get local(): Loadable<ILocalStatus> {
    return this._local;
  }

  /** The error of the last local server action, if it failed. */
  get localActionError(): string {
    return this._localActionError;
  }

  /** The tracking URI the active notebook's kernel uses (null uri: MLflow not imported yet). */
  get kernelUri(): { path: string; uri: string | null } | null {
    return this._kernelUri;
  }

  /**
   * Record what the active notebook's kernel reported.
   *
   * @param value - the notebook path and the URI, or null when no notebook is active
   */
  setKernelUri(value: { path: string; uri: string | null } | null): void {
    this._kernelUri = value;
    this._changed.emit();
  }

  /** The experiment of the active notebook (from its workspace link), if any. */
  get notebookExperiment(): string | null {
    return this._experiment;
  }

  /**
   * Set the active notebook's experiment; the run list follows it.
   *
   * @param name - the experiment name, or null when the notebook is not linked
   */
  setNotebookExperiment(name: string | null): void {
    if (name !== this._experiment) {
      this._experiment = name;
      this._runs = null;
      this._changed.emit();
      void this.refreshRuns();
    }
  }

  /** The latest runs of the notebook's experiment in the selected workspace. */
  get runs(): Loadable<IRun[]> | null {
    return this._runs;
  }

  /**
   * Read the latest runs of the notebook's experiment from the selected workspace.
   */
  async refreshRuns(): Promise<void> {
    const workspace = this.selected;
    const experiment = this._experiment;
    if (!workspace || !experiment || !workspace.url) {
      this._runs = null;
      this._changed.emit();
      return;
    }
    if (!this._runs) {
      this._runs = { kind: 'loading' };
      this._changed.emit();
    }
    const client = this.mlflow(workspace.id);
    try {
      const found = await client.getExperimentByName(experiment);
      const value = found
        ? (
            await client.searchRuns({
              experimentIds: [found.experiment_id],
              maxResults: 10,
              orderBy: ['attributes.start_time DESC']
            })
          ).runs
        : [];
      this._runs = { kind: 'ready', value };
    } catch (error) {
      this._runs = { kind: 'error', message: (error as Error).message };
    }
    this._changed.emit();
  }

  /** The add / edit form, when open. */
  get editor(): IEditorState | null {
    return this._editor;
  }

  /**
   * Open the form to add a workspace, or to edit one of the user's workspaces.
   *
   * @param workspaceId - the workspace to edit; omit to add one
   */
  openEditor(workspaceId?: string): void {
    const existing =
      workspaceId && this._workspaces.kind === 'ready'
        ? this._workspaces.value.find(w => w.id === workspaceId)
        : undefined;
    this._editor = {
      mode: existing ? 'edit' : 'add',
      workspaceId: existing?.id ?? null,
      initial: existing
        ? draftOf(existing)
        : { kind: 'mlflow', name: '', url: '' },
      hasToken: existing?.has_token ?? false,
      hasPassword: existing?.has_password ?? false,
      saving: false,
      error: ''
    };
    this._changed.emit();
  }

  /** Close the form without saving. */
  closeEditor(): void {
    this._editor = null;
    this._changed.emit();
  }

  /**
   * Save the form; on failure the form stays open with the server's message.
   *
   * @param draft - the fields as the user typed them
   * @returns whether it was saved
   */
  async save(draft: IWorkspaceDraft): Promise<boolean> {
    const editor = this._editor;
    if (!editor) {
      return false;
    }
    this._editor = { ...editor, initial: draft, saving: true, error: '' };
    this._changed.emit();
    try {
      const saved = editor.workspaceId
        ? await this._client.updateWorkspace(editor.workspaceId, draft)
        : await this._client.createWorkspace(draft);
      this._editor = null;
      this._selectedId = saved.id;
      this._tests.delete(saved.id);
      await this._reloadWorkspaces();
      return true;
    } catch (error) {
      this._editor = {
        ...editor,
        initial: draft,
        saving: false,
        error: (error as Error).message
      };
      this._changed.emit();
      return false;
    }
  }

  /**
   * Remove one of the user's workspaces.
   *
   * @param workspaceId - the workspace to remove
   */
  async remove(workspaceId: string): Promise<void> {
    await this._client.removeWorkspace(workspaceId);
    if (this._selectedId === workspaceId) {
      this._selectedId = null;
    }
    this._tests.delete(workspaceId);
    await this._reloadWorkspaces();
  }

  /** The last "Test connection" outcome of a workspace. */
  testState(workspaceId: string): TestState | undefined {
    return this._tests.get(workspaceId);
  }

  /**
   * Select a workspace.
   *
   * @param id - the workspace id
   */
  workspaceFor(linkedId: string | null | undefined): IWorkspace | null {
    const list =
      this._workspaces.kind === 'ready' ? this._workspaces.value : [];
    return list.find(w => w.id === linkedId) ?? this.selected;
  }

  mlflow(workspaceId: string): MlflowClient {
    let client = this._mlflowClients.get(workspaceId);
    if (!client) {
      client = new MlflowClient({
        serverSettings: this._client.serverSettings,
        workspaceId
      });
      this._mlflowClients.set(workspaceId, client);
    }
    return client;
  }

  select(id: string): void {
    if (id !== this.selectedId) {
      this._selectedId = id;
      this._runs = null;
      this._changed.emit();
      void this.refreshRuns();
    }
  }

  /**
   * Ask the server part again: handshake, then the workspaces and the local server.
   * Concurrent calls share one request.
   */
  refresh(): Promise<void> {
    if (!this._pending) {
      this._status = { kind: 'loading' };
      this._changed.emit();
      this._pending = this._load().finally(() => {
        this._pending = null;
      });
    }
    return this._pending;
  }

  /**
   * Test the connection to a workspace; the result is kept per workspace.
   *
   * @param workspaceId - the workspace to test
   */
  async testConnection(workspaceId: string): Promise<ITestResult> {
    this._tests.set(workspaceId, { kind: 'testing' });
    this._changed.emit();
    let result: ITestResult;
    try {
      result = await this._client.testConnection(workspaceId);
    } catch (error) {
      result = {
        ok: false,
        reason: error instanceof ApiError ? error.reason || 'error' : 'error',
        message: (error as Error).message,
        status: error instanceof ApiError ? error.status : 0,
        mlflow_version: null
      };
    }
    this._tests.set(workspaceId, { kind: 'done', result });
    this._changed.emit();
    if (workspaceId === 'local') {
      void this._refreshLocal();
    }
    return result;
  }

  /**
   * Start, stop, restart or upgrade the local server.
   *
   * @param action - what to do
   */
  async controlLocal(action: LocalAction): Promise<void> {
    this._localActionError = '';
    if (this._local.kind === 'ready' && action !== 'stop') {
      this._local = {
        kind: 'ready',
        value: { ...this._local.value, state: 'starting', message: '' }
      };
    }
    this._changed.emit();
    try {
      const value = await this._client.controlLocalServer(action);
      this._local = { kind: 'ready', value };
    } catch (error) {
      this._localActionError = (error as Error).message;
    }
    await this._refreshLocal();
  }

  /**
   * The workspace, with a tracking URI a setup cell can write.
   *
   * The local server picks its port on first start, so while it has never run its workspace has
   * no URI yet: it is started here (the panel promises "starts on first use") and the list read
   * again. A cell with an empty URI would send runs silently to MLflow's default local store.
   *
   * @param workspaceId - the workspace a setup cell is about to be written for
   * @throws Error with the server's reason when no URI can be had
   */
  async readyForSetup(workspaceId: string): Promise<IWorkspace> {
    const find = () =>
      this._workspaces.kind === 'ready'
        ? this._workspaces.value.find(w => w.id === workspaceId)
        : undefined;
    let workspace = find();
    // Stopped after an earlier start, it still has a URI, but nothing answers there: start it
    // too ("starts on first use"), else the first run of the cell fails to connect.
    const localDown =
      this._local.kind === 'ready' && this._local.value.state !== 'ready';
    if (workspace?.kind === 'local' && (!workspace.tracking_uri || localDown)) {
      await this.controlLocal('start');
      await this._reloadWorkspaces();
      workspace = find();
      const failed =
        this._local.kind === 'ready' && this._local.value.state === 'failed';
      if (!workspace?.tracking_uri || failed) {
        throw new Error(
          this._localActionError ||
            (this._local.kind === 'ready' ? this._local.value.message : '') ||
            'The local MLflow server did not start.'
        );
      }
    }
    if (!workspace) {
      throw new Error(`Unknown workspace ${JSON.stringify(workspaceId)}.`);
    }
    if (workspace.kind !== 'azureml' && !workspace.tracking_uri) {
      throw new Error(`The workspace "${workspace.name}" has no tracking URI.`);
    }
    return workspace;
  }

  /** Stop polling and disconnect listeners. */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._poll.dispose();
    Signal.clearData(this);
  }

  /** Whether the model is disposed. */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  private async _load(): Promise<void> {
    let status: ServerStatus;
    try {
      status = classifyHandshake(
        this._frontendVersion,
        await this._client.getServerInfo()
      );
    } catch (error) {
      status = classifyHandshake(this._frontendVersion, error);
    }
    this._status = status;
    this._changed.emit();
    if (status.kind !== 'ready' && status.kind !== 'mismatch') {
      return;
    }
    await this._reloadWorkspaces();
    await this._refreshLocal();
    if (this._poll.isDisposed === false) {
      void this._poll.start();
    }
  }

  private async _reloadWorkspaces(): Promise<void> {
    try {
      const value = await this._client.listWorkspaces();
      this._workspaces = { kind: 'ready', value };
    } catch (error) {
      this._workspaces = { kind: 'error', message: (error as Error).message };
    }
    this._changed.emit();
  }

  private async _refreshLocal(): Promise<void> {
    try {
      const value = await this._client.getLocalStatus();
      this._local = { kind: 'ready', value };
      // The local server picks its port on first start: the workspace list read before that
      // has no URL yet, and setup cells need it.
      const listed =
        this._workspaces.kind === 'ready'
          ? this._workspaces.value.find(w => w.kind === 'local')
          : undefined;
      if (
        listed &&
        value.tracking_uri &&
        listed.tracking_uri !== value.tracking_uri
      ) {
        await this._reloadWorkspaces();
      }
    } catch (error) {
      this._local = { kind: 'error', message: (error as Error).message };
    }
    this._changed.emit();
  }

  private _client: WorkspaceClient;
  private _mlflowClients = new Map<string, MlflowClient>();
  private _frontendVersion: string;
  private _status: ServerStatus = { kind: 'loading' };
  private _workspaces: Loadable<IWorkspace[]> = { kind: 'loading' };
  private _local: Loadable<ILocalStatus> = { kind: 'loading' };
  private _localActionError = '';
  private _selectedId: string | null = null;
  private _editor: IEditorState | null = null;
  private _kernelUri: { path: string; uri: string | null } | null = null;
  private _experiment: string | null = null;
  private _runs: Loadable<IRun[]> | null = null;
  private _tests = new Map<string, TestState>();
  private _pending: Promise<void> | null = null;
  private _poll: Poll;
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
}

/**
 * The editable fields of a workspace, secrets left empty (they are write-only).
 */
function draftOf(workspace: IWorkspace): IWorkspaceDraft {
  if (workspace.kind === 'azureml' && workspace.azure) {
    return {
      kind: 'azureml',
      name: workspace.name,
      subscription_id: workspace.azure.subscription_id,
      resource_group: workspace.azure.resource_group,
      workspace_name: workspace.azure.workspace_name,
      region: workspace.azure.region,
      tenant_id: workspace.azure.tenant_id ?? ''
    };
  }
  return {
    kind: 'mlflow',
    name: workspace.name,
    url: workspace.url,
    username: workspace.username ?? '',
    mlflow_workspace: workspace.mlflow_workspace ?? ''
  };
}

export namespace WorkspaceModel {
  export interface IOptions {
    client: WorkspaceClient;
    frontendVersion: string;
  }
}
