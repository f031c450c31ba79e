import { ISignal, Signal } from '@lumino/signaling';
import { IRun } from '../api/mlflowTypes';

/** Metric and param keys shown as run table columns (`metricColumns`, `paramColumns`). */
export interface IColumnChoice {
  metrics: string[];
  params: string[];
}

/** Which list a key belongs to. */
export type ColumnKind = keyof IColumnChoice;

/** As in schema/runs.json (`maxItems`): the settings refuse longer lists. */
export const MAX_COLUMNS = 50;

/**
 * The keys a column picker offers: every metric and param key of the loaded runs, sorted, and
 * the shown ones too (a configured key no loaded run has must still be removable).
 *
 * @param runs - the loaded runs
 * @param shown - the keys shown now
 */
export function columnCandidates(
  runs: IRun[],
  shown: IColumnChoice
): IColumnChoice {
  const metrics = new Set(shown.metrics);
  const params = new Set(shown.params);
  for (const run of runs) {
    run.data.metrics.forEach(m => metrics.add(m.key));
    run.data.params.forEach(p => params.add(p.key));
  }
  const sorted = (keys: Set<string>) =>
    [...keys].sort((a, b) => a.localeCompare(b));
  return { metrics: sorted(metrics), params: sorted(params) };
}

/**
 * The state of the "Choose Run Columns" dialog: the candidate keys, which are ticked, and a
 * search that narrows long lists. No DOM; the dialog body renders it.
 */
export class ColumnChoiceModel {
  constructor(options: ColumnChoiceModel.IOptions) {
    this.candidates = options.candidates;
    this._initial = options.chosen;
    this._chosen = {
      metrics: new Set(options.chosen.metrics),
      params: new Set(options.chosen.params)
    };
  }

  /** Every key offered, sorted. */
  readonly candidates: IColumnChoice;

  /** Emitted when a tick or the search changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The search text. */
  get query(): string {
    return this._query;
  }

  /**
   * Narrow the lists to keys containing the text (case-insensitive); ticks of hidden keys stay.
   *
   * @param text - what the user typed
   */
  setQuery(text: string): void {
    this._query = text;
    this._changed.emit();
  }

  /**
   * The keys of a list that match the search.
   *
   * @param kind - metrics or params
   */
  visible(kind: ColumnKind): string[] {
    const needle = this._query.trim().toLowerCase();
    const keys = this.candidates[kind];
    return needle ? keys.filter(k => k.toLowerCase().includes(needle)) : keys;
  }

  /**
   * Whether a key is ticked.
   *
   * @param kind - metrics or params
   * @param key - the key
   */
  isChosen(kind: ColumnKind, key: string): boolean {
    return this._chosen[kind].has(key);
  }

  /**
   * Whether a list holds as many keys as the settings allow (unticked keys cannot be added).
   *
   * @param kind - metrics or params
   */
  isFull(kind: ColumnKind): boolean {
    return this._chosen[kind].size >= MAX_COLUMNS;
  }

  /**
   * Tick or untick a key; ticking beyond `MAX_COLUMNS` does nothing.
   *
   * @param kind - metrics or params
   * @param key - the key
   * @param chosen - whether it is shown
   */
  setChosen(kind: ColumnKind, key: string, chosen: boolean): void {
    const set = this._chosen[kind];
    if (chosen === set.has(key) || (chosen && this.isFull(kind))) {
      return;
    }
    if (chosen) {
      set.add(key);
    } else {
      set.delete(key);
    }
    this._changed.emit();
  }

  /**
   * Untick every key of a list.
   *
   * @param kind - metrics or params
   */
  clear(kind: ColumnKind): void {
    if (this._chosen[kind].size) {
      this._chosen[kind].clear();
      this._changed.emit();
    }
  }

  /**
   * The choice to save: keys shown before keep their order (it may have been typed in the
   * Settings Editor), newly ticked ones follow in list order.
   */
  get value(): IColumnChoice {
    const ordered = (kind: ColumnKind) => {
      const set = this._chosen[kind];
      const before = this._initial[kind].filter(k => set.has(k));
      const kept = new Set(before);
      return [
        ...before,
        ...this.candidates[kind].filter(k => set.has(k) && !kept.has(k))
      ];
    };
    return { metrics: ordered('metrics'), params: ordered('params') };
  }

  /** Disconnect listeners. */
  dispose(): void {
    Signal.clearData(this);
  }

  private _initial: IColumnChoice;
  private _chosen: Record<ColumnKind, Set<string>>;
  private _query = '';
  private _changed = new Signal<this, void>(this);
}

export namespace ColumnChoiceModel {
  /** Options of the constructor. */
  export interface IOptions {
    /** The keys offered (`columnCandidates`). */
    candidates: IColumnChoice;
    /** The keys shown now. */
    chosen: IColumnChoice;
  }
}
