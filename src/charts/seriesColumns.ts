/**
 * One (run, metric) history as three columns — step, timestamp, value — in growable
 * `Float64Array`s, sorted by (step, timestamp) and free of exact duplicates.
 *
 * A million points cost 24 MB here, against ~150 MB as one JS object per point plus an identity
 * string in a `Set`. Duplicates (same step, timestamp and value; NaN equal to NaN, -0 equal to 0)
 * are found through the sort order: they sit next to each other among the points of equal
 * (step, timestamp), so no identity set is needed. Appending in order (the live push, a history
 * read from the start) is O(1) amortised; a batch that lands before the end is merged from the
 * back, moving only the points after its first one.
 */

/** One stored metric value. */
export interface IMetricPoint {
  step: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
  /** May be `NaN` or `±Infinity`. */
  value: number;
}

/** Equal as metric values: NaN equals NaN, and -0 equals 0 (`===`). */
export function sameValue(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}

export class SeriesColumns {
  /** Number of points held. */
  get length(): number {
    return this._n;
  }

  /** Whether the cap dropped points of this series (then older ones stay out). */
  get truncated(): boolean {
    return this._truncated;
  }

  /** Steps, ascending: a view of the column, valid until the next change (do not modify). */
  get steps(): Float64Array {
    return this._steps.subarray(0, this._n);
  }

  /** Timestamps in ms, in the points' (step, timestamp) order (a view, as `steps`). */
  get timestamps(): Float64Array {
    return this._times.subarray(0, this._n);
  }

  /** Values, in the points' order (a view, as `steps`). */
  get values(): Float64Array {
    return this._values.subarray(0, this._n);
  }

  /** The earliest timestamp held (Infinity when empty). */
  get minTime(): number {
    if (this._minTime === null) {
      let min = Infinity;
      for (let i = 0; i < this._n; i++) {
        if (this._times[i] < min) {
          min = this._times[i];
        }
      }
      this._minTime = min;
    }
    return this._minTime;
  }

  /** Whether the timestamps never decrease in (step, timestamp) order (the usual case). */
  get timeSorted(): boolean {
    if (this._timeSorted === null) {
      let sorted = true;
      for (let i = 1; i < this._n && sorted; i++) {
        sorted = this._times[i - 1] <= this._times[i];
      }
      this._timeSorted = sorted;
    }
    return this._timeSorted;
  }

  /** The i-th point as an object (for tests and small reads). */
  pointAt(i: number): IMetricPoint {
    return {
      step: this._steps[i],
      timestamp: this._times[i],
      value: this._values[i]
    };
  }

  /**
   * Seconds since `origin` (ms) of every point: the x of a relative-time axis. Kept and extended
   * as points are appended, so a live chart does not recompute a million of them per frame.
   *
   * @param origin - the time that is 0 s
   */
  relativeSeconds(origin: number): Float64Array {
    const n = this._n;
    let cache = this._relative;
    if (
      !cache ||
      cache.origin !== origin ||
      cache.revision !== this._revision ||
      cache.xs.length < n
    ) {
      const xs = new Float64Array(Math.max(16, this._steps.length));
      cache = { origin, revision: this._revision, xs, filled: 0 };
      this._relative = cache;
    }
    for (let i = cache.filled; i < n; i++) {
      cache.xs[i] = (this._times[i] - origin) / 1000;
    }
    cache.filled = n;
    return cache.xs.subarray(0, n);
  }

  /**
   * Add points; exact duplicates of held points (or of each other) are skipped.
   *
   * @param points - in any order
   * @returns how many were new
   */
  add(points: Iterable<IMetricPoint>): number {
    const batch = Array.isArray(points) ? points : Array.from(points);
    const m = batch.length;
    if (m === 0) {
      return 0;
    }
    // The batch in (step, timestamp) order; a stable sort keeps the arrival order of equal keys.
    let order: IMetricPoint[] = batch;
    for (let j = 1; j < m; j++) {
      if (before(batch[j], batch[j - 1])) {
        order = batch.slice().sort(compare);
        break;
      }
    }
    const n = this._n;
    // Where each new point goes (an index into the current columns), and the point.
    const at: number[] = [];
    const accepted: IMetricPoint[] = [];
    let floor = 0; // batch sorted: each position is at or after the previous one
    for (const p of order) {
      const { step, timestamp } = p;
      if (this._truncated && this._beforeFloor(step, timestamp)) {
        continue;
      }
      let pos: number;
      if (n === 0 || !this._keyBefore(step, timestamp, n - 1)) {
        pos = n; // at or after the last key: the live case, no search
      } else {
        pos = this._upperBound(step, timestamp, floor);
      }
      floor = pos;
      if (this._held(p, pos) || inBatch(p, accepted)) {
        continue;
      }
      at.push(pos);
      accepted.push(p);
    }
    const k = accepted.length;
    if (k === 0) {
      return 0;
    }
    this._reserve(n + k);
    const S = this._steps;
    const T = this._times;
    const V = this._values;
    if (at[0] === n) {
      for (let j = 0; j < k; j++) {
        const p = accepted[j];
        S[n + j] = p.step;
        T[n + j] = p.timestamp;
        V[n + j] = p.value;
      }
      if (this._timeSorted) {
        let last = n > 0 ? T[n - 1] : -Infinity;
        for (let j = n; j < n + k && this._timeSorted; j++) {
          this._timeSorted = last <= T[j];
          last = T[j];
        }
      }
    } else {
      // Merge from the back: held points from at[0] on move up, the new ones drop in.
      let i = n - 1;
      let w = n + k - 1;
      for (let j = k - 1; j >= 0; j--) {
        while (i >= at[j]) {
          S[w] = S[i];
          T[w] = T[i];
          V[w] = V[i];
          i--;
          w--;
        }
        const p = accepted[j];
        S[w] = p.step;
        T[w] = p.timestamp;
        V[w] = p.value;
        w--;
      }
      this._revision++;
      this._timeSorted = null;
    }
    this._n = n + k;
    if (this._minTime !== null) {
      for (const p of accepted) {
        if (p.timestamp < this._minTime) {
          this._minTime = p.timestamp;
        }
      }
    }
    return k;
  }

  /**
   * Keep only the newest `max` points (by step, then time); older points added later stay out.
   *
   * @returns whether points were dropped
   */
  cap(max: number): boolean {
    const over = this._n - Math.max(0, max);
    if (over <= 0) {
      return false;
    }
    this._steps.copyWithin(0, over, this._n);
    this._times.copyWithin(0, over, this._n);
    this._values.copyWithin(0, over, this._n);
    this._n -= over;
    this._truncated = true;
    this._revision++;
    this._minTime = null;
    this._timeSorted = null;
    return true;
  }

  /**
   * Give back the room kept for growth, when it is more than an eighth: a history read in
   * pages ends with up to twice the room it needs (doubling keeps appends O(1)).
   */
  compact(): void {
    const room = Math.max(1024, this._n >>> 3);
    if (this._steps.length > this._n + room) {
      const shrink = (old: Float64Array) => old.slice(0, this._n + room);
      this._steps = shrink(this._steps);
      this._times = shrink(this._times);
      this._values = shrink(this._values);
      this._relative = null;
    }
  }

  /** Room for this many points (for tests and memory figures). */
  get capacity(): number {
    return this._steps.length;
  }

  /** Whether (step, timestamp) sorts before the held point at index i. */
  private _keyBefore(step: number, timestamp: number, i: number): boolean {
    const s = this._steps[i];
    return step < s || (step === s && timestamp < this._times[i]);
  }

  /** Older than the oldest point kept after the cap dropped points. */
  private _beforeFloor(step: number, timestamp: number): boolean {
    return this._n > 0 && this._keyBefore(step, timestamp, 0);
  }

  /** The first index from `lo` whose key is after (step, timestamp). */
  private _upperBound(step: number, timestamp: number, lo: number): number {
    let hi = this._n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this._keyBefore(step, timestamp, mid)) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /** Whether a point equal to p is held: among the equal keys just before `pos`. */
  private _held(p: IMetricPoint, pos: number): boolean {
    for (let i = pos - 1; i >= 0; i--) {
      if (this._steps[i] !== p.step || this._times[i] !== p.timestamp) {
        return false;
      }
      if (sameValue(this._values[i], p.value)) {
        return true;
      }
    }
    return false;
  }

  private _reserve(size: number): void {
    if (size <= this._steps.length) {
      return;
    }
    // Doubling: appends cost O(1) amortised.
    const capacity = Math.max(size, 2 * this._steps.length, 16);
    const grow = (old: Float64Array) => {
      const next = new Float64Array(capacity);
      next.set(old.subarray(0, this._n));
      return next;
    };
    this._steps = grow(this._steps);
    this._times = grow(this._times);
    this._values = grow(this._values);
  }

  private _steps = new Float64Array(0);
  private _times = new Float64Array(0);
  private _values = new Float64Array(0);
  private _n = 0;
  private _truncated = false;
  /** Grows with each change that is not an append (cached derived columns are then stale). */
  private _revision = 0;
  private _minTime: number | null = Infinity;
  private _timeSorted: boolean | null = true;
  private _relative: {
    origin: number;
    revision: number;
    xs: Float64Array;
    filled: number;
  } | null = null;
}

function before(a: IMetricPoint, b: IMetricPoint): boolean {
  return a.step < b.step || (a.step === b.step && a.timestamp < b.timestamp);
}

function compare(a: IMetricPoint, b: IMetricPoint): number {
  return a.step - b.step || a.timestamp - b.timestamp;
}

/** Whether an accepted point of this batch equals p (they are sorted: look at its equal keys). */
function inBatch(p: IMetricPoint, accepted: IMetricPoint[]): boolean {
  for (let j = accepted.length - 1; j >= 0; j--) {
    const q = accepted[j];
    if (q.step !== p.step || q.timestamp !== p.timestamp) {
      return false;
    }
    if (sameValue(q.value, p.value)) {
      return true;
    }
  }
  return false;
}
