/**
 * Comparing runs: the params/metrics diff table, best-so-far curves and sweep summaries.
 * Pure functions, no DOM.
 */
import { IRun } from '../api/mlflowTypes';
import { PARENT_TAG } from './columns';
import { Statistic } from './historyStats';

/** One line of the diff table: a key and its value in each compared run. */
export interface IDiffRow {
  kind: 'param' | 'metric';
  key: string;
  /** One entry per run, in the runs' order; `undefined` where the run has no such key. */
  values: (string | number | undefined)[];
  /**
   * Metric rows: per history statistic shown (best, min, max), one entry per run; `undefined`
   * where not (yet) known.
   */
  stats?: Partial<Record<HistoryStatistic, (number | undefined)[]>>;
  /**
   * Whether the runs do not all have the same value in a shown column (a missing value counts
   * as different).
   */
  differs: boolean;
}

/** The statistics read from whole histories (`last` is MLflow's latest value). */
export type HistoryStatistic = Exclude<Statistic, 'last'>;

/** Options of `diffRuns`. */
export interface IDiffOptions {
  /** Drop rows whose shown values are all equal. */
  onlyDifferences?: boolean;
  /** The metric columns shown (default: last only). */
  statistics?: readonly Statistic[];
  /** A run's best / min / max of a metric, undefined while unknown. */
  statOf?: (
    run: IRun,
    key: string,
    statistic: HistoryStatistic
  ) => number | undefined;
}

/**
 * Build the params/metrics diff of some runs: every param and latest-metric key any of them has,
 * params first, each group sorted by key. Metric rows carry the history statistics asked for,
 * and differ when any shown statistic differs.
 *
 * @param runs - the runs to compare
 * @param options - only differences, the statistics shown and where they come from
 */
export function diffRuns(runs: IRun[], options: IDiffOptions = {}): IDiffRow[] {
  const shown = options.statistics ?? ['last'];
  const extra = shown.filter((s): s is HistoryStatistic => s !== 'last');
  const rows: IDiffRow[] = [];
  for (const kind of ['param', 'metric'] as const) {
    const keys = new Set<string>();
    const maps = runs.map(run => {
      const map = new Map<string, string | number>();
      const items = kind === 'param' ? run.data.params : run.data.metrics;
      for (const item of items) {
        map.set(item.key, item.value);
        keys.add(item.key);
      }
      return map;
    });
    for (const key of [...keys].sort()) {
      const values = maps.map(m => m.get(key));
      const row: IDiffRow = { kind, key, values, differs: false };
      const columns: (string | number | undefined)[][] = [];
      if (kind === 'param' || shown.includes('last')) {
        columns.push(values);
      }
      if (kind === 'metric' && extra.length) {
        row.stats = {};
        for (const statistic of extra) {
          const column = runs.map((run, i) =>
            maps[i].has(key) ? options.statOf?.(run, key, statistic) : undefined
          );
          row.stats[statistic] = column;
          columns.push(column);
        }
      }
      row.differs = columns.some(c => c.some(v => !sameValue(v, c[0])));
      if (row.differs || !options.onlyDifferences) {
        rows.push(row);
      }
    }
  }
  return rows;
}

/**
 * Whether two cell values are equal; NaN equals NaN (two runs that both diverged do not differ).
 *
 * @param a - a value
 * @param b - another
 */
export function sameValue(
  a: string | number | undefined,
  b: string | number | undefined
): boolean {
  return Object.is(a, b) || a === b;
}

/**
 * The best value so far at each point of a series: the running minimum (lower is better) or
 * maximum. NaN points keep the previous best; before the first number the best is NaN.
 *
 * @param values - the series in order
 * @param lowerIsBetter - whether to take the minimum
 */
export function bestSoFar(values: number[], lowerIsBetter: boolean): number[] {
  let best = NaN;
  return values.map(v => {
    if (
      !Number.isNaN(v) &&
      (Number.isNaN(best) || (lowerIsBetter ? v < best : v > best))
    ) {
      best = v;
    }
    return best;
  });
}

/**
 * The children of a sweep parent among some runs, in start order (the order trials ran).
 *
 * @param parentId - the parent run's id
 * @param runs - the runs to look in
 */
export function childrenOf(parentId: string, runs: IRun[]): IRun[] {
  return runs
    .filter(r =>
      r.data.tags.some(t => t.key === PARENT_TAG && t.value === parentId)
    )
    .sort((a, b) => (a.info.start_time ?? 0) - (b.info.start_time ?? 0));
}

/**
 * The latest value of a run's metric, or NaN.
 *
 * @param run - the run
 * @param key - the metric key
 */
export function metricOf(run: IRun, key: string): number {
  return run.data.metrics.find(m => m.key === key)?.value ?? NaN;
}

/** One axis of a parallel-coordinates plot. */
export interface IAxis {
  key: string;
  kind: 'param' | 'metric';
  /** Numeric axes scale between min and max; categorical axes spread their values evenly. */
  numeric: boolean;
  min: number;
  max: number;
  /** The sorted distinct values of a categorical axis. */
  categories: string[];
}

/**
 * The axes of a parallel-coordinates view of runs: the params that vary (numeric when every value
 * parses as a number), then the metric.
 *
 * @param runs - the runs
 * @param metricKey - the metric on the last axis
 * @param maxParams - at most this many param axes, by key
 */
export function parallelAxes(
  runs: IRun[],
  metricKey: string,
  maxParams = 8
): IAxis[] {
  const values = new Map<string, string[]>();
  for (const run of runs) {
    for (const p of run.data.params) {
      const list = values.get(p.key) ?? [];
      list.push(p.value);
      values.set(p.key, list);
    }
  }
  const axes: IAxis[] = [];
  for (const [key, list] of values) {
    const distinct = [...new Set(list)].sort();
    if (distinct.length < 2) {
      continue;
    }
    const numbers = distinct.map(Number);
    const numeric = numbers.every(n => Number.isFinite(n));
    axes.push({
      key,
      kind: 'param',
      numeric,
      min: numeric ? Math.min(...numbers) : 0,
      max: numeric ? Math.max(...numbers) : distinct.length - 1,
      categories: numeric ? [] : distinct
    });
  }
  axes.sort((a, b) => a.key.localeCompare(b.key));
  const metric = runs.map(r => metricOf(r, metricKey)).filter(Number.isFinite);
  return [
    ...axes.slice(0, maxParams),
    {
      key: metricKey,
      kind: 'metric',
      numeric: true,
      min: metric.length ? Math.min(...metric) : 0,
      max: metric.length ? Math.max(...metric) : 1,
      categories: []
    }
  ];
}

/**
 * Where a run sits on an axis, from 0 (bottom) to 1 (top), or null when it has no value.
 *
 * @param run - the run
 * @param axis - the axis
 */
export function axisPosition(run: IRun, axis: IAxis): number | null {
  let value: number;
  if (axis.kind === 'metric') {
    value = metricOf(run, axis.key);
  } else {
    const raw = run.data.params.find(p => p.key === axis.key)?.value;
    if (raw === undefined) {
      return null;
    }
    value = axis.numeric ? Number(raw) : axis.categories.indexOf(raw);
  }
  if (!Number.isFinite(value)) {
    return null;
  }
  const span = axis.max - axis.min;
  return span === 0 ? 0.5 : (value - axis.min) / span;
}
