/**
 * Fewer points, the same picture: per pixel column (bucket) of x, keep the first, the lowest,
 * the highest and the last point (M4). A line through them has, in every column, the same
 * extremes and the same entry and exit as the line through all points, so no spike is sampled
 * away and the last value is exact — unlike MLflow's UI, which draws a fixed sample.
 *
 * A non-finite y (NaN, ±Infinity: drawn as a gap) is kept too, the first of each column, so a gap
 * never disappears. The points just outside the range are kept, so the line runs to the edges.
 */

/** Points, `xs` ascending (equal xs allowed: a step logged twice). */
export interface IPoints {
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
}

/** The first index whose x is ≥ `x` (binary search; `xs` ascending). */
export function lowerBound(xs: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < x) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/** The first index whose x is > `x`. */
export function upperBound(xs: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] <= x) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/**
 * Decimate `points` to at most about 4 points per bucket over `range` (default: all of it).
 * Returns the points themselves (copied) when they are already few enough.
 *
 * @param points - the series
 * @param buckets - pixel columns (≥ 1)
 * @param range - the x range shown, e.g. a zoom; points outside it are dropped but for one
 *   neighbour on each side
 */
export function decimate(
  points: IPoints,
  buckets: number,
  range?: [number, number]
): { xs: number[]; ys: number[] } {
  const { xs, ys } = points;
  const n = xs.length;
  const [x0, x1] = range ?? [n ? xs[0] : 0, n ? xs[n - 1] : 0];
  // The visible points, and one neighbour on each side.
  const lo = Math.max(0, lowerBound(xs, x0) - 1);
  const hi = Math.min(n, upperBound(xs, x1) + 1);
  const outX: number[] = [];
  const outY: number[] = [];
  const take = (i: number) => {
    outX.push(xs[i]);
    outY.push(ys[i]);
  };
  buckets = Math.max(1, Math.floor(buckets));
  if (hi - lo <= 4 * buckets || !(x1 > x0)) {
    for (let i = lo; i < hi; i++) {
      take(i);
    }
    return { xs: outX, ys: outY };
  }
  const width = (x1 - x0) / buckets;
  const bucketOf = (x: number) =>
    x < x0
      ? -1
      : x > x1
        ? buckets
        : Math.min(buckets - 1, Math.floor((x - x0) / width));
  let current = NaN;
  let first = -1;
  let last = -1;
  let min = -1;
  let max = -1;
  let gap = -1;
  const flush = () => {
    if (first < 0) {
      return;
    }
    // In x order (index order), each once.
    const keep = [first, min, max, gap, last].filter(i => i >= 0);
    keep.sort((a, b) => a - b);
    let previous = -1;
    for (const i of keep) {
      if (i !== previous) {
        take(i);
        previous = i;
      }
    }
  };
  for (let i = lo; i < hi; i++) {
    const b = bucketOf(xs[i]);
    if (b !== current) {
      flush();
      current = b;
      first = i;
      min = -1;
      max = -1;
      gap = -1;
    }
    last = i;
    const y = ys[i];
    if (!Number.isFinite(y)) {
      if (gap < 0) {
        gap = i;
      }
      continue;
    }
    if (min < 0 || y < ys[min]) {
      min = i;
    }
    if (max < 0 || y > ys[max]) {
      max = i;
    }
  }
  flush();
  return { xs: outX, ys: outY };
}
