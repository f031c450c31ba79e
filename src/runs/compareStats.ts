/**
 * The compare table's history statistics: which of last / best / min / max the user shows, each
 * metric's direction, and the min / max of every compared run's whole history of every metric,
 * read page by page through the MLflow client. No DOM.
 */
import { ISignal, Signal } from '@lumino/signaling';
import { IMetric, IRun } from '../api/mlflowTypes';
import { throwIfAborted } from '../api/mlflowWire';
import { Loadable } from '../ui/loadable';
import { IRunsApi } from './detailsModel';
import {
  addPoints,
  emptyStats,
  historyStats,
  IHistoryStats,
  lowerIsBetterByName,
  Statistic,
  STATISTICS
} from './historyStats';

export { STATISTICS } from './historyStats';
export type { Statistic } from './historyStats';

/**
 * Read a metric's whole history page by page and fold each page into min / max; no page is kept.
 *
 * @param api - the MLflow calls
 * @param runId - the run
 * @param key - the metric
 * @param signal - cancels the reading between pages
 * @param pageSize - points per request
 */
export async function readHistoryStats(
  api: Pick<IRunsApi, 'getMetricHistory'>,
  runId: string,
  key: string,
  signal?: AbortSignal,
  pageSize = Private.PAGE_SIZE
): Promise<IHistoryStats> {
  const stats = emptyStats();
  let token: string | undefined;
  for (let pages = 1; ; pages++) {
    throwIfAborted(signal);
    const page = await api.getMetricHistory(runId, key, {
      maxResults: pageSize,
      pageToken: token,
      signal
    });
    addPoints(stats, page.metrics);
    const next = page.next_page_token || undefined;
    if (!next) {
      return stats;
    }
    // Some MLflow versions answer with the token they were given: no progress, stop and say so.
    if (next === token || pages >= Private.MAX_PAGES) {
      stats.truncated = true;
      return stats;
    }
    token = next;
  }
}

/**
 * What the compare table shows beyond the latest values: the chosen statistics, each metric's
 * direction, and a cache of history statistics loaded a few at a time.
 */
export class CompareStats {
  /**
   * @param api - the MLflow calls of the browsed workspace (throws when there is none)
   */
  constructor(api: () => IRunsApi) {
    this._api = api;
  }

  /** Emitted when the choice, a direction or loaded statistics change (coalesced). */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The statistics shown, in `STATISTICS` order. */
  get statistics(): Statistic[] {
    return this._statistics;
  }

  /**
   * Show or hide a statistic; at least one stays shown.
   *
   * @param statistic - the statistic
   * @param shown - whether it is shown
   */
  setShown(statistic: Statistic, shown: boolean): void {
    const set = new Set(this._statistics);
    if (shown) {
      set.add(statistic);
    } else if (set.size > 1) {
      set.delete(statistic);
    }
    this._statistics = STATISTICS.filter(s => set.has(s));
    this._changed.emit();
  }

  /** Whether a statistic needs the histories (all but `last`, which MLflow keeps per run). */
  get needsHistories(): boolean {
    return this._statistics.some(s => s !== 'last');
  }

  /**
   * How many metric keys (the first, in the table's order) have their histories read: with
   * thousands of keys, reading every history of every run on open would flood the server.
   */
  get keyLimit(): number {
    return this._keyLimit;
  }

  /** Read the histories of every metric key, whatever their number. */
  readAllKeys(): void {
    this._keyLimit = Infinity;
    this._changed.emit();
  }

  /**
   * Whether lower is better for a metric: the user's choice, else guessed from its name.
   *
   * @param key - the metric key
   */
  lowerIsBetter(key: string): boolean {
    return this._directions.get(key) ?? lowerIsBetterByName(key);
  }

  /**
   * Set a metric's direction (which of min and max is its best).
   *
   * @param key - the metric key
   * @param lower - true when lower is better
   */
  setLowerIsBetter(key: string, lower: boolean): void {
    this._directions.set(key, lower);
    this._changed.emit();
  }

  /**
   * The statistics of a run's metric, as far as loaded: undefined when never asked for (or the
   * run has no such metric).
   *
   * @param run - the run
   * @param key - the metric key
   */
  get(run: IRun, key: string): Loadable<IHistoryStats> | undefined {
    const id = Private.cacheKey(run, key);
    return id ? this._cache.get(id) : undefined;
  }

  /**
   * Statistics from a history read for something else (the compare chart), so that it is not
   * read twice. A history cut short is not used: the statistics must cover every point.
   *
   * @param run - the run
   * @param key - the metric key
   * @param points - its history
   * @param truncated - whether the reader stopped before the end
   */
  seed(run: IRun, key: string, points: IMetric[], truncated: boolean): void {
    const id = Private.cacheKey(run, key);
    if (id && !truncated && this._cache.get(id)?.kind !== 'ready') {
      this._cache.set(id, { kind: 'ready', value: historyStats(points) });
      this._emitSoon();
    }
  }

  /**
   * Load the statistics of these runs' metrics that are not loaded yet, a few at a time; what
   * was queued for an earlier request and is not asked for now is dropped. A history of a
   * running run is read again once its latest value changed.
   *
   * @param runs - the compared runs
   * @param keys - the metric keys
   * @param retry - read again those that failed
   */
  request(runs: IRun[], keys: string[], retry = false): void {
    // Not started yet: forgotten, so that asking again later queues them again.
    for (const dropped of this._queue) {
      this._cache.delete(dropped.id);
    }
    this._queue = [];
    for (const key of keys) {
      for (const run of runs) {
        const id = Private.cacheKey(run, key);
        const known = id ? this._cache.get(id) : undefined;
        if (id && (!known || (retry && known.kind === 'error'))) {
          this._cache.set(id, { kind: 'loading' });
          this._queue.push({ id, runId: run.info.run_id, key });
        }
      }
    }
    this._emitSoon();
    this._pump();
  }

  /**
   * How many of these runs' statistics are loading and how many failed (with a message).
   *
   * @param runs - the runs
   * @param keys - the metric keys
   */
  progress(
    runs: IRun[],
    keys: string[]
  ): { loading: number; failed: number; message: string } {
    let loading = 0;
    let failed = 0;
    let message = '';
    for (const key of keys) {
      for (const run of runs) {
        const state = this.get(run, key);
        if (state?.kind === 'loading') {
          loading++;
        } else if (state?.kind === 'error') {
          failed++;
          message = state.message;
        }
      }
    }
    return { loading, failed, message };
  }

  /** Forget everything loaded and stop reading (another workspace or experiment). */
  clear(): void {
    this._keyLimit = CompareStats.KEY_LIMIT;
    this._abort.abort();
    this._abort = new AbortController();
    this._queue = [];
    this._cache.clear();
    this._active = 0;
    this._emitSoon();
  }

  /** Stop reading. */
  dispose(): void {
    this._abort.abort();
    this._queue = [];
    clearTimeout(this._timer);
    Signal.clearData(this);
  }

  private _pump(): void {
    while (this._active < Private.CONCURRENCY && this._queue.length) {
      const item = this._queue.shift()!;
      const abort = this._abort;
      this._active++;
      let api: IRunsApi;
      try {
        api = this._api();
      } catch (error) {
        this._settled(abort, item.id, Private.failure(error));
        continue;
      }
      readHistoryStats(api, item.runId, item.key, abort.signal).then(
        value => this._settled(abort, item.id, { kind: 'ready', value }),
        error => this._settled(abort, item.id, Private.failure(error))
      );
    }
  }

  private _settled(
    abort: AbortController,
    id: string,
    state: Loadable<IHistoryStats>
  ): void {
    if (abort !== this._abort) {
      // Cleared meanwhile: the cache and the worker count are new.
      return;
    }
    this._active = Math.max(0, this._active - 1);
    if (state.kind === 'ready' || this._cache.get(id)?.kind === 'loading') {
      this._cache.set(id, state);
    }
    this._emitSoon();
    this._pump();
  }

  /** Many small histories answer within a frame: one re-render for them all. */
  private _emitSoon(): void {
    if (!this._timer) {
      this._timer = setTimeout(() => {
        this._timer = 0;
        this._changed.emit();
      }, Private.EMIT_MS);
    }
  }

  private _api: () => IRunsApi;
  private _statistics: Statistic[] = ['last', 'best'];
  private _keyLimit = CompareStats.KEY_LIMIT;
  private _directions = new Map<string, boolean>();
  private _cache = new Map<string, Loadable<IHistoryStats>>();
  private _queue: { id: string; runId: string; key: string }[] = [];
  private _active = 0;
  private _abort = new AbortController();
  private _timer: ReturnType<typeof setTimeout> | 0 = 0;
  private _changed = new Signal<this, void>(this);
}

export namespace CompareStats {
  /** Metric keys whose histories are read without asking (× the compared runs). */
  export const KEY_LIMIT = 100;
}

namespace Private {
  /** Points per history request (MLflow's own page limit is larger). */
  export const PAGE_SIZE = 25_000;
  /** At most this many pages of one history (10 million points). */
  export const MAX_PAGES = 400;
  /** Histories read at once: the browser allows ~6 connections per host, keep some for the rest. */
  export const CONCURRENCY = 4;
  export const EMIT_MS = 50;

  const latestOf = new WeakMap<IRun, Map<string, IMetric>>();

  /**
   * A cache key that changes when the run logs a newer value of the metric, or null when the run
   * has no such metric.
   */
  export function cacheKey(run: IRun, key: string): string | null {
    let byKey = latestOf.get(run);
    if (!byKey) {
      // Looked up for every cell of the table: a map per run, not a scan per cell.
      byKey = new Map(run.data.metrics.map(m => [m.key, m]));
      latestOf.set(run, byKey);
    }
    const latest = byKey.get(key);
    return latest
      ? `${run.info.run_id}\u0000${key}\u0000${latest.step}:${latest.timestamp}`
      : null;
  }

  export function failure(error: unknown): Loadable<IHistoryStats> {
    return {
      kind: 'error',
      message: error instanceof Error ? error.message : String(error)
    };
  }
}
