import type { IChartSeries, XKind } from './MetricChart';

/** The lowest and highest finite value and each series' last value, over an x range. */
export interface IReadout {
  min: number | null;
  max: number | null;
  /** Per series label: its last point in the range (NaN/±Infinity shown as such). */
  last: Array<{ label: string; x: number; y: number }>;
}

/**
 * Indices of `xs` inside `[lo, hi]` (all of them without a range). `xs` is ascending, so two
 * binary searches bound it: a million-point series costs two dozen comparisons.
 */
export function rangeOf(
  xs: ArrayLike<number>,
  zoom: [number, number] | null
): [number, number] {
  if (!zoom) {
    return [0, xs.length];
  }
  const lower = (value: number, strict: boolean) => {
    let lo = 0;
    let hi = xs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (strict ? xs[mid] <= value : xs[mid] < value) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  };
  return [lower(zoom[0], false), lower(zoom[1], true)];
}

/**
 * What the chart's readout says: min and max over every series (finite values only: a NaN or
 * an infinity is a gap, not an extreme) and the last point of each, within the shown range.
 */
export function readout(
  series: readonly IChartSeries[],
  zoom: [number, number] | null
): IReadout {
  let min = Infinity;
  let max = -Infinity;
  const last: IReadout['last'] = [];
  for (const s of series) {
    const [start, end] = rangeOf(s.xs, zoom);
    for (let i = start; i < end; i++) {
      const y = s.ys[i];
      if (Number.isFinite(y)) {
        if (y < min) {
          min = y;
        }
        if (y > max) {
          max = y;
        }
      }
    }
    if (end > start) {
      last.push({ label: s.label, x: s.xs[end - 1], y: s.ys[end - 1] });
    }
  }
  return {
    min: Number.isFinite(min) ? min : null,
    max: Number.isFinite(max) ? max : null,
    last
  };
}

/** The CSV header of each x axis. */
const CSV_X: Record<XKind, string> = {
  step: 'step',
  time: 'time',
  relative: 'seconds'
};

/**
 * The shown range's exact points as CSV (not the decimated ones drawn): one row per point,
 * `series,x,value`; x is the step, an ISO time for a wall-time axis, or the seconds since the
 * run's first point for a relative-time axis. Values keep every digit; NaN and infinities are
 * written as such. Labels are quoted when they need it.
 */
export function toCsv(
  series: readonly IChartSeries[],
  zoom: [number, number] | null,
  xKind: XKind
): string {
  const lines = [`series,${CSV_X[xKind]},value`];
  for (const s of series) {
    const label = csvField(s.label);
    const [start, end] = rangeOf(s.xs, zoom);
    for (let i = start; i < end; i++) {
      const x =
        xKind === 'time' ? new Date(s.xs[i]).toISOString() : String(s.xs[i]);
      lines.push(`${label},${x},${String(s.ys[i])}`);
    }
  }
  return lines.join('\n') + '\n';
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The exponential moving average of `ys` with `weight` (TensorBoard's smoothing), debiased by
 * 1 − weight^n so the start is not pulled towards 0. A NaN or an infinity stays a gap and does
 * not enter the average.
 */
export function ema(ys: ArrayLike<number>, weight: number): Float64Array {
  const out = new Float64Array(ys.length);
  let average = 0;
  let decay = 1;
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i];
    if (!Number.isFinite(y)) {
      out[i] = NaN;
      continue;
    }
    average = average * weight + (1 - weight) * y;
    decay *= weight;
    out[i] = average / (1 - decay);
  }
  return out;
}

/** A number for the readout: short, but never rounded to a different-looking value. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) {
    return String(value);
  }
  const abs = Math.abs(value);
  return abs !== 0 && (abs >= 1e6 || abs < 1e-3)
    ? Number(value.toExponential(4)).toExponential()
    : String(Number(value.toPrecision(6)));
}

/**
 * Offer a file to the browser as a download (no server round trip): CSV text, or a `data:` URL
 * (a canvas's PNG).
 */
export function download(name: string, content: string): void {
  const url = content.startsWith('data:')
    ? content
    : URL.createObjectURL(
        new Blob([content], { type: 'text/csv;charset=utf-8' })
      );
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  if (!content.startsWith('data:')) {
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}
