/**
 * Put several series with their own x values onto one shared x axis, as uPlot wants its data:
 * `[xs, ys1, ys2, …]`, the union of every series' xs, ascending and without repeats.
 *
 * - A series with no point at some x gets `undefined` there (uPlot draws across it).
 * - A non-finite y (`NaN`, `±Infinity`) becomes `null` (uPlot draws a gap: it cannot scale to
 *   an infinite value).
 * - Several points of one series at the same x (MLflow allows a step to be logged twice): the
 *   last one given wins.
 *
 * @param series - each with `xs` ascending and `ys` of the same length
 * @returns the aligned columns, x first
 */
export function alignSeries(
  series: readonly { xs: ArrayLike<number>; ys: ArrayLike<number> }[]
): (number | null | undefined)[][] {
  const all = new Set<number>();
  for (const s of series) {
    for (let i = 0; i < s.xs.length; i++) {
      all.add(s.xs[i]);
    }
  }
  const xs = Array.from(all).sort((a, b) => a - b);
  const index = new Map<number, number>();
  xs.forEach((x, i) => index.set(x, i));
  const columns: (number | null | undefined)[][] = [xs];
  for (const s of series) {
    const ys: (number | null | undefined)[] = new Array(xs.length).fill(
      undefined
    );
    for (let i = 0; i < s.xs.length; i++) {
      const y = s.ys[i];
      ys[index.get(s.xs[i])!] = Number.isFinite(y) ? y : null;
    }
    columns.push(ys);
  }
  return columns;
}
