import {
  chooseXKind,
  decodeLiveMessage,
  decodeMetricValue,
  IMetricPoint,
  MetricStore,
  RUN_PALETTE,
  RunColors
} from '../series';
import { alignSeries } from '../align';

const p = (step: number, timestamp: number, value: number): IMetricPoint => ({
  step,
  timestamp,
  value
});

/** Chart series with plain arrays (the store gives views of its Float64Array columns). */
const plain = (
  series: { runId: string; xs: ArrayLike<number>; ys: ArrayLike<number> }[]
) =>
  series.map(s => ({
    runId: s.runId,
    xs: Array.from(s.xs),
    ys: Array.from(s.ys)
  }));

describe('decodeMetricValue', () => {
  it.each([
    [0.25, 0.25],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    [1.7976931348623157e308, Infinity],
    [-1.7976931348623157e308, -Infinity],
    ['1.5', 1.5],
    [-0, -0]
  ])('%p -> %p', (raw, expected) => {
    expect(decodeMetricValue(raw)).toBe(expected);
  });
});

describe('decodeLiveMessage', () => {
  it('decodes points, run ends and drops of protocol 1', () => {
    const message = decodeLiveMessage({
      v: 1,
      points: [
        { run_id: 'r1', key: 'loss', step: 1, timestamp: 10, value: 0.5 },
        { run_id: 'r1', key: 'loss', step: 2, timestamp: 11, value: 'NaN' },
        { run_id: 'r1', key: 'acc', step: 2, timestamp: 11, value: 'Infinity' }
      ],
      runs: [{ run_id: 'r1' }, { run_id: 'r0', status: 'FINISHED' }],
      dropped: 3
    });
    expect(message).not.toBeNull();
    expect(message!.points.map(pt => pt.value)).toEqual([0.5, NaN, Infinity]);
    expect(message!.points[0]).toEqual({
      runId: 'r1',
      key: 'loss',
      step: 1,
      timestamp: 10,
      value: 0.5
    });
    expect(message!.runs).toEqual([
      { runId: 'r1' },
      { runId: 'r0', status: 'FINISHED' }
    ]);
    expect(message!.dropped).toBe(3);
  });

  it.each([[null], [{}], [{ v: 2, points: [] }], ['text']])(
    'ignores %p (unknown version or not a message)',
    data => {
      expect(decodeLiveMessage(data)).toBeNull();
    }
  );

  it('skips malformed points and keeps the rest', () => {
    const message = decodeLiveMessage({
      v: 1,
      points: [
        { run_id: 'r1', key: 'loss', step: 'x', timestamp: 1, value: 1 },
        { key: 'loss', step: 1, timestamp: 1, value: 1 },
        { run_id: 'r1', key: 'loss', step: '7', timestamp: '8', value: 2 }
      ]
    });
    expect(message!.points).toEqual([
      { runId: 'r1', key: 'loss', step: 7, timestamp: 8, value: 2 }
    ]);
    expect(message!.runs).toEqual([]);
    expect(message!.dropped).toBe(0);
  });
});

describe('MetricStore', () => {
  it('merges pushed and polled points, deduplicating on the exact identity', () => {
    const store = new MetricStore();
    // Pushed while the cell runs.
    expect(store.add('r1', 'loss', [p(0, 100, 1), p(1, 110, 0.5)])).toBe(2);
    // Polled history: the same two points, plus one the push has not delivered yet.
    expect(
      store.add('r1', 'loss', [p(0, 100, 1), p(1, 110, 0.5), p(2, 120, 0.25)])
    ).toBe(1);
    expect(store.points('r1', 'loss').toArray()).toEqual([
      p(0, 100, 1),
      p(1, 110, 0.5),
      p(2, 120, 0.25)
    ]);
  });

  it('keeps points that differ only in timestamp or value (MLflow stores both)', () => {
    const store = new MetricStore();
    store.add('r1', 'loss', [p(1, 100, 1), p(1, 101, 1), p(1, 101, 2)]);
    expect(store.points('r1', 'loss')).toHaveLength(3);
  });

  it('deduplicates non-finite values, and a SQL store infinity equals the pushed one', () => {
    const store = new MetricStore();
    store.add('r1', 'x', [p(0, 1, NaN), p(1, 2, Infinity), p(2, 3, -Infinity)]);
    const polled = [
      { step: 0, timestamp: 1, value: decodeMetricValue('NaN') },
      {
        step: 1,
        timestamp: 2,
        value: decodeMetricValue(1.7976931348623157e308)
      },
      {
        step: 2,
        timestamp: 3,
        value: decodeMetricValue(-1.7976931348623157e308)
      }
    ];
    expect(store.add('r1', 'x', polled)).toBe(0);
    expect(store.points('r1', 'x').map(pt => pt.value)).toEqual([
      NaN,
      Infinity,
      -Infinity
    ]);
  });

  it('sorts by step, then timestamp, whatever the arrival order', () => {
    const store = new MetricStore();
    store.add('r1', 'loss', [p(3, 30, 3), p(1, 10, 1)]);
    store.add('r1', 'loss', [p(2, 20, 2), p(1, 5, 0)]);
    expect(store.points('r1', 'loss').map(pt => pt.value)).toEqual([
      0, 1, 2, 3
    ]);
  });

  it('keeps runs and keys apart, lists keys sorted and counts versions', () => {
    const store = new MetricStore();
    const v0 = store.version;
    store.add('r1', 'loss', [p(0, 1, 1)]);
    store.add('r2', 'loss', [p(0, 1, 1)]);
    store.add('r2', 'acc', [p(0, 1, 1)]);
    expect(store.version).toBeGreaterThan(v0);
    const v1 = store.version;
    store.add('r2', 'acc', [p(0, 1, 1)]);
    expect(store.version).toBe(v1);
    expect(store.keys()).toEqual(['acc', 'loss']);
    expect(store.keys(['r1'])).toEqual(['loss']);
    expect(store.runIds()).toEqual(['r1', 'r2']);
  });

  it('caps a series to its newest points and never re-adds a dropped one', () => {
    const store = new MetricStore({ maxPointsPerSeries: 2 });
    store.add('r1', 'loss', [p(0, 1, 0), p(1, 2, 1), p(2, 3, 2)]);
    expect(store.points('r1', 'loss').map(pt => pt.step)).toEqual([1, 2]);
    expect(store.truncated('r1', 'loss')).toBe(true);
    expect(store.add('r1', 'loss', [p(0, 1, 0)])).toBe(0);
  });
});

describe('x axis: step, falling back to wall time', () => {
  it('uses steps when they differ', () => {
    expect(chooseXKind([[p(0, 5, 1), p(1, 6, 1)]])).toBe('step');
  });

  it('uses wall time when every step of every run is equal', () => {
    expect(chooseXKind([[p(0, 5, 1), p(0, 6, 1)], [p(0, 7, 2)]])).toBe('time');
  });

  it('uses steps when one run has other steps', () => {
    expect(chooseXKind([[p(0, 5, 1), p(0, 6, 1)], [p(3, 7, 2)]])).toBe('step');
  });

  it('uses steps when there are no points', () => {
    expect(chooseXKind([[], []])).toBe('step');
  });

  it('gives the chart timestamps as xs in time mode, sorted by time', () => {
    const store = new MetricStore();
    store.add('r1', 'loss', [p(0, 300, 3), p(0, 100, 1), p(0, 200, 2)]);
    const { xKind, series } = store.chartData('loss', ['r1', 'absent']);
    expect(xKind).toBe('time');
    expect(plain(series)).toEqual([
      { runId: 'r1', xs: [100, 200, 300], ys: [1, 2, 3] }
    ]);
  });

  it('gives steps as xs in step mode', () => {
    const store = new MetricStore();
    store.add('r1', 'loss', [p(2, 300, 3), p(1, 100, 1)]);
    store.add('r2', 'loss', [p(1, 100, 5)]);
    const data = store.chartData('loss', ['r2', 'r1']);
    expect({ ...data, series: plain(data.series) }).toEqual({
      xKind: 'step',
      loading: null,
      series: [
        { runId: 'r2', xs: [1], ys: [5] },
        { runId: 'r1', xs: [1, 2], ys: [1, 3] }
      ]
    });
  });
});

describe('RunColors', () => {
  it('gives the runs of one view distinct colours', () => {
    // A hash into ten colours gave two of five runs one colour 70 % of the time.
    for (let trial = 0; trial < 50; trial++) {
      const colors = new RunColors();
      const ids = Array.from({ length: 10 }, (_, i) => `run-${trial}-${i}`);
      const assigned = colors.assign(ids);
      expect(new Set(assigned.values()).size).toBe(10);
      for (const color of assigned.values()) {
        expect(RUN_PALETTE).toContain(color);
      }
    }
  });

  it('keeps a run’s colour from one view to another', () => {
    const colors = new RunColors();
    const live = colors.assign(['a', 'b', 'c']);
    // Compare shows two of them, in another order, and a run Live Metrics never showed.
    const compare = colors.assign(['c', 'x', 'a']);
    expect(compare.get('a')).toBe(live.get('a'));
    expect(compare.get('c')).toBe(live.get('c'));
    expect(new Set(compare.values()).size).toBe(3);
    expect(colors.colorOf('b')).toBe(live.get('b'));
    expect(colors.assign(['a', 'b', 'c'])).toEqual(live);
  });

  it('separates two runs that were given one colour in different views', () => {
    const colors = new RunColors(['red', 'blue']);
    colors.assign(['a', 'b']);
    colors.assign(['c']); // all colours held: c shares one
    const both = colors.assign(['a', 'c']);
    expect(both.get('a')).not.toBe(both.get('c'));
  });
});

describe('alignSeries', () => {
  it('joins series on the union of their xs; absent is undefined, non-finite null', () => {
    expect(
      alignSeries([
        { xs: [1, 3], ys: [10, NaN] },
        { xs: [2, 3], ys: [Infinity, 30] }
      ])
    ).toEqual([
      [1, 2, 3],
      [10, undefined, null],
      [undefined, null, 30]
    ]);
  });

  it('keeps the last value of a repeated x', () => {
    expect(alignSeries([{ xs: [1, 1], ys: [1, 2] }])).toEqual([[1], [2]]);
  });
});
