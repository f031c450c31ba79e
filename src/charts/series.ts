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
 * The identity of a point within its (run, key): step, timestamp and value, exactly.
 * `NaN` has one spelling here (unlike `NaN !== NaN`), and `-0` is `0`.
 *
 * @param point - the point
 */
export function pointIdentity(point: IMetricPoint): string {
  return `${point.step}|${point.timestamp}|${point.value}`;
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
