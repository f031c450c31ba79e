/**
 * The live-metrics data model, without DOM: metric points of several runs, merged from the
 * kernel's push and the tracking server's history, deduplicated on their exact identity.
 */

import { decodeDouble, decodeInt64 } from '../api/mlflowWire';
import type { XKind } from './MetricChart';

/** One stored metric value. */
export interface IMetricPoint {
  step: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
  /** May be `NaN` or `±Infinity`. */
  value: number;
}

/** What a run's line of one metric looks like to the chart. */
export interface ISeriesData {
  runId: string;
  xs: number[];
  ys: number[];
}

/** The comm message of the kernel's pusher (`jupyterlab_mlflow_workspace/live/pusher.py`). */
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
 * The identity of a point within its (run, key): step, timestamp and value, exactly.
 * `NaN` has one spelling here (unlike `NaN !== NaN`), and `-0` is `0`.
 *
 * @param point - the point
 */
export function pointIdentity(point: IMetricPoint): string {
  return `${point.step}|${point.timestamp}|${point.value}`;
}

/**
 * A stable colour per run: the same run id always gets the same colour (across reloads and
 * views), from a categorical palette readable on light and dark themes.
 *
 * @param runId - the run's id
 * @param palette - the colours to choose from
 */
export function runColor(
  runId: string,
  palette: readonly string[] = RUN_PALETTE
): string {
  // FNV-1a: small, fast, and spreads similar hex ids.
  let hash = 0x811c9dc5;
  for (let i = 0; i < runId.length; i++) {
    hash ^= runId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return palette[(hash >>> 0) % palette.length];
}

/**
 * Colours of runs shown together, shared by every view (Live Metrics, Compare): runs shown
 * together get distinct colours (up to the palette's size), and a run keeps the colour it got
 * in an earlier view. A run first seen takes its hashed colour (`runColor`, so colours mostly
 * survive a reload) when no other shown run has it, else the first free one. A hash alone
 * gave two of five runs the same colour 70 % of the time.
 */
export class RunColors {
  constructor(private readonly _palette: readonly string[] = RUN_PALETTE) {}

  /**
   * Colours for runs shown together.
   *
   * @param runIds - the runs in the order they are shown
   * @returns a colour per run id
   */
  assign(runIds: readonly string[]): Map<string, string> {
    const result = new Map<string, string>();
    const used = new Set<string>();
    // Known runs keep their colour unless a run before them in this view already holds it.
    for (const id of runIds) {
      const known = this._known.get(id);
      if (known && !used.has(known) && !result.has(id)) {
        result.set(id, known);
        used.add(known);
      }
    }
    for (const id of runIds) {
      if (result.has(id)) {
        continue;
      }
      let color = runColor(id, this._palette);
      if (used.has(color)) {
        color = this._palette.find(c => !used.has(c)) ?? color;
      }
      result.set(id, color);
      used.add(color);
      this._known.set(id, color);
    }
    return result;
  }

  private _known = new Map<string, string>();
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

/** The one colour map every view uses, so a run has the same colour everywhere (declared
 * after RUN_PALETTE, its default: before it, loading the extension threw a ReferenceError). */
export const RUN_COLORS = new RunColors();

/**
 * Metric points of several runs, by (run, key), each series sorted by (step, timestamp) and
 * free of duplicates. Pushed and polled points go through the same `add`, so the store ends
 * holding exactly the union of both, which is what the tracking server holds.
 */
export class MetricStore {
  /**
   * @param options - the cap per series
   */
  constructor(options: MetricStore.IOptions = {}) {
    this.maxPointsPerSeries = options.maxPointsPerSeries ?? 100_000;
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
    let byKey = this._runs.get(runId);
    if (!byKey) {
      byKey = new Map();
      this._runs.set(runId, byKey);
    }
    let series = byKey.get(key);
    if (!series) {
      series = { points: [], ids: new Set(), truncated: false };
      byKey.set(key, series);
    }
    let added = 0;
    for (const point of points) {
      const id = pointIdentity(point);
      if (series.ids.has(id)) {
        continue;
      }
      series.ids.add(id);
      Private.insertSorted(series.points, point);
      added++;
    }
    const over = series.points.length - this.maxPointsPerSeries;
    if (over > 0) {
      // Identities stay known, so that a dropped point coming back from a poll stays out.
      series.points.splice(0, over);
      series.truncated = true;
    }
    if (added > 0) {
      this._version++;
    }
    return added;
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

  /**
   * The points of one run and key, sorted by (step, timestamp); do not modify.
   *
   * @param runId - the run
   * @param key - the metric key
   */
  points(runId: string, key: string): readonly IMetricPoint[] {
    return this._runs.get(runId)?.get(key)?.points ?? [];
  }

  /** Whether the cap dropped points of this series. */
  truncated(runId: string, key: string): boolean {
    return this._runs.get(runId)?.get(key)?.truncated ?? false;
  }

  /**
   * What to draw for a key: x by step, or by wall time when every point of these runs has the
   * same step (e.g. a metric logged without `step=`, which MLflow stores as step 0).
   *
   * @param key - the metric key
   * @param runIds - the runs to draw, in legend order
   */
  chartData(
    key: string,
    runIds: readonly string[]
  ): { xKind: XKind; series: ISeriesData[] } {
    const xKind = chooseXKind(runIds.map(runId => this.points(runId, key)));
    const series: ISeriesData[] = [];
    for (const runId of runIds) {
      const points = this.points(runId, key);
      if (points.length === 0) {
        continue;
      }
      const sorted =
        xKind === 'step'
          ? points
          : [...points].sort((a, b) => a.timestamp - b.timestamp);
      series.push({
        runId,
        xs: sorted.map(p => (xKind === 'step' ? p.step : p.timestamp)),
        ys: sorted.map(p => p.value)
      });
    }
    return { xKind, series };
  }

  /** Forget one run (e.g. unpinned), or everything. */
  clear(runId?: string): void {
    if (runId === undefined) {
      this._runs.clear();
    } else {
      this._runs.delete(runId);
    }
    this._version++;
  }

  private _runs = new Map<string, Map<string, Private.ISeries>>();
  private _version = 0;
}

export namespace MetricStore {
  /** Options of the constructor. */
  export interface IOptions {
    /** Default 100 000. */
    maxPointsPerSeries?: number;
  }
}

/**
 * The x axis of a chart: `step`, unless every point of every series has the same step (then
 * steps say nothing and wall time is used). No points: `step`.
 *
 * @param series - the points of each line
 */
export function chooseXKind(
  series: readonly (readonly IMetricPoint[])[]
): XKind {
  let first: number | undefined;
  for (const points of series) {
    for (const p of points) {
      if (first === undefined) {
        first = p.step;
      } else if (p.step !== first) {
        return 'step';
      }
    }
  }
  return first === undefined ? 'step' : 'time';
}

namespace Private {
  export interface ISeries {
    points: IMetricPoint[];
    ids: Set<string>;
    truncated: boolean;
  }

  function before(a: IMetricPoint, b: IMetricPoint): boolean {
    return a.step < b.step || (a.step === b.step && a.timestamp < b.timestamp);
  }

  /** Insert keeping (step, timestamp) order; appending in order (the live case) is O(1). */
  export function insertSorted(points: IMetricPoint[], point: IMetricPoint) {
    const n = points.length;
    if (n === 0 || !before(point, points[n - 1])) {
      points.push(point);
      return;
    }
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(point, points[mid])) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    points.splice(lo, 0, point);
  }
}
