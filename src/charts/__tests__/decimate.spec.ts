import { decimate, IPoints } from '../decimate';

/** A deterministic pseudo-random generator (tests must not flake). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Per bucket of [x0, x1], brute force: finite min, max, and whether a non-finite y is there. */
function reference(p: IPoints, buckets: number, x0: number, x1: number) {
  const width = (x1 - x0) / buckets;
  const out = new Map<number, { min: number; max: number; gap: boolean }>();
  for (let i = 0; i < p.xs.length; i++) {
    const x = p.xs[i];
    if (x < x0 || x > x1) {
      continue;
    }
    const b = Math.min(buckets - 1, Math.floor((x - x0) / width));
    const e = out.get(b) ?? { min: Infinity, max: -Infinity, gap: false };
    const y = p.ys[i];
    if (Number.isFinite(y)) {
      e.min = Math.min(e.min, y);
      e.max = Math.max(e.max, y);
    } else {
      e.gap = true;
    }
    out.set(b, e);
  }
  return { out, width };
}

function check(p: IPoints, buckets: number, range?: [number, number]) {
  const n = p.xs.length;
  const [x0, x1] = range ?? [p.xs[0], p.xs[n - 1]];
  const d = decimate(p, buckets, range);
  // At most ~4 points per bucket (+ a few for edges and gaps).
  expect(d.xs.length).toBeLessThanOrEqual(5 * buckets + 2);
  // A subsequence of the input, in order.
  let j = 0;
  for (let i = 0; i < n && j < d.xs.length; i++) {
    if (
      p.xs[i] === d.xs[j] &&
      Object.is(p.ys[i], d.ys[j]) // NaN too
    ) {
      j++;
    }
  }
  expect(j).toBe(d.xs.length);
  // Every bucket's extremes and gaps survive.
  const { out, width } = reference(p, buckets, x0, x1);
  for (const [b, e] of out) {
    const inBucket = d.ys.filter((_, k) => {
      const x = d.xs[k];
      return (
        x >= x0 &&
        x <= x1 &&
        Math.min(buckets - 1, Math.floor((x - x0) / width)) === b
      );
    });
    if (e.min !== Infinity) {
      expect(inBucket).toContain(e.min);
      expect(inBucket).toContain(e.max);
    }
    expect(inBucket.some(y => !Number.isFinite(y))).toBe(e.gap);
  }
  return d;
}

describe('decimate (M4: first, min, max, last per pixel column)', () => {
  it('keeps every extreme, gap and the exact last value of random series', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const r = random(seed);
      const n = 2000 + Math.floor(r() * 20000);
      const xs: number[] = [];
      const ys: number[] = [];
      let x = 0;
      for (let i = 0; i < n; i++) {
        x += r() < 0.05 ? 0 : 1 + Math.floor(r() * 3); // duplicate steps too
        xs.push(x);
        const v = r();
        ys.push(
          v < 0.002 ? NaN : v < 0.003 ? Infinity : Math.sin(i / 50) + r()
        );
      }
      const d = check({ xs, ys }, 10 + Math.floor(r() * 300));
      expect(d.xs[d.xs.length - 1]).toBe(xs[n - 1]);
      expect(Object.is(d.ys[d.ys.length - 1], ys[n - 1])).toBe(true);
    }
  });

  it('keeps a single-point spike on a bucket edge of a million points', () => {
    const n = 1_000_000;
    const xs = new Float64Array(n);
    const ys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      xs[i] = i;
      ys[i] = 1;
    }
    const buckets = 800;
    const edge = Math.round((n - 1) / buckets) * 7; // on a bucket boundary
    ys[edge] = 1e6;
    ys[edge + 1] = -1e6;
    const d = check({ xs, ys }, buckets);
    expect(d.ys).toContain(1e6);
    expect(d.ys).toContain(-1e6);
    expect(d.xs.length).toBeLessThan(4 * buckets + 4);
  });

  it('refines a zoomed range from the full series, with one neighbour each side', () => {
    const xs = Array.from({ length: 100_000 }, (_, i) => i);
    const ys = xs.map(i => (i === 50_123 ? 99 : Math.cos(i)));
    const d = check({ xs, ys }, 100, [50_000, 50_300]);
    // 301 points in range: few enough to keep them all, plus the neighbours.
    expect(d.xs[0]).toBe(49_999);
    expect(d.xs[d.xs.length - 1]).toBe(50_301);
    expect(d.xs.length).toBe(303);
    expect(d.ys).toContain(99);
  });

  it('returns small and empty series as they are', () => {
    expect(decimate({ xs: [], ys: [] }, 10)).toEqual({ xs: [], ys: [] });
    expect(decimate({ xs: [1, 2], ys: [3, NaN] }, 10)).toEqual({
      xs: [1, 2],
      ys: [3, NaN]
    });
  });
});
