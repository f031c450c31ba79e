import { ISignal, Signal } from '@lumino/signaling';
import {
  IExperiment,
  ISearchExperimentsOptions,
  ISearchExperimentsResponse,
  SEARCH_EXPERIMENTS_MAX_RESULTS
} from '../api/mlflowTypes';

/** The experiment calls the list needs: `MlflowClient` in the app, a fake in tests. */
export interface IExperimentsApi {
  searchExperiments(
    options: ISearchExperimentsOptions
  ): Promise<ISearchExperimentsResponse>;
  createExperiment(name: string): Promise<string>;
  renameExperiment(experimentId: string, newName: string): Promise<void>;
  deleteExperiment(experimentId: string): Promise<void>;
  restoreExperiment(experimentId: string): Promise<void>;
}

/** The experiment list's data. */
export type ExperimentsState =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | {
      kind: 'ready';
      experiments: IExperiment[];
      /** Whether MLflow has more experiments than the first page listed. */
      more: boolean;
    };

/** Tag of experiments that hold only GenAI traces (MLflow 3), shown with a mark. */
export const EXPERIMENT_TYPE_TAG = 'mlflow.experimentKind';

/**
 * The experiments of a workspace: a name search (MLflow `name ILIKE '%…%'`), active or deleted
 * ones, and create / rename / delete / restore. No DOM.
 */
export class ExperimentsModel {
  constructor(options: ExperimentsModel.IOptions) {
    this._api = options.api;
  }

  /** Emitted whenever the list changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The list. */
  get state(): ExperimentsState {
    return this._state;
  }

  /** The search text. */
  get search(): string {
    return this._search;
  }

  /** Whether deleted experiments are listed instead of active ones. */
  get showDeleted(): boolean {
    return this._showDeleted;
  }

  /**
   * The MLflow filter for a search text: a case-insensitive substring of the name. MLflow's
   * parser has no escape for quotes inside a string, so quotes and backslashes are dropped.
   *
   * @param text - what the user typed
   */
  static filterFor(text: string): string | undefined {
    const clean = text.replace(/['"`\\]/g, '').trim();
    return clean ? `name ILIKE '%${clean}%'` : undefined;
  }

  /**
   * Search by name.
   *
   * @param text - part of the name
   */
  setSearch(text: string): Promise<void> {
    this._search = text;
    return this.refresh();
  }

  /**
   * List deleted experiments (to restore one) or active ones.
   *
   * @param value - whether to show deleted ones
   */
  setShowDeleted(value: boolean): Promise<void> {
    this._showDeleted = value;
    return this.refresh();
  }

  /**
   * Fetch the list again: the first `ExperimentsModel.LIMIT` by name, one request. With more,
   * the list says so and the search narrows it; a picker of thousands of names helps no one.
   * Resolves once the list holds the newest read's answer: a read overtaken by a newer one waits
   * for it, so that no caller acts on a list that is not yet (or no longer) the one asked for.
   */
  async refresh(): Promise<void> {
    const ticket = ++this._ticket;
    let read = this._read(ticket);
    this._latest = read;
    // An overtaken read answers false; the newest read is then `_latest` (it set it on start).
    while (!(await read)) {
      read = this._latest;
    }
  }

  /** One read; whether its answer is the list's (false when a newer read overtook it). */
  private async _read(ticket: number): Promise<boolean> {
    if (this._state.kind !== 'ready') {
      this._state = { kind: 'loading' };
      this._changed.emit();
    }
    try {
      const page = await this._api.searchExperiments({
        filter: ExperimentsModel.filterFor(this._search),
        orderBy: ['name ASC'],
        maxResults: ExperimentsModel.LIMIT,
        viewType: this._showDeleted ? 'DELETED_ONLY' : 'ACTIVE_ONLY'
      });
      if (ticket !== this._ticket) {
        return false;
      }
      this._state = {
        kind: 'ready',
        experiments: page.experiments,
        more: !!page.next_page_token
      };
    } catch (error) {
      if (ticket !== this._ticket) {
        return false;
      }
      this._state = { kind: 'error', message: (error as Error).message };
    }
    this._changed.emit();
    return true;
  }

  /**
   * Find a listed experiment.
   *
   * @param experimentId - its id
   */
  find(experimentId: string): IExperiment | undefined {
    return this._state.kind === 'ready'
      ? this._state.experiments.find(e => e.experiment_id === experimentId)
      : undefined;
  }

  /**
   * Create an experiment and list it.
   *
   * @param name - its name
   * @returns its id
   */
  async create(name: string): Promise<string> {
    const id = await this._api.createExperiment(name.trim());
    await this.refresh();
    return id;
  }

  /**
   * Rename an experiment.
   *
   * @param experimentId - its id
   * @param newName - the new name
   */
  async rename(experimentId: string, newName: string): Promise<void> {
    await this._api.renameExperiment(experimentId, newName.trim());
    await this.refresh();
  }

  /**
   * Delete an experiment (soft delete; restore brings it back).
   *
   * @param experimentId - its id
   */
  async remove(experimentId: string): Promise<void> {
    await this._api.deleteExperiment(experimentId);
    await this.refresh();
  }

  /**
   * Restore a deleted experiment.
   *
   * @param experimentId - its id
   */
  async restore(experimentId: string): Promise<void> {
    await this._api.restoreExperiment(experimentId);
    await this.refresh();
  }

  /** Disconnect listeners. */
  dispose(): void {
    Signal.clearData(this);
  }

  private _api: IExperimentsApi;
  private _state: ExperimentsState = { kind: 'idle' };
  private _search = '';
  private _showDeleted = false;
  private _ticket = 0;
  private _latest: Promise<boolean> = Promise.resolve(true);
  private _changed = new Signal<this, void>(this);
}

export namespace ExperimentsModel {
  /** How many experiments the list shows at most (one page, within what every server serves). */
  export const LIMIT = Math.min(500, SEARCH_EXPERIMENTS_MAX_RESULTS);

  /** Options of the constructor. */
  export interface IOptions {
    api: IExperimentsApi;
  }
}
