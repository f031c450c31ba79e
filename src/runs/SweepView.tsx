import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import { IRun } from '../api/mlflowTypes';
import { bestSoFar, metricOf } from './compare';
import { Loadable } from './browserModel';
import { OverlayChart } from '../charts/OverlayChart';
import { ParallelCoordinates } from '../charts/svg/ParallelCoordinates';
import { CheckLabel, MetricSelect } from './controls';
import { bandByStep, groupTrials } from './historyStats';
import { CompareStats } from './compareStats';
import { SweepHistories } from './sweepHistories';
import { IBandGroup, SweepBandChart } from './SweepBandChart';
import { PALETTE } from '../charts/OverlayChart';

/**
 * A sweep: the parent's children in the order they ran, the chosen metric per trial with its
 * best-so-far curve, the trials' histories as a mean curve over a min–max band by step
 * (optionally one band per value of a param), and parallel coordinates of params → metric.
 */
export function SweepView(props: {
  parent: IRun;
  state: Loadable<IRun[]>;
  /** The chosen metric (the model's, so that it reads the trials' histories of it). */
  metric: string;
  histories: SweepHistories;
  /** Each metric's direction (lower or higher is better). */
  directions: Pick<CompareStats, 'lowerIsBetter' | 'setLowerIsBetter'>;
  trans: TranslationBundle;
  onMetric: (key: string) => void;
  onClose: () => void;
}): JSX.Element {
  const { parent, state, trans } = props;
  const children = state.kind === 'ready' ? state.value : [];
  const keys = [
    ...new Set(children.flatMap(r => r.data.metrics.map(m => m.key)))
  ].sort();
  const key = props.metric;
  // Per metric, shared with the compare table: the user's choice, else a guess from the name
  // (accuracy up, loss down).
  const lower = props.directions.lowerIsBetter(key);
  const setLower = (value: boolean) =>
    props.directions.setLowerIsBetter(key, value);
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
          onChange={props.onMetric}
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
          <TrialBands
            histories={props.histories}
            metric={key}
            trials={children}
            trans={trans}
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
 * The trials' histories of the metric: mean and min–max per step, one band for all trials or one
 * per value of a chosen param.
 */
function TrialBands(props: {
  histories: SweepHistories;
  metric: string;
  trials: IRun[];
  trans: TranslationBundle;
}): JSX.Element | null {
  const { histories, metric, trans } = props;
  const [groupBy, setGroupBy] = React.useState('');
  // Params worth grouping by: they vary, over few enough values to tell the bands apart.
  const params = React.useMemo(() => {
    const values = new Map<string, Set<string>>();
    for (const run of props.trials) {
      for (const p of run.data.params) {
        values.set(p.key, (values.get(p.key) ?? new Set()).add(p.value));
      }
    }
    return [...values]
      .filter(([, v]) => v.size > 1 && v.size <= PALETTE.length)
      .map(([k]) => k)
      .sort();
  }, [props.trials]);
  const param = params.includes(groupBy) ? groupBy : '';
  const state = histories.key === metric ? histories.state : null;
  const groups = React.useMemo<IBandGroup[]>(() => {
    if (state?.kind !== 'ready') {
      return [];
    }
    return groupTrials(state.value.trials, param || null).map((g, i) => ({
      label:
        g.label === undefined
          ? param
            ? trans.__('%1 not set', param)
            : metric
          : `${param} = ${g.label}`,
      color: PALETTE[i % PALETTE.length],
      band: bandByStep(g.trials.map(t => t.values)),
      trials: g.trials.length
    }));
  }, [state, param, metric]);
  if (!metric) {
    return null;
  }
  return (
    <section
      className="jp-mlflow-SweepBands"
      aria-label={trans.__('Trials by step')}
    >
      <div className="jp-mlflow-Toolbar">
        <strong>{trans.__('Trials by step: mean and min–max')}</strong>
        {params.length > 0 && (
          <label>
            {trans.__('Group by')}{' '}
            <select
              className="jp-mlflow-Input"
              value={param}
              onChange={event => setGroupBy(event.target.value)}
            >
              <option value="">{trans.__('(all trials)')}</option>
              {params.map(p => (
                <option key={p} value={p}>
                  {trans.__('param %1', p)}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {!state || state.kind === 'loading' ? (
        <div aria-busy="true" role="status">
          {trans.__(
            'Reading the trials’ histories… %1 of %2',
            histories.progress.done,
            histories.progress.total
          )}
        </div>
      ) : state.kind === 'error' ? (
        <div className="jp-mlflow-Notice jp-mod-error" role="alert">
          {trans.__('Could not read the trials’ histories: %1', state.message)}
        </div>
      ) : (
        <>
          {state.value.failed > 0 && (
            <div className="jp-mlflow-Notice jp-mod-error" role="alert">
              {trans._n(
                'Could not read %1 trial’s history (left out): %2',
                'Could not read %1 trials’ histories (left out): %2',
                state.value.failed,
                state.value.message
              )}
            </div>
          )}
          {state.value.skipped > 0 && (
            <div className="jp-mlflow-Muted">
              {trans._n(
                'The first %2 trials are shown; %1 more is left out.',
                'The first %2 trials are shown; %1 more are left out.',
                state.value.skipped,
                SweepHistories.MAX_TRIALS
              )}
            </div>
          )}
          {state.value.truncated > 0 && (
            <div className="jp-mlflow-Muted">
              {trans._n(
                '%1 trial has more than %2 points: only the first %2 are counted.',
                '%1 trials have more than %2 points: only the first %2 are counted.',
                state.value.truncated,
                SweepHistories.MAX_POINTS
              )}
            </div>
          )}
          <SweepBandChart
            groups={groups}
            xLabel={trans.__('step')}
            yLabel={metric}
            trans={trans}
          />
          <p className="jp-mlflow-Muted jp-mlflow-DiffTable-note">
            {trans.__(
              'At each step, over the trials that logged it (the latest value per step); NaN and ±Inf are skipped.'
            )}
          </p>
        </>
      )}
    </section>
  );
}
