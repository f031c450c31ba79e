import { TranslationBundle } from '@jupyterlab/translation';
import { DisposableDelegate, IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';
import { IDeployment, IPreflight, IWorkspace } from '../api/types';

/**
 * A model the user can deploy: where it is and what the dialog shows about it.
 */
export interface IModelChoice {
  /** `runs:/<run>/<path>`, `models:/<model id>`, `models:/<name>/<version>`, `models:/<name>@<alias>` */
  uri: string;
  /** What the picker shows. */
  label: string;
  /** Where it came from. */
  source: 'logged' | 'registered' | 'uri';
  /** The run that logged it, when known. */
  runId?: string;
  /** That run's name, when known: default service names derive from it. */
  runName?: string;
  /** Flavors known without asking the server (from the run's log-model history). */
  flavors?: string[];
}

/** One field of a target's form. */
export interface ITargetField {
  name: string;
  label: string;
  type: 'text' | 'number' | 'boolean' | 'select';
  /** For `select`: the values and their labels. */
  options?: { value: string; label: string }[];
  placeholder?: string;
  help?: string;
  required?: boolean;
  /** Folded under "Advanced" in the form (opened when one of them has an error). */
  advanced?: boolean;
  /**
   * Other fields this one fills when chosen (e.g. a workspace picker fills its ids). A field with
   * `fills` whose options hold the dialog's workspace id starts on it.
   */
  fills?(value: string): TargetValues;
}

/** What the dialog knows besides the model: the ML Workspace panel's workspaces (no secrets). */
export interface ITargetEnv {
  workspaces: IWorkspace[];
}

/** The form's values, by field name (numbers are kept as the typed text). */
export type TargetValues = Record<string, string | boolean>;

/** What code generation needs besides the form. */
export interface IDeployRequest {
  model: IModelChoice;
  /** The workspace (profile id) the model is in. */
  workspaceId: string;
  /** That workspace, whole: its kind, URL and (for Azure ML) subscription and resource group. */
  workspace: IWorkspace;
  values: TargetValues;
}

/** What running the generated cell in the notebook ended with. */
export interface ICellOutcome {
  ok: boolean;
  /** The cell's printed output and error text, for the dialog. */
  text: string;
}

/**
 * Something the panel's Deployments list offers on a deployment of a target: a reviewable cell,
 * inserted into the active notebook and run in its kernel (cloud calls stay in the kernel).
 */
export interface IDeploymentAction {
  /** Stable within the target, e.g. `state`, `call`, `delete`. */
  id: string;
  label: string;
  caption: string;
  /** Asked (with a warning button) before the cell is inserted: a destructive action. */
  confirm?: string;
  /**
   * Whether the inserted cell runs at once (default true). False for a cell the user must edit
   * first (e.g. to name their training data); it waits, reviewable, below the active cell.
   */
  runs?: boolean;
  /** The cell. Every recorded value goes through `snippets/pyliteral.ts`. */
  generate(deployment: IDeployment): string;
}

/**
 * A deployment target plug-in. Everything the browser needs is here; a target has a Python side
 * only where the Jupyter server acts (the local target: validate → deploy → status → stop).
 * Cloud targets generate cells that run in the user's kernel with the user's credentials.
 */
export interface IDeployTarget {
  /** Stable id, e.g. `local`, `azure-aci`, `azure-managed-online`. */
  id: string;
  label: string;
  description: string;
  /** Shown next to the label, e.g. "legacy". */
  badge?: string;
  /** Whether the deployment shows under Deployments in the panel (the server runs it). */
  serverManaged: boolean;
  /** The form, in order; `env` lets a field offer the panel's workspaces. */
  fields(trans: TranslationBundle, env?: ITargetEnv): ITargetField[];
  /** The form's starting values for a model. */
  defaults(model: IModelChoice): TargetValues;
  /** Messages by field name; empty when the values can be deployed. */
  validate(
    values: TargetValues,
    trans: TranslationBundle
  ): Record<string, string>;
  /** The reviewable cell. Every user value goes through `snippets/pyliteral.ts`. */
  generate(request: IDeployRequest): string;
  /**
   * Optional: check a chosen model before anything runs (the local target asks the Jupyter
   * server's pre-flight). The dialog shows the answer, and its input example seeds Call endpoint.
   */
  preflight?(model: IModelChoice, workspace: IWorkspace): Promise<IPreflight>;
  /**
   * Optional: the id of the deployment a "Deploy now" cell started, read from the cell's
   * outcome, so that the dialog can follow it under Deployments; null when none is named.
   */
  follow?(outcome: ICellOutcome): string | null;
  /** Optional: the cells the Deployments list offers on a deployment of this target. */
  actions?(trans: TranslationBundle): IDeploymentAction[];
}

/**
 * The deployment targets of the Deploy dialog: the extension point another package uses to add
 * one (through the `IDeployTargets` token). The built-in targets register the same way.
 */
export interface IDeployTargets {
  /**
   * Add a target; its id must be new.
   *
   * @param target - the plug-in
   * @returns a disposable that removes the target again
   */
  add(target: IDeployTarget): IDisposable;
  /** The target with this id, if any. */
  get(id: string): IDeployTarget | undefined;
  /** Every target, in the order they were added. */
  list(): IDeployTarget[];
  /** Emitted when a target is added or removed. */
  readonly changed: ISignal<IDeployTargets, void>;
}

/**
 * The targets known to the Deploy dialog, in the order they were added.
 */
export class DeployTargetRegistry implements IDeployTargets {
  add(target: IDeployTarget): IDisposable {
    if (this._targets.has(target.id)) {
      throw new Error(`Deploy target "${target.id}" is already registered`);
    }
    this._targets.set(target.id, target);
    this._changed.emit();
    return new DisposableDelegate(() => {
      if (this._targets.get(target.id) === target) {
        this._targets.delete(target.id);
        this._changed.emit();
      }
    });
  }

  get(id: string): IDeployTarget | undefined {
    return this._targets.get(id);
  }

  list(): IDeployTarget[] {
    return [...this._targets.values()];
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  private _targets = new Map<string, IDeployTarget>();
  private _changed = new Signal<this, void>(this);
}
