import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import { IRun } from '../../api/mlflowTypes';
import { formatNumber } from '../../runs/columns';
import { axisPosition, IAxis, parallelAxes } from '../../runs/compare';

/**
 * Parallel coordinates in SVG: one vertical axis per varying param and one for the metric, one
 * polyline per run coloured by its metric (best runs darkest).
 */
export function ParallelCoordinates(props: {
  runs: IRun[];
  metricKey: string;
  lowerIsBetter: boolean;
  trans: TranslationBundle;
}): JSX.Element {
  const { runs, metricKey, trans } = props;
  const axes = React.useMemo(
    () => parallelAxes(runs, metricKey),
    [runs, metricKey]
  );
  const width = Math.max(360, axes.length * 140);
  const height = 260;
  const top = 24;
  const bottom = 24;
  const x = (i: number) =>
    50 + (i * (width - 100)) / Math.max(1, axes.length - 1);
  const y = (p: number) => top + (1 - p) * (height - top - bottom);
  const metricAxis = axes[axes.length - 1];
  const paths = runs.map(run => {
    const points = axes.map((axis, i) => {
      const p = axisPosition(run, axis);
      return p === null ? null : `${x(i).toFixed(1)},${y(p).toFixed(1)}`;
    });
    const m = axisPosition(run, metricAxis);
    const goodness = m === null ? 0 : props.lowerIsBetter ? 1 - m : m;
    return {
      id: run.info.run_id,
      points: points.filter(Boolean).join(' '),
      goodness
    };
  });
  return (
    <svg
      className="jp-mlflow-Parallel"
      width={width}
      height={height}
      role="img"
      aria-label={trans.__('Parallel coordinates of %1 runs', runs.length)}
      data-line-count={paths.length}
    >
      {paths.map(p => (
        <polyline
          key={p.id}
          points={p.points}
          className="jp-mlflow-Parallel-line"
          style={{ opacity: 0.15 + 0.85 * p.goodness }}
        />
      ))}
      {axes.map((axis, i) => (
        <g
          key={axis.key}
          transform={`translate(${x(i)},0)`}
          className="jp-mlflow-Parallel-axis"
        >
          <line y1={top} y2={height - bottom} />
          <text y={14} textAnchor="middle">
            {axis.key}
          </text>
          <text y={height - 6} textAnchor="middle">
            {axisLabel(axis, 0)}
          </text>
          <text y={top - 2 + 12} x={4}>
            {axisLabel(axis, 1)}
          </text>
        </g>
      ))}
    </svg>
  );
}

function axisLabel(axis: IAxis, end: 0 | 1): string {
  if (!axis.numeric) {
    return axis.categories[end ? axis.categories.length - 1 : 0] ?? '';
  }
  return formatNumber(end ? axis.max : axis.min);
}
