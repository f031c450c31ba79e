import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';
import { TranslationBundle } from '@jupyterlab/translation';
import { IDeployment, IPreflight, IWorkspace } from '../api/types';
import { Loadable, settle } from '../ui/loadable';
import { DeploymentsModel } from './deploymentsModel';
import { initialRequestBody } from './requestBody';
import {
  ICellOutcome,
  IDeployTarget,
  IDeployTargets,
  IModelChoice,
  ITargetField,
  TargetValues
} from './targets';

export type { ICellOutcome } from './targets';

/** Where the dialog is: filling the form, the cell inserted or running, or finished. */
export type DeployPhase =
  | { kind: 'editing' }
  | { kind: 'inserted' }
  | { kind: 'running'; startedAt: number; name: string }
  | { kind: 'deployed'; deploymentId: string | null; text: string }
  | { kind: 'failed'; text: string };

/**
 * The Deploy dialog's state: the model, the target and its form, the target's pre-flight (when
 * it has one), and how the generated cell ran. Holds no DOM; `DeployDialogBody` renders it.
 * Nothing here is specific to one target: targets come from IDeployTargets, with their hooks.
 */
export class DeployDialogModel {
  constructor(options: DeployDialogModel.IOptions) {
    this._targets = options.targets;
    this._workspace = options.workspace;
    this._loadChoices = options.loadChoices;
    this._insertCell = options.insertCell;
    this.deployments = options.deployments;
    this._trans = options.trans;
    this._preselect = options.preselect ?? {};
    this._env = options.workspaces ?? (() => []);
    this._target = this._targets.list()[0];
    this.deployments.changed.connect(this._onDeployments, this);
    this._targets.changed.connect(this._onTargets, this);
  }

  /** The deployments (to follow the one this dialog started). */
  readonly deployments: DeploymentsModel;

  /** Emitted whenever anything shown changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The workspace models come from. */
  get workspaceName(): string {
    return this._workspace.name;
  }

  /** Deployable models found for the notebook and the registry. */
  get choices(): Loadable<IModelChoice[]> {
    return this._choices;
  }

  /** The chosen model, if any. */
  get model(): IModelChoice | null {
    return this._model;
  }

  /** The targets, in the order they were added. */
  get targets(): IDeployTarget[] {
    return this._targets.list();
  }

  /** The chosen target (undefined only while no target is registered). */
  get target(): IDeployTarget {
    return this._target;
  }

  /** The target form's values. */
  get values(): TargetValues {
    return this._values;
  }

  /** Messages by field; shown after the first attempt to insert or deploy. */
  get errors(): Record<string, string> {
    return this._showErrors ? this._validate() : {};
  }

  /** What the chosen target's pre-flight found for the chosen model; null without one. */
  get preflight(): Loadable<IPreflight> | null {
    return this._preflight;
  }

  /** Where the dialog is. */
  get phase(): DeployPhase {
    return this._phase;
  }

  /** The deployment this dialog started, once known. */
  get deployment(): IDeployment | null {
    if (this._phase.kind === 'deployed' && this._phase.deploymentId) {
      return this.deployments.find(this._phase.deploymentId) ?? null;
    }
    if (this._phase.kind === 'running') {
      const { name, startedAt } = this._phase;
      const list = this.deployments.deployments;
      const mine =
        list.kind === 'ready'
          ? list.value.filter(
              d => d.name === name && d.created_at * 1000 >= startedAt - 5000
            )
          : [];
      return mine.length ? mine[mine.length - 1] : null;
    }
    return null;
  }

  /** The body Call endpoint sends first. */
  get requestBody(): string {
    return this._body ?? initialRequestBody(this._readyPreflight());
  }

  /** Keep what the user typed into the request body. */
  setRequestBody(text: string): void {
    this._body = text;
    this._changed.emit();
  }

  /** Load the deployable models, then choose the preselected (or first) one. */
  async load(): Promise<void> {
    this._choices = { kind: 'loading' };
    this._changed.emit();
    let value: IModelChoice[];
    try {
      value = await this._loadChoices();
    } catch (error) {
      this._choices = { kind: 'error', message: (error as Error).message };
      this._changed.emit();
      return;
    }
    const { uri, runId } = this._preselect;
    if (uri && !value.some(c => c.uri === uri)) {
      value = [{ uri, label: uri, source: 'uri' }, ...value];
    }
    this._choices = { kind: 'ready', value };
    const first =
      value.find(c => c.uri === uri) ??
      value.find(c => runId && c.runId === runId) ??
      value[0];
    if (first) {
      this.chooseModel(first);
    } else {
      this._changed.emit();
    }
  }

  /**
   * Choose a model: resets the form to the target's defaults and runs the pre-flight.
   *
   * @param model - a listed model, or one typed as a URI
   */
  chooseModel(model: IModelChoice): void {
    this._model = model;
    this._values = this._target ? this._defaults(this._target, model) : {};
    this._body = null;
    this._changed.emit();
    void this._runPreflight();
  }

  /**
   * Choose a model by its URI as typed (`runs:/…`, `models:/…`).
   *
   * @param uri - the URI
   */
  chooseUri(uri: string): void {
    const trimmed = uri.trim();
    if (!trimmed) {
      return;
    }
    const listed =
      this._choices.kind === 'ready'
        ? this._choices.value.find(c => c.uri === trimmed)
        : undefined;
    this.chooseModel(listed ?? { uri: trimmed, label: trimmed, source: 'uri' });
  }

  /**
   * Choose a target; values of fields with the same name are kept.
   *
   * @param id - the target's id
   */
  chooseTarget(id: string): void {
    const target = this._targets.get(id);
    if (!target || target === this._target) {
      return;
    }
    this._target = target;
    const defaults = this._model ? this._defaults(target, this._model) : {};
    const kept = Object.fromEntries(
      Object.entries(this._values).filter(([k]) => k in defaults)
    );
    this._values = { ...defaults, ...kept };
    this._changed.emit();
    if (this._model) {
      void this._runPreflight();
    }
  }

  /**
   * Change one field of the form.
   *
   * @param name - the field's name
   * @param value - its new value
   */
  setValue(name: string, value: string | boolean): void {
    const field = this.fields.find(f => f.name === name);
    const filled = field?.fills ? field.fills(String(value)) : {};
    this._values = { ...this._values, [name]: value, ...filled };
    this._changed.emit();
  }

  /** The chosen target's form, with the panel's workspaces where a field offers them. */
  get fields(): ITargetField[] {
    return this._target
      ? this._target.fields(this._trans, { workspaces: this._env() })
      : [];
  }

  /** A target's defaults for the model; a picker that lists the dialog's workspace starts on it. */
  private _defaults(target: IDeployTarget, model: IModelChoice): TargetValues {
    let values = target.defaults(model);
    for (const field of target.fields(this._trans, {
      workspaces: this._env()
    })) {
      if (
        field.fills &&
        field.options?.some(o => o.value === this._workspace.id)
      ) {
        values = {
          ...values,
          [field.name]: this._workspace.id,
          ...field.fills(this._workspace.id)
        };
      }
    }
    return values;
  }

  /** The cell the current choices generate, or null while something is missing or invalid. */
  get source(): string | null {
    if (!this._model || !this._target || Object.keys(this._validate()).length) {
      return null;
    }
    return this._target.generate({
      model: this._model,
      workspaceId: this._workspace.id,
      workspace: this._workspace,
      values: this._values
    });
  }

  /**
   * Insert the cell below the active cell; with `run`, also run it and follow it.
   *
   * @param run - true for "Deploy now"
   * @returns whether a cell was inserted
   */
  async submit(run: boolean): Promise<boolean> {
    this._showErrors = true;
    const source = this.source;
    if (source === null || this.busy || (run && !this.canDeployNow)) {
      this._changed.emit();
      return false;
    }
    const name = String(this._values.name ?? '').trim();
    if (!run) {
      await this._insertCell(source, false);
      this._phase = { kind: 'inserted' };
      this._changed.emit();
      return true;
    }
    this._phase = { kind: 'running', startedAt: Date.now(), name };
    this._changed.emit();
    if (this._target.serverManaged) {
      // Follow the new service's state while the dialog is open (dispose stops watching).
      this._watch ??= this.deployments.watch();
      void this.deployments.refresh();
    }
    let outcome: ICellOutcome;
    try {
      outcome = (await this._insertCell(source, true)) ?? {
        ok: true,
        text: ''
      };
    } catch (error) {
      outcome = { ok: false, text: (error as Error).message };
    }
    if (outcome.ok) {
      const id = this._target.follow?.(outcome) ?? null;
      this._phase = {
        kind: 'deployed',
        deploymentId: id ?? this.deployment?.id ?? null,
        text: outcome.text
      };
      if (this._target.serverManaged) {
        await this.deployments.refresh();
      }
    } else {
      this._phase = {
        kind: 'failed',
        text:
          outcome.text ||
          this._trans.__('The cell failed; see its output in the notebook.')
      };
    }
    this._changed.emit();
    return true;
  }

  /** Whether a cell is running for this dialog. */
  get busy(): boolean {
    return this._phase.kind === 'running';
  }

  /**
   * Whether "Deploy now" can start a service: a model is chosen, no cell runs, and the service
   * this dialog started is not already healthy (a second click would only fail on the name).
   */
  get canDeployNow(): boolean {
    return !!this._model && !this.busy && this.deployment?.state !== 'ready';
  }

  /** When the pre-flight that is still loading started (ms since the epoch), else null. */
  get preflightStartedAt(): number | null {
    return this._preflight?.kind === 'loading'
      ? this._preflightStartedAt
      : null;
  }

  /** Go back to the form (after a failure, or to deploy again). */
  edit(): void {
    if (!this.busy) {
      this._phase = { kind: 'editing' };
      this._changed.emit();
    }
  }

  /** Disconnect from the deployments. */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._watch?.dispose();
    this._watch = null;
    Signal.clearData(this);
  }

  /** Whether the model is disposed. */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  private _validate(): Record<string, string> {
    return this._target?.validate(this._values, this._trans) ?? {};
  }

  private _readyPreflight(): IPreflight | null {
    return this._preflight?.kind === 'ready' ? this._preflight.value : null;
  }

  private async _runPreflight(): Promise<void> {
    const model = this._model;
    const target = this._target;
    if (!model || !target?.preflight) {
      this._preflight = null;
      this._changed.emit();
      return;
    }
    this._preflight = { kind: 'loading' };
    this._preflightStartedAt = Date.now();
    this._changed.emit();
    const result: Loadable<IPreflight> = await settle(
      target.preflight(model, this._workspace)
    );
    // Only the answer for what is still chosen counts.
    if (this._model === model && this._target === target && !this._isDisposed) {
      this._preflight = result;
      this._changed.emit();
    }
  }

  private _onTargets(): void {
    // A target removed while the dialog is open: fall back to the first one left.
    if (!this._targets.get(this._target?.id ?? '')) {
      const first = this._targets.list()[0];
      this._target = first;
      this._values =
        first && this._model ? this._defaults(first, this._model) : {};
      void this._runPreflight();
    }
    this._changed.emit();
  }

  private _onDeployments(): void {
    if (this._phase.kind === 'running' || this._phase.kind === 'deployed') {
      this._changed.emit();
    }
  }

  private _targets: IDeployTargets;
  private _workspace: IWorkspace;
  private _loadChoices: () => Promise<IModelChoice[]>;
  private _insertCell: DeployDialogModel.IOptions['insertCell'];
  private _trans: TranslationBundle;
  private _env: () => IWorkspace[];
  private _preselect: { uri?: string; runId?: string };
  private _choices: Loadable<IModelChoice[]> = { kind: 'loading' };
  private _model: IModelChoice | null = null;
  private _target: IDeployTarget;
  private _values: TargetValues = {};
  private _showErrors = false;
  private _preflight: Loadable<IPreflight> | null = null;
  private _preflightStartedAt = 0;
  private _phase: DeployPhase = { kind: 'editing' };
  private _body: string | null = null;
  private _isDisposed = false;
  private _watch: IDisposable | null = null;
  private _changed = new Signal<this, void>(this);
}

export namespace DeployDialogModel {
  export interface IOptions {
    targets: IDeployTargets;
    deployments: DeploymentsModel;
    /** The workspace the models are in (targets get it whole). */
    workspace: IWorkspace;
    /** Finds the deployable models (see `loadModelChoices`). */
    loadChoices: () => Promise<IModelChoice[]>;
    /**
     * Insert the generated cell below the active cell; with `run`, run it and resolve once it
     * has finished (its outcome), else resolve at once.
     */
    insertCell: (source: string, run: boolean) => Promise<ICellOutcome | void>;
    /** The ML Workspace panel's workspaces, for targets that offer them (none by default). */
    workspaces?: () => IWorkspace[];
    /** A model or run to choose first ("Deploy…" on a run in the panel). */
    preselect?: { uri?: string; runId?: string };
    trans: TranslationBundle;
  }
}

/**
 * How long a wait has lasted, for the dialog: `8 s`, `1 min 05 s`.
 *
 * @param ms - milliseconds waited
 * @param trans - the translation bundle
 */
export function formatElapsed(ms: number, trans: TranslationBundle): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) {
    return trans.__('%1 s', seconds);
  }
  const rest = String(seconds % 60).padStart(2, '0');
  return trans.__('%1 min %2 s', Math.floor(seconds / 60), rest);
}
