import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import { IRun } from '../api/mlflowTypes';
import { formatNumber } from './columns';
import { diffRuns, IDiffRow } from './compare';
import { CompareStats } from './compareStats';
import { bestOf, Statistic, STATISTICS } from './historyStats';
import { ICompareSeries, Loadable } from './browserModel';
import { RUN_COLORS } from '../charts/series';
import { metricLine, OverlayChart } from '../charts/OverlayChart';
import { CheckLabel, MetricSelect } from './controls';

/**
 * Compare runs: one metric's history of every run on one chart, and the params/metrics diff table
 * with differing rows highlighted (or shown alone).
 */
export function CompareView(props: {
  runs: IRun[];
  series: Loadable<ICompareSeries> | null;
  stats: CompareStats;
  trans: TranslationBundle;
  onMetric: (key: string) => void;
  onStatistic: (statistic: Statistic, shown: boolean) => void;
  onReadAll: () => void;
  onBack: () => void;
}): JSX.Element {
  const { runs, series, stats, trans } = props;
  const [onlyDiff, setOnlyDiff] = React.useState(false);
  const shown = stats.statistics;
  // Not memoised: the statistics arrive one history at a time into the same model.
  const rows = diffRuns(runs, {
    onlyDifferences: onlyDiff,
    statistics: shown,
    statOf: (run, key, statistic) => {
      const state = stats.get(run, key);
      if (state?.kind !== 'ready') {
        return undefined;
      }
      return statistic === 'best'
        ? bestOf(state.value, stats.lowerIsBetter(key)).value
        : state.value[statistic];
    }
  });
  const metricKeys = [
    ...new Set(runs.flatMap(r => r.data.metrics.map(m => m.key)))
  ].sort();
  const progress = stats.needsHistories
    ? stats.progress(runs, metricKeys)
    : { loading: 0, failed: 0, message: '' };
  const unread = stats.needsHistories
    ? Math.max(0, metricKeys.length - stats.keyLimit)
    : 0;
  const name = runName;
  // The same colour per run as Live Metrics, distinct among the compared runs.
  const colors = React.useMemo(
    () => RUN_COLORS.assign(runs.map(r => r.info.run_id)),
    [runs]
  );
  const lines = React.useMemo(
    () =>
      series?.kind === 'ready'
        ? series.value.series.map(s => ({
            ...metricLine(name(s.run), s.points),
            color: colors.get(s.run.info.run_id)
          }))
        : [],
    [series, colors]
  );
  return (
    <section
      className="jp-mlflow-Compare"
      aria-label={trans.__('Compare runs')}
    >
      <div className="jp-mlflow-Toolbar">
        <button
          className="jp-Button jp-mod-styled jp-mod-minimal"
          onClick={props.onBack}
        >
          {trans.__('← Back to runs')}
        </button>
        <span>
          {trans._n('Comparing %1 run', 'Comparing %1 runs', runs.length)}
        </span>
        <MetricSelect
          label={trans.__('Metric')}
          keys={metricKeys}
          value={series?.kind === 'ready' ? series.value.metricKey : undefined}
          onChange={props.onMetric}
        />
        <CheckLabel
          label={trans.__('Only differences')}
          checked={onlyDiff}
          onChange={setOnlyDiff}
        />
        <StatisticToggles
          shown={shown}
          trans={trans}
          onChange={props.onStatistic}
        />
      </div>
      {!runs.length ? (
        <div className="jp-mlflow-Muted">
          {trans.__(
            'Select runs in the table (Space or the check boxes), or pick the top N by a metric.'
          )}
        </div>
      ) : series?.kind === 'loading' ? (
        <div aria-busy="true">{trans.__('Loading metric histories…')}</div>
      ) : series?.kind === 'error' ? (
        <div className="jp-mlflow-Notice jp-mod-error" role="alert">
          {trans.__('Could not load metric histories: %1', series.message)}
        </div>
      ) : series?.kind === 'ready' && series.value.metricKey ? (
        <OverlayChart
          lines={lines}
          xLabel={trans.__('step')}
          yLabel={series.value.metricKey}
          trans={trans}
        />
      ) : null}
      {runs.length > 0 && progress.loading > 0 && (
        <div className="jp-mlflow-Muted" role="status" aria-busy="true">
          {trans._n(
            'Reading %1 metric history…',
            'Reading %1 metric histories…',
            progress.loading
          )}
        </div>
      )}
      {runs.length > 0 && unread > 0 && (
        <div className="jp-mlflow-Notice" role="status">
          {trans.__(
            'best, min and max are read for the first %1 of %2 metrics.',
            stats.keyLimit,
            metricKeys.length
          )}{' '}
          <button
            type="button"
            className="jp-Button jp-mod-styled jp-mod-minimal"
            onClick={props.onReadAll}
          >
            {trans._n(
              'Read the histories of all %1 metric',
              'Read the histories of all %1 metrics',
              metricKeys.length
            )}
          </button>
        </div>
      )}
      {runs.length > 0 && progress.failed > 0 && (
        <div className="jp-mlflow-Notice jp-mod-error" role="alert">
          {trans._n(
            'Could not read %1 metric history: %2',
            'Could not read %1 metric histories: %2',
            progress.failed,
            progress.message
          )}
        </div>
      )}
      {runs.length > 0 && (
        <DiffTable
          runs={runs}
          rows={rows}
          shown={shown}
          stats={stats}
          colors={colors}
          trans={trans}
        />
      )}
    </section>
  );
}

/** Which statistics the metric rows show: a group of toggle buttons. */
function StatisticToggles(props: {
  shown: Statistic[];
  trans: TranslationBundle;
  onChange: (statistic: Statistic, shown: boolean) => void;
}): JSX.Element {
  const { shown, trans } = props;
  const labels = statisticLabels(trans);
  return (
    <div
      className="jp-mlflow-StatToggles"
      role="group"
      aria-label={trans.__('Metric columns')}
    >
      {STATISTICS.map(statistic => {
        const on = shown.includes(statistic);
        return (
          <button
            key={statistic}
            type="button"
            className="jp-mlflow-StatToggle"
            aria-pressed={on}
            // The last shown statistic cannot be hidden.
            disabled={on && shown.length === 1}
            title={labels[statistic].help}
            onClick={() => props.onChange(statistic, !on)}
          >
            {labels[statistic].name}
          </button>
        );
      })}
    </div>
  );
}

/** The params/metrics diff: a column per run, split into the shown statistics for metrics. */
function DiffTable(props: {
  runs: IRun[];
  rows: IDiffRow[];
  shown: Statistic[];
  stats: CompareStats;
  colors: Map<string, string>;
  trans: TranslationBundle;
}): JSX.Element {
  const { runs, rows, shown, stats, colors, trans } = props;
  const labels = statisticLabels(trans);
  const span = shown.length;
  const hasMetrics = rows.some(r => r.kind === 'metric');
  return (
    <div className="jp-mlflow-DiffTable-wrap">
      <table
        className="jp-mlflow-DiffTable"
        aria-label={trans.__('Parameters and metrics')}
        data-statistics={shown.join(' ')}
      >
        <thead>
          <tr>
            <th scope="col" rowSpan={hasMetrics ? 2 : 1}>
              {trans.__('Key')}
            </th>
            {runs.map(run => (
              <th
                key={run.info.run_id}
                scope="colgroup"
                colSpan={span}
                title={run.info.run_id}
                className="jp-mlflow-DiffTable-run"
              >
                <span
                  className="jp-mlflow-Legend-swatch"
                  style={{ background: colors.get(run.info.run_id) }}
                />
                {runName(run)}
              </th>
            ))}
          </tr>
          {hasMetrics && (
            <tr className="jp-mlflow-DiffTable-stats">
              {runs.flatMap(run =>
                shown.map((statistic, j) => (
                  <th
                    key={`${run.info.run_id}:${statistic}`}
                    className={j === 0 ? 'jp-mod-group' : undefined}
                    scope="col"
                    title={labels[statistic].help}
                    data-statistic={statistic}
                  >
                    {labels[statistic].name}
                  </th>
                ))
              )}
            </tr>
          )}
        </thead>
        <tbody>
          {rows.map(row => (
            <tr
              key={`${row.kind}:${row.key}`}
              className={row.differs ? 'jp-mod-differs' : undefined}
              data-differs={row.differs}
              data-key={`${row.kind}:${row.key}`}
            >
              <th scope="row">
                <span className="jp-mlflow-Muted">
                  {row.kind === 'param'
                    ? trans.__('param')
                    : trans.__('metric')}
                </span>{' '}
                {row.key}
                {row.kind === 'metric' && shown.includes('best') && (
                  <DirectionButton
                    rowKey={row.key}
                    stats={stats}
                    trans={trans}
                  />
                )}
              </th>
              {row.kind === 'param'
                ? row.values.map((value, i) => (
                    <td key={i} colSpan={span} className="jp-mod-group">
                      {value === undefined ? '—' : value}
                    </td>
                  ))
                : runs.flatMap((run, i) =>
                    shown.map((statistic, j) => (
                      <MetricCell
                        key={`${i}:${statistic}`}
                        groupStart={j === 0}
                        run={run}
                        row={row}
                        index={i}
                        statistic={statistic}
                        stats={stats}
                        trans={trans}
                      />
                    ))
                  )}
            </tr>
          ))}
        </tbody>
      </table>
      {shown.some(s => s !== 'last') && (
        <p className="jp-mlflow-Muted jp-mlflow-DiffTable-note">
          {trans.__(
            'best, min and max cover every point of each run’s history; NaN and ±Inf values are skipped. last is the latest value. best is the min or the max by the metric’s direction (↓ lower is better, ↑ higher): the arrow beside the key switches it.'
          )}
        </p>
      )}
    </div>
  );
}

/** A metric row's direction: which of min and max is its best. */
function DirectionButton(props: {
  rowKey: string;
  stats: CompareStats;
  trans: TranslationBundle;
}): JSX.Element {
  const { rowKey, stats, trans } = props;
  const lower = stats.lowerIsBetter(rowKey);
  return (
    <button
      type="button"
      className="jp-mlflow-Direction"
      data-lower-is-better={lower}
      aria-label={
        lower
          ? trans.__('%1: lower is better; switch to higher is better', rowKey)
          : trans.__('%1: higher is better; switch to lower is better', rowKey)
      }
      title={lower ? trans.__('Lower is better') : trans.__('Higher is better')}
      onClick={() => stats.setLowerIsBetter(rowKey, !lower)}
    >
      {lower ? '↓' : '↑'}
    </button>
  );
}

/** One run's statistic of a metric: the value, or why there is none (loading, failed). */
function MetricCell(props: {
  run: IRun;
  row: IDiffRow;
  index: number;
  statistic: Statistic;
  /** The first column of the run's group (a rule to its left). */
  groupStart: boolean;
  stats: CompareStats;
  trans: TranslationBundle;
}): JSX.Element {
  const { run, row, index, statistic, stats, trans } = props;
  const value =
    statistic === 'last'
      ? (row.values[index] as number | undefined)
      : row.stats?.[statistic]?.[index];
  const first = props.groupStart ? ' jp-mod-group' : '';
  const state = statistic === 'last' ? undefined : stats.get(run, row.key);
  if (statistic !== 'last' && row.values[index] !== undefined && state) {
    if (state.kind === 'loading') {
      return (
        <td
          className={`jp-mlflow-Muted${first}`}
          aria-busy="true"
          title={trans.__('Reading the history…')}
          data-statistic={statistic}
        >
          …
        </td>
      );
    }
    if (state.kind === 'error') {
      return (
        <td
          className={`jp-mod-error${first}`}
          title={trans.__('Could not read the history: %1', state.message)}
          data-statistic={statistic}
        >
          {trans.__('error')}
        </td>
      );
    }
  }
  if (statistic !== 'last' && row.values[index] !== undefined && !state) {
    return (
      <td
        className={`jp-mlflow-Muted${first}`}
        data-statistic={statistic}
        title={trans.__('Not read yet: too many metrics (see above)')}
      >
        ·
      </td>
    );
  }
  if (value === undefined || (statistic !== 'last' && Number.isNaN(value))) {
    return (
      <td
        className={first.trim() || undefined}
        data-statistic={statistic}
        title={
          value === undefined ? undefined : trans.__('No finite value logged')
        }
      >
        —
      </td>
    );
  }
  let title = String(value);
  if (state?.kind === 'ready') {
    const h = state.value;
    const step =
      statistic === 'min'
        ? h.minStep
        : statistic === 'max'
          ? h.maxStep
          : bestOf(h, stats.lowerIsBetter(row.key)).step;
    title = trans.__(
      '%1 at step %2, of %3 points (%4 NaN/Inf skipped)',
      String(value),
      step,
      h.count,
      h.skipped
    );
    if (h.truncated) {
      title += ' ' + trans.__('(only the first pages were read)');
    }
  }
  return (
    <td
      className={`jp-mod-numeric${first}`}
      data-statistic={statistic}
      data-value={String(value)}
      title={title}
    >
      {formatNumber(value)}
    </td>
  );
}

function runName(run: IRun): string {
  return run.info.run_name || run.info.run_id;
}

/** Names and explanations of the statistics, translated. */
function statisticLabels(
  trans: TranslationBundle
): Record<Statistic, { name: string; help: string }> {
  return {
    last: {
      name: trans.__('last'),
      help: trans.__('The latest value logged (highest step)')
    },
    best: {
      name: trans.__('best'),
      help: trans.__(
        'The min or max of the whole history, by the metric’s direction; NaN/Inf skipped'
      )
    },
    min: {
      name: trans.__('min'),
      help: trans.__('The smallest value of the whole history; NaN/Inf skipped')
    },
    max: {
      name: trans.__('max'),
      help: trans.__('The largest value of the whole history; NaN/Inf skipped')
    }
  };
}
