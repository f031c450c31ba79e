import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import type uPlot from 'uplot';
import { IMetric } from '../api/mlflowTypes';
import { RUN_PALETTE } from '../charts/series';

/** Line colours: the live charts' palette (the canvas needs colour values, not CSS variables). */
export const PALETTE = RUN_PALETTE;

/** One line of an overlay chart. */
export interface ILine {
  label: string;
  points: { x: number; y: number }[];
  /** A run's colour (`RUN_COLORS`), so it matches the other views; else by position. */
  color?: string;
}

/**
 * Put lines with different x values on one x axis (the sorted union), with null gaps.
 *
 * @param lines - the lines
 * @returns uPlot's aligned data: x values, then one y array per line
 */
export function alignLines(lines: ILine[]): (number | null)[][] {
  const xs = [...new Set(lines.flatMap(l => l.points.map(p => p.x)))].sort(
    (a, b) => a - b
  );
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = lines.map(line => {
    const y: (number | null)[] = new Array(xs.length).fill(null);
    for (const p of line.points) {
      y[index.get(p.x)!] = Number.isFinite(p.y) ? p.y : null;
    }
    return y;
  });
  return [xs, ...ys];
}

/**
 * Metric points as a line by step (the last value logged at a step wins).
 *
 * @param label - the legend text
 * @param points - the metric history
 */
export function metricLine(label: string, points: IMetric[]): ILine {
  const bySteps = new Map<number, number>();
  for (const p of [...points].sort((a, b) => a.timestamp - b.timestamp)) {
    bySteps.set(p.step, p.value);
  }
  return { label, points: [...bySteps].map(([x, y]) => ({ x, y })) };
}

/**
 * Several lines on one chart, drawn by uPlot, which is loaded only when a chart is first shown
 * (it stays out of the JavaScript loaded at JupyterLab start).
 */
export function OverlayChart(props: {
  lines: ILine[];
  xLabel: string;
  yLabel: string;
  trans: TranslationBundle;
  height?: number;
}): JSX.Element {
  const { lines, trans } = props;
  const node = React.useRef<HTMLDivElement>(null);
  const [error, setError] = React.useState('');
  React.useEffect(() => {
    let plot: uPlot | null = null;
    let cancelled = false;
    const host = node.current;
    if (!host) {
      return;
    }
    void import('uplot')
      .then(({ default: UPlot }) => {
        if (cancelled) {
          return;
        }
        const style = getComputedStyle(host);
        const ink =
          style.getPropertyValue('--jp-ui-font-color1').trim() || '#666';
        const grid =
          style.getPropertyValue('--jp-border-color2').trim() || '#ddd';
        const axis = {
          stroke: ink,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid }
        };
        const options: uPlot.Options = {
          width: Math.max(200, host.clientWidth || 600),
          height: props.height ?? 260,
          scales: { x: { time: false } },
          legend: { show: false },
          axes: [
            // Steps and trials are integers: no 0.5 ticks.
            { ...axis, label: props.xLabel, incrs: Private.INTEGER_STEPS },
            { ...axis, label: props.yLabel }
          ],
          series: [
            {},
            ...lines.map((line, i) => ({
              label: line.label,
              stroke: line.color ?? PALETTE[i % PALETTE.length],
              width: 1.5,
              spanGaps: true,
              points: { show: false }
            }))
          ]
        };
        plot = new UPlot(options, alignLines(lines) as uPlot.AlignedData, host);
      })
      .catch(reason => setError(String(reason)));
    const observer = new ResizeObserver(() => {
      if (plot && host.clientWidth) {
        plot.setSize({ width: host.clientWidth, height: props.height ?? 260 });
      }
    });
    observer.observe(host);
    return () => {
      cancelled = true;
      observer.disconnect();
      plot?.destroy();
    };
  }, [lines]);
  return (
    <figure className="jp-mlflow-OverlayChart" data-series-count={lines.length}>
      <div
        ref={node}
        className="jp-mlflow-OverlayChart-plot"
        role="img"
        aria-label={trans.__('%1 by %2', props.yLabel, props.xLabel)}
      />
      {error && (
        <div className="jp-mlflow-Notice jp-mod-error">
          {trans.__('Chart failed: %1', error)}
        </div>
      )}
      <figcaption>
        <ul className="jp-mlflow-Legend" aria-label={trans.__('Lines')}>
          {lines.map((line, i) => (
            <li key={i} className="jp-mlflow-Legend-item">
              <span
                className="jp-mlflow-Legend-swatch"
                style={{
                  background: line.color ?? PALETTE[i % PALETTE.length]
                }}
              />
              {line.label}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}

namespace Private {
  /** Tick spacings of an integer axis. */
  export const INTEGER_STEPS = [
    1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 100_000,
    1_000_000
  ];
}
