import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import { IRun } from '../api/mlflowTypes';
import { bestSoFar, metricOf } from './compare';
import { Loadable } from './browserModel';
import { OverlayChart } from '../charts/OverlayChart';
import { ParallelCoordinates } from '../charts/svg/ParallelCoordinates';
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
