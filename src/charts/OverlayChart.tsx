import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import { IMetric } from '../api/mlflowTypes';
import { IChartSeries } from './MetricChart';
import { ReactMetricChart } from './ReactMetricChart';
import { RUN_PALETTE } from './series';

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
  return {
    label,
    points: [...bySteps].sort((a, b) => a[0] - b[0]).map(([x, y]) => ({ x, y }))
  };
}

/**
 * Several lines on one chart (run compare, a sweep's trials): the one uPlot wrapper, with integer
 * step ticks and a legend of swatches instead of uPlot's hover readout.
 */
export function OverlayChart(props: {
  lines: ILine[];
  xLabel: string;
  yLabel: string;
  trans: TranslationBundle;
  height?: number;
}): JSX.Element {
  const { lines, trans } = props;
  const series = React.useMemo<IChartSeries[]>(
    () =>
      lines.map((line, i) => ({
        label: line.label,
        color: line.color ?? PALETTE[i % PALETTE.length],
        xs: line.points.map(p => p.x),
        ys: line.points.map(p => p.y)
      })),
    [lines]
  );
  const options = {
    title: trans.__('%1 by %2', props.yLabel, props.xLabel),
    yLabel: props.yLabel,
    xLabels: { step: props.xLabel, time: props.xLabel },
    height: props.height ?? 260,
    legend: false,
    integerX: true
  };
  return (
    <figure className="jp-mlflow-OverlayChart" data-series-count={lines.length}>
      <ReactMetricChart
        className="jp-mlflow-OverlayChart-plot"
        series={series}
        options={options}
      />
      <figcaption>
        <ul className="jp-mlflow-Legend" aria-label={trans.__('Lines')}>
          {series.map((line, i) => (
            <li key={i} className="jp-mlflow-Legend-item">
              <span
                className="jp-mlflow-Legend-swatch"
                style={{ background: line.color }}
              />
              {line.label}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
