import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import { IRun } from '../api/mlflowTypes';
import { formatNumber } from './columns';
import { diffRuns } from './compare';
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
  trans: TranslationBundle;
  onMetric: (key: string) => void;
  onBack: () => void;
}): JSX.Element {
  const { runs, series, trans } = props;
  const [onlyDiff, setOnlyDiff] = React.useState(false);
  const rows = React.useMemo(
    () => diffRuns(runs, { onlyDifferences: onlyDiff }),
    [runs, onlyDiff]
  );
  const metricKeys = [
    ...new Set(runs.flatMap(r => r.data.metrics.map(m => m.key)))
  ].sort();
  const name = (run: IRun) => run.info.run_name || run.info.run_id;
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
      {runs.length > 0 && (
        <div className="jp-mlflow-DiffTable-wrap">
          <table
            className="jp-mlflow-DiffTable"
            aria-label={trans.__('Parameters and metrics')}
          >
            <thead>
              <tr>
                <th scope="col">{trans.__('Key')}</th>
                {runs.map(run => (
                  <th key={run.info.run_id} scope="col" title={run.info.run_id}>
                    <span
                      className="jp-mlflow-Legend-swatch"
                      style={{ background: colors.get(run.info.run_id) }}
                    />
                    {name(run)}
                  </th>
                ))}
              </tr>
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
                  </th>
                  {row.values.map((value, i) => (
                    <td
                      key={i}
                      className={
                        typeof value === 'number' ? 'jp-mod-numeric' : undefined
                      }
                    >
                      {value === undefined
                        ? '—'
                        : typeof value === 'number'
                          ? formatNumber(value)
                          : value}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
