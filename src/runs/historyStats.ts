/**
 * Statistics of whole metric histories, for the compare table (best / min / max per run) and the
 * sweep band chart (mean and min–max over trials per step). Pure functions, no DOM.
 *
 * NaN and ±Inf are left out of every statistic here: one diverged step would otherwise make the
 * min −Inf or the mean NaN and hide what the run did at every other step. They are counted, so
 * that the view can say how many were skipped.
 */
import { IMetric } from '../api/mlflowTypes';

/** A column the compare table can show for each run's metric. */
export type Statistic = 'last' | 'best' | 'min' | 'max';

/** Every statistic, in the order the toggle group and the columns show them. */
export const STATISTICS: readonly Statistic[] = ['last', 'best', 'min', 'max'];

/** min / max of one run's history of one metric, read page by page. */
export interface IHistoryStats {
  /** Points read. */
  count: number;
  /** NaN / ±Inf points, left out of min and max. */
  skipped: number;
  /** The smallest finite value (NaN when there is none) and the first step it was logged at. */
  min: number;
  minStep: number;
  /** The largest finite value (NaN when there is none) and the first step it was logged at. */
  max: number;
  maxStep: number;
  /** Whether the server stopped the paging early: the figures cover only what was read. */
  truncated: boolean;
}

/** Statistics before any point is read. */
export function emptyStats(): IHistoryStats {
  return {
    count: 0,
    skipped: 0,
    min: NaN,
    minStep: NaN,
    max: NaN,
    maxStep: NaN,
    truncated: false
  };
}

/**
 * Fold a page of points into running statistics (pages arrive one by one: a million-point
 * history is never held whole).
 *
 * @param stats - the statistics so far; changed in place
 * @param points - the next page
 */
export function addPoints(stats: IHistoryStats, points: IMetric[]): void {
  for (const p of points) {
    stats.count++;
    const v = p.value;
    if (!Number.isFinite(v)) {
      stats.skipped++;
      continue;
    }
    // Ties keep the earlier step: "first reached at".
    if (
      Number.isNaN(stats.min) ||
      v < stats.min ||
      (v === stats.min && p.step < stats.minStep)
    ) {
      stats.min = v;
      stats.minStep = p.step;
    }
    if (
      Number.isNaN(stats.max) ||
      v > stats.max ||
      (v === stats.max && p.step < stats.maxStep)
    ) {
      stats.max = v;
      stats.maxStep = p.step;
    }
  }
}

/**
 * The statistics of a whole history.
 *
 * @param points - the history, in any order
 * @param truncated - whether it is only part of the history
 */
export function historyStats(
  points: IMetric[],
  truncated = false
): IHistoryStats {
  const stats = emptyStats();
  addPoints(stats, points);
  stats.truncated = truncated;
  return stats;
}

/**
 * The best value of a history and where it was first reached: the min when lower is better,
 * else the max.
 *
 * @param stats - the history's statistics
 * @param lowerIsBetter - the metric's direction
 */
export function bestOf(
  stats: IHistoryStats,
  lowerIsBetter: boolean
): { value: number; step: number } {
  return lowerIsBetter
    ? { value: stats.min, step: stats.minStep }
    : { value: stats.max, step: stats.maxStep };
}

/** Names of metrics where higher is better, matched on the last part of the key. */
const HIGHER_IS_BETTER =
  /(^|[_\-.\s])(acc|accuracy|auc|auroc|roc_auc|f1|f1_score|precision|recall|r2|r2_score|bleu|rouge\w*|map|ndcg|mrr|iou|miou|dice|reward|return|score|top\d+|top_\d+|explained_variance|throughput|hit_rate|hits|sharpe)$/i;

/**
 * Whether lower is better for a metric, guessed from its name: accuracy, AUC, F1, precision,
 * recall, R², BLEU, reward… are better high; anything else (loss, error, RMSE, perplexity,
 * latency) low. The user can flip it per metric.
 *
 * @param key - the metric key, e.g. `val/accuracy`
 */
export function lowerIsBetterByName(key: string): boolean {
  const last = key.split(/[/:]/).pop() ?? key;
  if (/loss|err|error/i.test(last)) {
    return true;
  }
  return !HIGHER_IS_BETTER.test(last);
}

/** One trial's history reduced to one value per step (the last one logged at that step). */
export interface IStepValues {
  steps: number[];
  values: number[];
}

/**
 * One value per step, ascending: where a step was logged more than once, the latest timestamp
 * wins (as in MLflow's own charts).
 *
 * @param points - a history in any order
 */
export function valuesByStep(points: IMetric[]): IStepValues {
  const latest = new Map<number, IMetric>();
  for (const p of points) {
    const seen = latest.get(p.step);
    if (!seen || p.timestamp >= seen.timestamp) {
      latest.set(p.step, p);
    }
  }
  const steps = [...latest.keys()].sort((a, b) => a - b);
  return { steps, values: steps.map(s => latest.get(s)!.value) };
}

/** Mean and min–max of several trials per step. */
export interface IBand {
  steps: number[];
  mean: number[];
  min: number[];
  max: number[];
  /** How many trials have a finite value at each step. */
  count: number[];
}

/**
 * Aggregate trials by step: at each step any trial logged, the mean, min and max over the trials
 * that have a finite value there. A trial lacking a step (or NaN/±Inf there) is left out of that
 * step; a step no trial has a finite value at is dropped.
 *
 * @param trials - each trial's values by step
 */
export function bandByStep(trials: IStepValues[]): IBand {
  const acc = new Map<
    number,
    { sum: number; n: number; lo: number; hi: number }
  >();
  for (const trial of trials) {
    for (let i = 0; i < trial.steps.length; i++) {
      const v = trial.values[i];
      if (!Number.isFinite(v)) {
        continue;
      }
      const a = acc.get(trial.steps[i]);
      if (a) {
        a.sum += v;
        a.n++;
        a.lo = Math.min(a.lo, v);
        a.hi = Math.max(a.hi, v);
      } else {
        acc.set(trial.steps[i], { sum: v, n: 1, lo: v, hi: v });
      }
    }
  }
  const steps = [...acc.keys()].sort((a, b) => a - b);
  const band: IBand = { steps, mean: [], min: [], max: [], count: [] };
  for (const s of steps) {
    const a = acc.get(s)!;
    band.mean.push(a.sum / a.n);
    band.min.push(a.lo);
    band.max.push(a.hi);
    band.count.push(a.n);
  }
  return band;
}

/**
 * Split trials into groups by a param's value (each value of `lr` its own band), groups sorted
 * numerically when every value is a number; trials without the param form a group of their own
 * (`undefined` label). Without a param, one group of all trials.
 *
 * @param trials - the trials with their params
 * @param param - the param to group by, or null
 */
export function groupTrials<T extends { params: Record<string, string> }>(
  trials: T[],
  param: string | null
): { label: string | undefined; trials: T[] }[] {
  if (!param) {
    return [{ label: undefined, trials }];
  }
  const groups = new Map<string | undefined, T[]>();
  for (const t of trials) {
    const value = t.params[param];
    const list = groups.get(value) ?? [];
    list.push(t);
    groups.set(value, list);
  }
  const labels = [...groups.keys()];
  const numeric = labels.every(
    l => l === undefined || Number.isFinite(Number(l))
  );
  labels.sort((a, b) =>
    a === undefined
      ? 1
      : b === undefined
        ? -1
        : numeric
          ? Number(a) - Number(b)
          : a < b
            ? -1
            : a > b
              ? 1
              : 0
  );
  return labels.map(label => ({ label, trials: groups.get(label)! }));
}
