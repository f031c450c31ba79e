import { IMetricPoint, MetricStore } from '../series';
import { SeriesColumns } from '../seriesColumns';

const p = (step: number, timestamp: number, value: number): IMetricPoint => ({
  step,
  timestamp,
  value
});

/** A reference: the exact identity as a string, like the store before columns. */
const id = (q: IMetricPoint) =>
  `${q.step}|${q.timestamp}|${Object.is(q.value, -0) ? 0 : q.value}`;

/** A small deterministic random generator (the same series on every run). */
function random(seed: number) {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

describe('SeriesColumns', () => {
  it('keeps points as columns sorted by (step, timestamp)', () => {
    const s = new SeriesColumns();
    s.add([p(3, 30, 3), p(1, 10, 1), p(2, 20, 2)]);
    expect(Array.from(s.steps)).toEqual([1, 2, 3]);
    expect(Array.from(s.timestamps)).toEqual([10, 20, 30]);
    expect(Array.from(s.values)).toEqual([1, 2, 3]);
    expect(s.steps).toBeInstanceOf(Float64Array);
  });

  it('drops exact duplicates: NaN equals NaN, -0 equals 0, within a batch and across', () => {
    const s = new SeriesColumns();
    expect(s.add([p(0, 1, NaN), p(0, 1, NaN), p(1, 2, -0)])).toBe(2);
    expect(s.add([p(1, 2, 0), p(0, 1, NaN), p(2, 3, Infinity)])).toBe(1);
    expect(s.add([p(2, 3, Infinity), p(2, 3, -Infinity)])).toBe(1);
    expect(s.length).toBe(4);
  });

  it('keeps duplicate steps that differ in timestamp or value, in arrival order', () => {
    const s = new SeriesColumns();
    s.add([p(5, 100, 1), p(5, 100, 2)]);
    s.add([p(5, 100, 3), p(5, 100, 2), p(5, 99, 0)]);
    expect(Array.from(s.values)).toEqual([0, 1, 2, 3]);
    expect(s.add([p(5, 100, 1), p(5, 99, 0)])).toBe(0);
  });

  it('merges out-of-order batches anywhere (a history page arriving after pushed points)', () => {
    const s = new SeriesColumns();
    // Pushed: the newest points; then the history from the start, page by page.
    s.add([p(900, 900, 9), p(901, 901, 9)]);
    for (let first = 0; first < 902; first += 100) {
      const page = [];
      for (let i = first; i < Math.min(902, first + 100); i++) {
        page.push(p(i, i, i < 900 ? i : 9));
      }
      s.add(page);
    }
    expect(s.length).toBe(902);
    expect(Array.from(s.steps)).toEqual(
      Array.from({ length: 902 }, (_, i) => i)
    );
  });

  it('equals a brute-force reference on random batches with duplicates, NaN and -0', () => {
    const rand = random(7);
    const s = new SeriesColumns();
    const seen = new Map<string, IMetricPoint>();
    for (let batch = 0; batch < 200; batch++) {
      const points: IMetricPoint[] = [];
      for (let i = 0; i < 1 + Math.floor(rand() * 30); i++) {
        const r = rand();
        const value =
          r < 0.1 ? NaN : r < 0.2 ? -0 : r < 0.3 ? 0 : Math.floor(rand() * 3);
        points.push(p(Math.floor(rand() * 50), Math.floor(rand() * 3), value));
      }
      const fresh = new Set(points.map(id).filter(k => !seen.has(k))).size;
      expect(s.add(points)).toBe(fresh);
      for (const q of points) {
        if (!seen.has(id(q))) {
          seen.set(id(q), q);
        }
      }
    }
    const held = Array.from({ length: s.length }, (_, i) => s.pointAt(i));
    expect(new Set(held.map(id)).size).toBe(held.length);
    expect(new Set(held.map(id))).toEqual(new Set(seen.keys()));
    for (let i = 1; i < held.length; i++) {
      const a = held[i - 1];
      const b = held[i];
      expect(
        a.step < b.step || (a.step === b.step && a.timestamp <= b.timestamp)
      ).toBe(true);
    }
  });

  it('appends a million points in order quickly, without one object per point', () => {
    const s = new SeriesColumns();
    const start = Date.now();
    for (let first = 0; first < 1_000_000; first += 1000) {
      const page = [];
      for (let i = first; i < first + 1000; i++) {
        page.push(p(i, i, i === 543_210 ? 1e6 : 1));
      }
      s.add(page);
    }
    for (let i = 1_000_000; i < 1_000_100; i++) {
      s.add([p(i, i, 0.5)]); // the live push: one point at a time
    }
    expect(s.length).toBe(1_000_100);
    expect(s.values[543_210]).toBe(1e6);
    expect(s.values[s.length - 1]).toBe(0.5);
    // Generous: a per-point array splice or identity string would take far longer.
    expect(Date.now() - start).toBeLessThan(10_000);
  });

  it('caps to the newest points and keeps older ones out afterwards', () => {
    const s = new SeriesColumns();
    s.add([p(0, 0, 0), p(1, 1, 1), p(2, 2, 2), p(3, 3, 3)]);
    expect(s.cap(2)).toBe(true);
    expect(Array.from(s.steps)).toEqual([2, 3]);
    expect(s.truncated).toBe(true);
    expect(s.add([p(1, 1, 1), p(0, 5, 7)])).toBe(0);
    expect(s.add([p(4, 4, 4)])).toBe(1);
  });

  it('gives back the room kept for growth once a history is read', () => {
    const store = new MetricStore();
    store.setLoading('r1', 'loss', true);
    // A first page of 5,000, then pages of 25,000: 105,000 points.
    const n = 105_000;
    for (let first = 0; first < n; first += first === 0 ? 5000 : 25_000) {
      const page = [];
      for (
        let i = first;
        i < Math.min(n, first + (first === 0 ? 5000 : 25_000));
        i++
      ) {
        page.push(p(i, i, 1));
      }
      store.add('r1', 'loss', page);
    }
    const columns = store.columns('r1', 'loss')!;
    expect(columns.length).toBe(n);
    expect(columns.capacity).toBeGreaterThan(n * 1.125);
    store.setLoading('r1', 'loss', false);
    expect(columns.capacity).toBeLessThanOrEqual(n * 1.125);
    expect(columns.values[n - 1]).toBe(1);
    expect(columns.steps[n - 1]).toBe(n - 1);
    expect(store.add('r1', 'loss', [p(n, n, 2)])).toBe(1);
  });

  it('knows whether times follow the step order, and the earliest time', () => {
    const s = new SeriesColumns();
    s.add([p(0, 10, 0), p(1, 20, 0)]);
    expect(s.timeSorted).toBe(true);
    expect(s.minTime).toBe(10);
    s.add([p(2, 5, 0)]); // a clock set back
    expect(s.timeSorted).toBe(false);
    expect(s.minTime).toBe(5);
  });

  it('relative seconds follow appends and inserts', () => {
    const s = new SeriesColumns();
    s.add([p(0, 1000, 0), p(1, 3000, 0)]);
    expect(Array.from(s.relativeSeconds(1000))).toEqual([0, 2]);
    s.add([p(2, 4500, 0)]);
    expect(Array.from(s.relativeSeconds(1000))).toEqual([0, 2, 3.5]);
    s.add([p(-1, 500, 0)]);
    expect(Array.from(s.relativeSeconds(500))).toEqual([0, 0.5, 2.5, 4]);
  });
});

describe('MetricStore: x axis modes and loading', () => {
  it('gives views of its columns, not copies', () => {
    const store = new MetricStore();
    store.add('r1', 'loss', [p(0, 10, 1), p(1, 20, 2)]);
    const { series } = store.chartData('loss', ['r1']);
    expect(series[0].xs.buffer).toBe(store.columns('r1', 'loss')!.steps.buffer);
    expect(series[0].ys.buffer).toBe(
      store.columns('r1', 'loss')!.values.buffer
    );
  });

  it('draws against step, wall time or seconds since each run’s first point, as chosen', () => {
    const store = new MetricStore();
    store.add('r1', 'loss', [p(0, 10_000, 1), p(1, 12_000, 2)]);
    store.add('r1', 'acc', [p(0, 9_000, 0.5)]); // the run's first point
    store.add('r2', 'loss', [p(0, 50_000, 3), p(5, 51_500, 4)]);
    const xs = (mode: any) =>
      store
        .chartData('loss', ['r1', 'r2'], mode)
        .series.map(s => Array.from(s.xs));
    expect(store.chartData('loss', ['r1', 'r2']).xKind).toBe('step');
    expect(xs('auto')).toEqual([
      [0, 1],
      [0, 5]
    ]);
    expect(store.chartData('loss', ['r1'], 'time').xKind).toBe('time');
    expect(xs('time')).toEqual([
      [10_000, 12_000],
      [50_000, 51_500]
    ]);
    expect(store.chartData('loss', ['r1'], 'relative').xKind).toBe('relative');
    expect(xs('relative')).toEqual([
      [1, 3],
      [0, 1.5]
    ]);
  });

  it('reports a history being read with its points so far, and signals progress', () => {
    const store = new MetricStore();
    let signals = 0;
    store.progress.connect(() => signals++);
    store.setLoading('r1', 'loss', true);
    store.add('r1', 'loss', [p(0, 1, 1), p(1, 2, 1)]);
    store.add('r2', 'loss', [p(0, 1, 1)]);
    expect(store.chartData('loss', ['r1', 'r2']).loading?.points).toBe(2);
    expect(signals).toBe(2);
    store.setLoading('r1', 'loss', false);
    expect(store.chartData('loss', ['r1', 'r2']).loading).toBeNull();
    expect(signals).toBe(3);
  });

  it('keeps a million-point history whole by default', () => {
    expect(new MetricStore().maxPointsPerSeries).toBeGreaterThanOrEqual(
      1_000_000
    );
  });
});
