import { IMetric } from '../../api/mlflowTypes';
import { diffRuns } from '../compare';
import { readHistoryStats } from '../compareStats';
import {
  bandByStep,
  bestOf,
  groupTrials,
  historyStats,
  lowerIsBetterByName,
  valuesByStep
} from '../historyStats';
import { bandData } from '../SweepBandChart';
import { makeRun } from './fakeRuns';

/** Points at steps 0, 1, 2… with these values (timestamps follow the steps). */
function series(values: number[], key = 'm'): IMetric[] {
  return values.map((value, step) => ({ key, value, step, timestamp: step }));
}

describe('historyStats', () => {
  it('skips NaN and ±Inf for min and max, and counts them', () => {
    const stats = historyStats(series([NaN, 3, -Infinity, 1, Infinity, 2]));
    expect(stats).toEqual({
      count: 6,
      skipped: 3,
      min: 1,
      minStep: 3,
      max: 3,
      maxStep: 1,
      truncated: false
    });
  });

  it('has no min or max for an empty history or one of NaN only', () => {
    for (const points of [[], series([NaN, Infinity])]) {
      const stats = historyStats(points);
      expect(stats.min).toBeNaN();
      expect(stats.max).toBeNaN();
      expect(bestOf(stats, true).value).toBeNaN();
    }
  });

  it('takes the best by direction, at the first step it was reached', () => {
    const stats = historyStats(series([0.5, 0.2, 0.9, 0.2, 0.9]));
    expect(bestOf(stats, true)).toEqual({ value: 0.2, step: 1 });
    expect(bestOf(stats, false)).toEqual({ value: 0.9, step: 2 });
  });

  it('keeps the extremes of a history read in pages', async () => {
    const values = Array.from({ length: 101 }, (_, i) => Math.sin(i));
    values[37] = 5; // a spike in the middle of a page
    values[100] = -5; // alone on the last page
    const all = series(values);
    const tokens: (string | undefined)[] = [];
    const api = {
      getMetricHistory: async (
        _run: string,
        _key: string,
        o: { pageToken?: string; maxResults?: number } = {}
      ) => {
        tokens.push(o.pageToken);
        const from = Number(o.pageToken ?? 0);
        const to = from + o.maxResults!;
        return {
          metrics: all.slice(from, to),
          next_page_token: to < all.length ? String(to) : undefined
        };
      }
    };
    const stats = await readHistoryStats(api, 'r', 'm', undefined, 10);
    expect(tokens).toHaveLength(11);
    expect(stats).toMatchObject({
      count: 101,
      min: -5,
      minStep: 100,
      max: 5,
      maxStep: 37,
      truncated: false
    });
  });

  it('stops, and says so, when the server repeats its page token', async () => {
    const api = {
      getMetricHistory: async () => ({
        metrics: series([1, 2]),
        next_page_token: 'same'
      })
    };
    const stats = await readHistoryStats(api, 'r', 'm');
    expect(stats.truncated).toBe(true);
    expect(stats.count).toBe(4);
  });
});

describe('lowerIsBetterByName', () => {
  it.each([
    ['loss', true],
    ['val/loss', true],
    ['rmse', true],
    ['error_rate', true],
    ['perplexity', true],
    ['accuracy', false],
    ['val/acc', false],
    ['eval_f1', false],
    ['roc_auc', false],
    ['test.r2', false],
    ['top5', false],
    ['cross_entropy_accuracy_loss', true]
  ])('%s → lower is better: %s', (key, lower) => {
    expect(lowerIsBetterByName(key)).toBe(lower);
  });
});

describe('diffRuns with history statistics', () => {
  const a = makeRun('a', { params: { lr: '1' }, metrics: { loss: 0.5 } });
  const b = makeRun('b', { params: { lr: '1' }, metrics: { loss: 0.5 } });
  const mins: Record<string, number> = { a: 0.1, b: 0.2 };
  const statOf = (run: typeof a, _key: string, statistic: string) =>
    statistic === 'min' ? mins[run.info.run_id] : 0.9;

  it('adds the shown statistics to metric rows; a row differs when any shown one does', () => {
    const rows = diffRuns([a, b], {
      statistics: ['last', 'min', 'max'],
      statOf
    });
    expect(rows[1]).toEqual({
      kind: 'metric',
      key: 'loss',
      values: [0.5, 0.5],
      stats: { min: [0.1, 0.2], max: [0.9, 0.9] },
      differs: true
    });
    // Only differences: the param goes, the metric stays (its min differs).
    expect(
      diffRuns([a, b], {
        onlyDifferences: true,
        statistics: ['last', 'min'],
        statOf
      }).map(r => r.key)
    ).toEqual(['loss']);
    // Last and max are equal: nothing differs.
    expect(
      diffRuns([a, b], {
        onlyDifferences: true,
        statistics: ['last', 'max'],
        statOf
      })
    ).toEqual([]);
  });

  it('counts statistics still loading (undefined for every run) as equal', () => {
    const rows = diffRuns([a, b], {
      statistics: ['best'],
      statOf: () => undefined
    });
    expect(rows[1].differs).toBe(false);
  });
});

describe('bandByStep', () => {
  it('aligns trials by step; a trial lacking a step is left out of it', () => {
    const t1 = valuesByStep(series([1, 2, 3]));
    const t2: IMetric[] = [
      { key: 'm', value: 5, step: 0, timestamp: 0 },
      { key: 'm', value: 7, step: 2, timestamp: 1 },
      // Step 2 again, later: the latest value counts.
      { key: 'm', value: 9, step: 2, timestamp: 2 },
      { key: 'm', value: 11, step: 5, timestamp: 3 }
    ];
    const t3 = valuesByStep(series([NaN, Infinity, 0]));
    expect(bandByStep([t1, valuesByStep(t2), t3])).toEqual({
      steps: [0, 1, 2, 5],
      mean: [3, 2, 4, 11],
      min: [1, 2, 0, 11],
      max: [5, 2, 9, 11],
      count: [2, 1, 3, 1]
    });
  });

  it('is empty without trials or finite values', () => {
    expect(bandByStep([]).steps).toEqual([]);
    expect(bandByStep([valuesByStep(series([NaN]))]).steps).toEqual([]);
  });

  it('groups trials by a param, numerically, unset last', () => {
    const trials: { id: number; params: Record<string, string> }[] = [
      { id: 1, params: { lr: '10' } },
      { id: 2, params: { lr: '9' } },
      { id: 3, params: {} },
      { id: 4, params: { lr: '10' } }
    ];
    expect(
      groupTrials(trials, 'lr').map(g => [g.label, g.trials.map(t => t.id)])
    ).toEqual([
      ['9', [2]],
      ['10', [1, 4]],
      [undefined, [3]]
    ]);
    expect(groupTrials(trials, null)).toEqual([{ label: undefined, trials }]);
  });

  it("lays groups' bands out for uPlot on the union of steps, gaps where missing", () => {
    const band = (steps: number[], v: number) => ({
      steps,
      mean: steps.map(() => v),
      min: steps.map(() => v - 1),
      max: steps.map(() => v + 1),
      count: steps.map(() => 1)
    });
    expect(
      bandData([
        { label: 'x', color: '#000000', trials: 1, band: band([0, 2], 5) },
        { label: 'y', color: '#000000', trials: 1, band: band([1, 2], 9) }
      ])
    ).toEqual([
      [0, 1, 2],
      [5, null, 5],
      [6, null, 6],
      [4, null, 4],
      [null, 9, 9],
      [null, 10, 10],
      [null, 8, 8]
    ]);
  });
});
