/**
 * The histories of a sweep's trials for one metric, reduced to one value per step, for the
 * sweep's mean and min–max band chart. No DOM.
 */
import { ISignal, Signal } from '@lumino/signaling';
import { IRun } from '../api/mlflowTypes';
import { Loadable } from '../ui/loadable';
import { IRunsApi } from './detailsModel';
import { IStepValues, valuesByStep } from './historyStats';

/** One trial's values by step, and its params (to group by). */
export interface ITrialValues {
  run: IRun;
  params: Record<string, string>;
  values: IStepValues;
}

/** What the band chart aggregates. */
export interface ISweepHistories {
  key: string;
  /** The trials whose history was read, in the sweep's order. */
  trials: ITrialValues[];
  /** Trials whose history could not be read, and the last reason. */
  failed: number;
  message: string;
  /** Trials whose history was longer than the cap (only the first points are aggregated). */
  truncated: number;
  /** Trials beyond `MAX_TRIALS`, not read. */
  skipped: number;
}

/**
 * Reads the trials' histories of the chosen metric, a few at a time; a failed trial is counted
 * and left out, the others still show.
 */
export class SweepHistories {
  /**
   * @param api - the MLflow calls of the browsed workspace (throws when there is none)
   */
  constructor(api: () => IRunsApi) {
    this._api = api;
  }

  /** Emitted when the state or the progress changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The histories of `key`, or null before any is asked for. */
  get state(): Loadable<ISweepHistories> | null {
    return this._state;
  }

  /** The metric whose histories are loaded (or loading). */
  get key(): string {
    return this._key;
  }

  /** Trials read so far, and how many will be. */
  get progress(): { done: number; total: number } {
    return this._progress;
  }

  /**
   * Read the histories of a metric for these trials (nothing when they are already read).
   *
   * @param trials - the sweep's children
   * @param key - the metric key
   */
  show(trials: IRun[], key: string): void {
    if (key === this._key && trials === this._trials && this._state) {
      return;
    }
    this.clear();
    this._key = key;
    this._trials = trials;
    if (!key) {
      return;
    }
    const abort = this._abort;
    const wanted = trials.filter(t => t.data.metrics.some(m => m.key === key));
    const read = wanted.slice(0, SweepHistories.MAX_TRIALS);
    this._progress = { done: 0, total: read.length };
    this._state = { kind: 'loading' };
    this._changed.emit();
    void this._load(read, key, abort).then(result => {
      if (abort === this._abort) {
        this._state = {
          kind: 'ready',
          value: { ...result, skipped: wanted.length - read.length }
        };
        this._changed.emit();
      }
    });
  }

  /** Stop reading and forget. */
  clear(): void {
    this._abort.abort();
    this._abort = new AbortController();
    this._state = null;
    this._key = '';
    this._trials = null;
    this._progress = { done: 0, total: 0 };
  }

  /** Stop reading. */
  dispose(): void {
    this._abort.abort();
    Signal.clearData(this);
  }

  private async _load(
    trials: IRun[],
    key: string,
    abort: AbortController
  ): Promise<Omit<ISweepHistories, 'skipped'>> {
    const out: (ITrialValues | null)[] = trials.map(() => null);
    let failed = 0;
    let truncated = 0;
    let message = '';
    let next = 0;
    const worker = async () => {
      while (next < trials.length && !abort.signal.aborted) {
        const i = next++;
        const run = trials[i];
        try {
          const history = await this._api().getFullMetricHistory(
            run.info.run_id,
            key,
            { maxPoints: SweepHistories.MAX_POINTS, signal: abort.signal }
          );
          truncated += history.truncated ? 1 : 0;
          out[i] = {
            run,
            params: Object.fromEntries(
              run.data.params.map(p => [p.key, p.value])
            ),
            values: valuesByStep(history.metrics)
          };
        } catch (error) {
          failed++;
          message = error instanceof Error ? error.message : String(error);
        }
        if (abort === this._abort) {
          this._progress = { ...this._progress, done: this._progress.done + 1 };
          this._changed.emit();
        }
      }
    };
    await Promise.all(
      Array.from({ length: SweepHistories.CONCURRENCY }, worker)
    );
    return {
      key,
      trials: out.filter((t): t is ITrialValues => !!t),
      failed,
      message,
      truncated
    };
  }

  private _api: () => IRunsApi;
  private _state: Loadable<ISweepHistories> | null = null;
  private _key = '';
  private _trials: IRun[] | null = null;
  private _progress = { done: 0, total: 0 };
  private _abort = new AbortController();
  private _changed = new Signal<this, void>(this);
}

export namespace SweepHistories {
  /** Trials read for the band (the first ones, in the order they ran). */
  export const MAX_TRIALS = 500;
  /** Points read per trial. */
  export const MAX_POINTS = 100_000;
  /** Histories read at once. */
  export const CONCURRENCY = 4;
}
