/**
 * The live-metrics data model, without DOM: metric points of several runs, merged from the
 * kernel's push and the tracking server's history, deduplicated on their exact identity.
 */

import { ISignal, Signal } from '@lumino/signaling';
import { decodeDouble, decodeInt64 } from '../api/mlflowWire';
import type { XKind, XMode } from './MetricChart';
import { IMetricPoint, SeriesColumns } from './seriesColumns';

export type { IMetricPoint } from './seriesColumns';
export { SeriesColumns } from './seriesColumns';

/** What a run's line of one metric looks like to the chart: views of the store's columns. */
export interface ISeriesData {
  runId: string;
  xs: Float64Array;
  ys: Float64Array;
}

/** What `MetricStore.chartData` gives a chart. */
export interface IChartData {
  xKind: XKind;
  series: ISeriesData[];
  /**
   * While a history of these runs is being read: the points it has so far, and a signal that
   * fires as pages arrive (the chart redraws on it).
   */
  loading: { points: number; progress: ISignal<unknown, void> } | null;
}

/** The comm message of the kernel's pusher (`jupyterlab_mlflow_workspace/kernel/live/pusher.py`). */
export interface ILiveMessage {
  points: (IMetricPoint & { runId: string; key: string })[];
  /** Runs with points in this message, and runs that ended (with their status). */
  runs: { runId: string; status?: string }[];
  /** Points the kernel dropped (buffer full): poll to fill the gap. */
  dropped: number;
}

/** The protocol version this frontend understands. */
export const LIVE_PROTOCOL_VERSION = 1;

/**
 * The largest double. SQL-backed tracking stores keep ±Infinity as ±this number, while the kernel
 * pushes "Infinity": both are read as ±Infinity, so that the pushed and the polled copy of one
 * point have the same identity (and an infinity never squashes the y scale).
 */
const CLAMPED_INFINITY = Number.MAX_VALUE;

/**
 * Decode a metric value as the kernel pushes it or MLflow sends it: numbers, MLflow's strings
 * "NaN"/"Infinity"/"-Infinity", and ±1.7976931348623157e308 (a SQL store's infinity) as ±Infinity.
 *
 * @param raw - the JSON value
 */
export function decodeMetricValue(raw: unknown): number {
  const value = decodeDouble(raw);
  if (value === CLAMPED_INFINITY) {
    return Infinity;
  }
  if (value === -CLAMPED_INFINITY) {
    return -Infinity;
  }
  return value;
}

/**
 * Decode one comm message of the kernel's pusher.
 *
 * @param data - the `data` of a `comm_open` or `comm_msg`
 * @returns the message, or `null` for another protocol version or a malformed message
 */
export function decodeLiveMessage(data: unknown): ILiveMessage | null {
  const raw = data as any;
  if (!raw || raw.v !== LIVE_PROTOCOL_VERSION) {
    return null;
  }
  const points: ILiveMessage['points'] = [];
  for (const p of Array.isArray(raw.points) ? raw.points : []) {
    const step = decodeInt64(p?.step);
    const timestamp = decodeInt64(p?.timestamp);
    if (
      typeof p?.run_id !== 'string' ||
      typeof p?.key !== 'string' ||
      step === undefined ||
      timestamp === undefined
    ) {
      continue;
    }
    points.push({
      runId: p.run_id,
      key: p.key,
      step,
      timestamp,
      value: decodeMetricValue(p.value)
    });
  }
  const runs: ILiveMessage['runs'] = [];
  for (const r of Array.isArray(raw.runs) ? raw.runs : []) {
    if (typeof r?.run_id === 'string') {
      runs.push(
        typeof r.status === 'string'
          ? { runId: r.run_id, status: r.status }
          : { runId: r.run_id }
      );
    }
  }
  const dropped = typeof raw.dropped === 'number' ? raw.dropped : 0;
  return { points, runs, dropped };
}

/**
 * Run colours shared by every view (Live Metrics, Compare): distinct among the runs a view shows,
 * and the same for a run wherever it is shown.
 *
 * A hash into the palette gave two of two runs one colour 10 % of the time (70 % with five). Here a
 * run keeps the colour it was first given for as long as it does not clash with another run of
 * the same view; a new run takes a colour no remembered run holds, else one free in its view.
 * Only views with more runs than colours repeat a colour.
 */
export class RunColors {
  /**
   * @param palette - the colours, in the order they are handed out
   */
  constructor(palette: readonly string[] = RUN_PALETTE) {
    this._palette = palette;
  }

  /**
   * The colours of the runs one view shows.
   *
   * @param runIds - the runs, in the view's order (earlier runs win a clash)
   * @returns a colour per run id
   */
  assign(runIds: readonly string[]): Map<string, string> {
    const size = this._palette.length;
    const slots = new Map<string, number>();
    const used = new Set<number>();
    for (const id of runIds) {
      const slot = this._byRun.get(id);
      if (slot !== undefined && !used.has(slot) && !slots.has(id)) {
        slots.set(id, slot);
        used.add(slot);
      }
    }
    const held = new Set(this._byRun.values());
    for (const id of runIds) {
      if (slots.has(id)) {
        continue;
      }
      let slot = -1;
      for (let i = 0; i < size && slot < 0; i++) {
        if (!used.has(i) && !held.has(i)) {
          slot = i;
        }
      }
      for (let i = 0; i < size && slot < 0; i++) {
        if (!used.has(i)) {
          slot = i;
        }
      }
      if (slot < 0) {
        // More runs than colours: repeat, but spread.
        slot = slots.size % size;
      }
      slots.set(id, slot);
      used.add(slot);
      held.add(slot);
      // Re-insert: the map's order is the order of last assignment (oldest first).
      this._byRun.delete(id);
      this._byRun.set(id, slot);
    }
    const result = new Map<string, string>();
    for (const [id, slot] of slots) {
      result.set(id, this._palette[slot]);
    }
    return result;
  }

  /**
   * The colour of one run as last assigned (a new run gets a free colour).
   *
   * @param runId - the run's id
   */
  colorOf(runId: string): string {
    const slot = this._byRun.get(runId);
    return slot === undefined
      ? this.assign([runId]).get(runId)!
      : this._palette[slot];
  }

  private _palette: readonly string[];
  private _byRun = new Map<string, number>();
}

/** Tableau 10, readable on both JupyterLab themes. */
export const RUN_PALETTE: readonly string[] = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac'
];

/** The one assignment all views of the page share. */
export const RUN_COLORS = new RunColors();

/**
 * Metric points of several runs, by (run, key), each series sorted by (step, timestamp) and
 * free of duplicates, held as columns (see `SeriesColumns`). Pushed and polled points go
 * through the same `add`, so the store ends holding exactly the union of both, which is what
 * the tracking server holds. A history being read is marked loading (`setLoading`), so that its
 * chart can say so while it draws what has arrived.
 */
export class MetricStore {
  /**
   * @param options - the cap per series
   */
  constructor(options: MetricStore.IOptions = {}) {
    this.maxPointsPerSeries =
      options.maxPointsPerSeries ?? DEFAULT_MAX_POINTS_PER_SERIES;
  }

  /** Beyond this many points a series keeps its newest ones (by step, then time). */
  maxPointsPerSeries: number;

  /**
   * Add points of one run and key; known points are ignored.
   *
   * @param runId - the run
   * @param key - the metric key
   * @param points - in any order
   * @returns how many points were new
   */
  add(runId: string, key: string, points: Iterable<IMetricPoint>): number {
    const series = this._series(runId, key, true)!;
    const added = series.add(points);
    series.cap(this.maxPointsPerSeries);
    if (added > 0) {
      this._version++;
      if (this.isLoading(runId, key)) {
        this._progress.emit();
      }
    }
    return added;
  }

  /**
   * Fires when a page of a history being read arrives, and when a read starts or ends: the
   * charts of loading histories redraw on it (the session's own change comes per read).
   */
  get progress(): ISignal<this, void> {
    return this._progress;
  }

  /** Grows with every change; a view redraws when it differs from what it drew. */
  get version(): number {
    return this._version;
  }

  /** The runs that have points, in the order they were first seen. */
  runIds(): string[] {
    return Array.from(this._runs.keys());
  }

  /** Every metric key of the given runs (all runs when omitted), sorted. */
  keys(runIds?: Iterable<string>): string[] {
    const keys = new Set<string>();
    for (const runId of runIds ?? this._runs.keys()) {
      for (const key of this._runs.get(runId)?.keys() ?? []) {
        keys.add(key);
      }
    }
    return Array.from(keys).sort((a, b) => a.localeCompare(b));
  }

  /** How many points one run and key holds. */
  count(runId: string, key: string): number {
    return this._series(runId, key)?.length ?? 0;
  }

  /**
   * The columns of one run and key (views valid until the next change; do not modify), or
   * `null` when it has no points.
   */
  columns(runId: string, key: string): SeriesColumns | null {
    const series = this._series(runId, key);
    return series && series.length > 0 ? series : null;
  }

  /**
   * The points of one run and key, sorted by (step, timestamp): a view whose `length` costs
   * nothing and whose points are made as objects only when read (charts read `columns`).
   *
   * @param runId - the run
   * @param key - the metric key
   */
  points(runId: string, key: string): PointsView {
    return new PointsView(this._series(runId, key) ?? null);
  }

  /** Whether the cap dropped points of this series. */
  truncated(runId: string, key: string): boolean {
    return this._series(runId, key)?.truncated ?? false;
  }

  /**
   * Mark the history of one run and key as being read (or done); the store's version changes.
   */
  setLoading(runId: string, key: string, loading: boolean): void {
    const id = `${runId}\u0000${key}`;
    if (loading !== this._loading.has(id)) {
      if (loading) {
        this._loading.add(id);
      } else {
        this._loading.delete(id);
        // Read: the room kept for the pages to come is not needed any more.
        this._series(runId, key)?.compact();
      }
      this._version++;
      this._progress.emit();
    }
  }

  /** Whether the history of one run and key is being read. */
  isLoading(runId: string, key: string): boolean {
    return this._loading.has(`${runId}\u0000${key}`);
  }

  /**
   * The earliest timestamp of a run over all its keys held (the 0 of relative time), or
   * `undefined` for a run without points.
   */
  runStart(runId: string): number | undefined {
    let start = Infinity;
    for (const series of this._runs.get(runId)?.values() ?? []) {
      start = Math.min(start, series.minTime);
    }
    return Number.isFinite(start) ? start : undefined;
  }

  /**
   * What to draw for a key: the columns themselves (views, not copies: a million-point history
   * is not held twice), with x as the chosen axis. `auto` is the step, or wall time when every
   * point of these runs has the same step (e.g. a metric logged without `step=`, which MLflow
   * stores as step 0). Relative time is seconds since each run's first point.
   *
   * @param key - the metric key
   * @param runIds - the runs to draw, in legend order
   * @param xMode - the x axis chosen for the chart (default `auto`)
   */
  chartData(
    key: string,
    runIds: readonly string[],
    xMode: XMode = 'auto'
  ): IChartData {
    const shown: [string, SeriesColumns][] = [];
    for (const runId of runIds) {
      const columns = this.columns(runId, key);
      if (columns) {
        shown.push([runId, columns]);
      }
    }
    const xKind = xMode === 'auto' ? chooseXKind(shown.map(s => s[1])) : xMode;
    const series: ISeriesData[] = [];
    let loadingPoints = 0;
    let loading = false;
    for (const runId of runIds) {
      if (this.isLoading(runId, key)) {
        loading = true;
        loadingPoints += this.count(runId, key);
      }
    }
    for (const [runId, c] of shown) {
      if (xKind === 'step') {
        series.push({ runId, xs: c.steps, ys: c.values });
      } else if (xKind === 'relative') {
        // Relative time follows the points' order, like wall time: sorted by time below.
        const xs = c.relativeSeconds(this.runStart(runId) ?? 0);
        series.push(byTime(runId, xs, c));
      } else {
        series.push(byTime(runId, c.timestamps, c));
      }
    }
    return {
      xKind,
      series,
      loading: loading
        ? { points: loadingPoints, progress: this._progress }
        : null
    };
  }

  /** Forget one run (e.g. unpinned), or everything. */
  clear(runId?: string): void {
    if (runId === undefined) {
      this._runs.clear();
      this._loading.clear();
    } else {
      this._runs.delete(runId);
      for (const id of Array.from(this._loading)) {
        if (id.startsWith(`${runId}\u0000`)) {
          this._loading.delete(id);
        }
      }
    }
    this._version++;
  }

  private _series(
    runId: string,
    key: string,
    create = false
  ): SeriesColumns | undefined {
    let byKey = this._runs.get(runId);
    if (!byKey) {
      if (!create) {
        return undefined;
      }
      byKey = new Map();
      this._runs.set(runId, byKey);
    }
    let series = byKey.get(key);
    if (!series && create) {
      series = new SeriesColumns();
      byKey.set(key, series);
    }
    return series;
  }

  private _runs = new Map<string, Map<string, SeriesColumns>>();
  private _loading = new Set<string>();
  private _version = 0;
  private _progress = new Signal<this, void>(this);
}

/**
 * The points of a series as a read-only list: `length` and `at` are O(1), `map` and iteration
 * make one object per point (for tests and small reads, not for a million points per frame).
 */
export class PointsView implements Iterable<IMetricPoint> {
  constructor(series: SeriesColumns | null) {
    this._series = series;
    this.length = series?.length ?? 0;
  }

  /** The number of points (as when the view was made). */
  readonly length: number;

  /** The i-th point, or undefined outside the view. */
  at(i: number): IMetricPoint | undefined {
    return i >= 0 && i < this.length ? this._series!.pointAt(i) : undefined;
  }

  map<T>(fn: (point: IMetricPoint, index: number) => T): T[] {
    return Array.from(this, fn);
  }

  /** The points as an array of objects. */
  toArray(): IMetricPoint[] {
    return Array.from(this);
  }

  *[Symbol.iterator](): Iterator<IMetricPoint> {
    for (let i = 0; i < this.length; i++) {
      yield this._series!.pointAt(i);
    }
  }

  private _series: SeriesColumns | null;
}

/** Points kept per series by default: a million-point history fits whole. */
export const DEFAULT_MAX_POINTS_PER_SERIES = 2_000_000;

export namespace MetricStore {
  /** Options of the constructor. */
  export interface IOptions {
    /** Default 2 000 000. */
    maxPointsPerSeries?: number;
  }
}

/**
 * The x axis of a chart: `step`, unless every point of every series has the same step (then
 * steps say nothing and wall time is used). No points: `step`.
 *
 * @param series - the points of each line (columns, or point objects)
 */
export function chooseXKind(
  series: readonly (SeriesColumns | readonly IMetricPoint[])[]
): 'step' | 'time' {
  let first: number | undefined;
  for (const s of series) {
    // Columns are sorted by step: all equal when the first equals the last.
    const steps =
      s instanceof SeriesColumns
        ? s.length > 0
          ? [s.steps[0], s.steps[s.length - 1]]
          : []
        : s.map(p => p.step);
    for (const step of steps) {
      if (first === undefined) {
        first = step;
      } else if (step !== first) {
        return 'step';
      }
    }
  }
  return first === undefined ? 'step' : 'time';
}

/** A line with time xs, sorted by time: the columns themselves when they already are. */
function byTime(
  runId: string,
  xs: Float64Array,
  columns: SeriesColumns
): ISeriesData {
  if (columns.timeSorted) {
    return { runId, xs, ys: columns.values };
  }
  // Times out of step order (rare: a clock set back): a sorted copy, built for this draw only.
  const values = columns.values;
  const times = columns.timestamps;
  const order = Array.from(xs.keys()).sort(
    (a, b) => times[a] - times[b] || a - b
  );
  return {
    runId,
    xs: Float64Array.from(order, i => xs[i]),
    ys: Float64Array.from(order, i => values[i])
  };
}
