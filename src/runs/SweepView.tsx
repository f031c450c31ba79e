import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import { IRun } from '../api/mlflowTypes';
import { formatNumber } from './columns';
import {
  axisPosition,
  bestSoFar,
  IAxis,
  metricOf,
  parallelAxes
} from './compare';
import { Loadable } from './browserModel';
import { OverlayChart } from '../charts/OverlayChart';
import { CheckLabel, MetricSelect } from './controls';

/**
 * A sweep: the parent's children in the order they ran, the chosen metric per trial with its
 * best-so-far curve, and parallel coordinates of params → metric.
 */
export function SweepView(props: {
  parent: IRun;
  state: Loadable<IRun[]>;
  trans: TranslationBundle;
  onClose: () => void;
}): JSX.Element {
  const { parent, state, trans } = props;
  const children = state.kind === 'ready' ? state.value : [];
  const keys = [
    ...new Set(children.flatMap(r => r.data.metrics.map(m => m.key)))
  ].sort();
  const [metric, setMetric] = React.useState<string>('');
  const [lower, setLower] = React.useState(true);
  const key = keys.includes(metric) ? metric : (keys[0] ?? '');
  const lines = React.useMemo(() => {
    const values = children.map(r => metricOf(r, key));
    const best = bestSoFar(values, lower);
    return [
      { label: key, points: values.map((y, x) => ({ x: x + 1, y })) },
      {
        label: trans.__('best so far'),
        points: best.map((y, x) => ({ x: x + 1, y }))
      }
    ];
  }, [children, key, lower]);
  return (
    <section className="jp-mlflow-Sweep" aria-label={trans.__('Sweep')}>
      <div className="jp-mlflow-Toolbar">
        <button
          className="jp-Button jp-mod-styled jp-mod-minimal"
          onClick={props.onClose}
        >
          {trans.__('← Back to runs')}
        </button>
        <strong>
          {trans.__('Sweep %1', parent.info.run_name || parent.info.run_id)}
        </strong>
        {state.kind === 'ready' && (
          <span>{trans._n('%1 trial', '%1 trials', children.length)}</span>
        )}
        <MetricSelect
          label={trans.__('Metric')}
          keys={keys}
          value={key}
          onChange={setMetric}
        />
        <CheckLabel
          label={trans.__('Lower is better')}
          checked={lower}
          onChange={setLower}
        />
      </div>
      {state.kind === 'loading' ? (
        <div aria-busy="true">{trans.__('Loading the trials…')}</div>
      ) : state.kind === 'error' ? (
        <div className="jp-mlflow-Notice jp-mod-error" role="alert">
          {trans.__('Could not load the trials: %1', state.message)}
        </div>
      ) : !children.length ? (
        <div className="jp-mlflow-Muted">
          {trans.__('This run has no child runs.')}
        </div>
      ) : (
        <>
          <OverlayChart
            lines={lines}
            xLabel={trans.__('trial')}
            yLabel={key}
            trans={trans}
            height={200}
          />
          <ParallelCoordinates
            runs={children}
            metricKey={key}
            lowerIsBetter={lower}
            trans={trans}
          />
        </>
      )}
    </section>
  );
}

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
