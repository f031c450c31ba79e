import { TranslationBundle } from '@jupyterlab/translation';

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
}

/** The form's values, by field name (numbers are kept as the typed text). */
export type TargetValues = Record<string, string | boolean>;

/** What code generation needs besides the form. */
export interface IDeployRequest {
  model: IModelChoice;
  /** The workspace (profile id) the model is in. */
  workspaceId: string;
  values: TargetValues;
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
  /** The form, in order. */
  fields(trans: TranslationBundle): ITargetField[];
  /** The form's starting values for a model. */
  defaults(model: IModelChoice): TargetValues;
  /** Messages by field name; empty when the values can be deployed. */
  validate(
    values: TargetValues,
    trans: TranslationBundle
  ): Record<string, string>;
  /** The reviewable cell. Every user value goes through `snippets/pyliteral.ts`. */
  generate(request: IDeployRequest): string;
}

/**
 * The targets known to the Deploy dialog, in the order they were added.
 */
export class DeployTargetRegistry {
  /**
   * Add a target; its id must be new.
   *
   * @param target - the plug-in
   */
  add(target: IDeployTarget): void {
    if (this._targets.has(target.id)) {
      throw new Error(`Deploy target "${target.id}" is already registered`);
    }
    this._targets.set(target.id, target);
  }

  /** The target with this id, if any. */
  get(id: string): IDeployTarget | undefined {
    return this._targets.get(id);
  }

  /** Every target, in the order they were added. */
  list(): IDeployTarget[] {
    return [...this._targets.values()];
  }

  private _targets = new Map<string, IDeployTarget>();
}
