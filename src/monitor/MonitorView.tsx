import { TranslationBundle } from '@jupyterlab/translation';
import { UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';
import {
  IDriftReport,
  IFeatureDrift,
  IMonitorSummary,
  ISignatureQuality
} from '../api/types';
import { IChartSeries } from '../charts/MetricChart';
import { ReactMetricChart } from '../charts/ReactMetricChart';
import { MonitorModel, WINDOWS } from './monitorModel';

// Canvas needs real colours (CSS variables do not reach it); these read on light and dark.
const BLUE = '#1f77b4';
const RED = '#d62728';
const ORANGE = '#ff7f0e';
const GREEN = '#2ca02c';

/**
 * A deployment's Monitor view: traffic, latency and errors over the chosen window, then drift
 * and data quality against the training baseline. Renders `MonitorModel`; holds no state of its
 * own beyond what React needs.
 */
export function MonitorView(props: {
  model: MonitorModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  return (
    <UseSignal signal={model.changed}>
      {() => (
        <div className="jp-mlflow-Monitor" aria-busy={model.busy}>
          <div className="jp-mlflow-Monitor-header">
            <h2>{trans.__('Monitor — %1', model.name)}</h2>
            <label>
              {trans.__('Window')}{' '}
              <select
                value={model.windowS}
                onChange={e => model.setWindow(Number(e.target.value))}
              >
                {WINDOWS.map(w => (
                  <option key={w} value={w}>
                    {windowLabel(w, trans)}
                  </option>
                ))}
              </select>
            </label>
            <button
              className="jp-Button jp-mod-styled jp-mod-minimal"
              onClick={() => void model.refresh()}
            >
              {model.busy ? trans.__('Reading…') : trans.__('Refresh')}
            </button>
          </div>
          <Traffic model={model} trans={trans} />
          <Drift model={model} trans={trans} />
        </div>
      )}
    </UseSignal>
  );
}

function Traffic(props: {
  model: MonitorModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const value = model.summary;
  if (value.kind === 'loading') {
    return <div aria-busy="true">{trans.__('Reading the requests…')}</div>;
  }
  if (value.kind === 'error') {
    return (
      <div className="jp-mlflow-Notice jp-mod-error" role="alert">
        {trans.__('Could not read the requests: %1', value.message)}
      </div>
    );
  }
  const s = value.value;
  return (
    <section
      className="jp-mlflow-Monitor-traffic"
      aria-label={trans.__('Requests')}
    >
      <div className="jp-mlflow-Monitor-figures">
        <Figure
          name="requests"
          label={trans.__('Requests')}
          value={String(s.requests)}
          detail={trans.__('%1 per minute', s.per_minute.toFixed(2))}
        />
        <Figure
          name="errors"
          label={trans.__('Errors')}
          value={String(s.errors)}
          detail={trans.__('%1 % of requests', (s.error_rate * 100).toFixed(1))}
        />
        <Figure
          name="latency"
          label={trans.__('Latency p50 / p95 / p99')}
          value={[s.latency_ms.p50, s.latency_ms.p95, s.latency_ms.p99]
            .map(ms)
            .join(' / ')}
          detail={trans.__('milliseconds, request in to answer out')}
        />
        <Figure
          name="sampled"
          label={trans.__('Sampled rows')}
          value={String(s.sampled_rows)}
          detail={trans.__(
            'at most %1 per %2 s, %3 kept',
            s.limits.rows_per_window,
            s.limits.window_seconds,
            s.limits.rows_total
          )}
        />
      </div>
      {s.requests === 0 ? (
        <div className="jp-mlflow-Muted">
          {trans.__(
            'No request in this window. Calls to the scoring URI from anywhere (Call endpoint, a kernel, curl) appear here.'
          )}
        </div>
      ) : (
        <div className="jp-mlflow-Monitor-charts">
          <div className="jp-mlflow-Monitor-chart" data-chart="requests">
            <ReactMetricChart
              series={trafficSeries(s, trans)}
              xKind="time"
              options={{
                title: trans.__('Requests per bucket'),
                yLabel: trans.__('requests'),
                height: 160
              }}
            />
          </div>
          <div className="jp-mlflow-Monitor-chart" data-chart="latency">
            <ReactMetricChart
              series={latencySeries(s)}
              xKind="time"
              options={{
                title: trans.__('Latency (ms)'),
                yLabel: trans.__('ms'),
                height: 160
              }}
            />
          </div>
        </div>
      )}
      {s.last_errors.length ? (
        <table className="jp-mlflow-Monitor-errors">
          <caption>{trans.__('Last errors')}</caption>
          <thead>
            <tr>
              <th>{trans.__('Time')}</th>
              <th>{trans.__('Status')}</th>
              <th>{trans.__('Answer')}</th>
            </tr>
          </thead>
          <tbody>
            {s.last_errors.map(e => (
              <tr key={`${e.t}-${e.status}`}>
                <td>{new Date(e.t * 1000).toLocaleTimeString()}</td>
                <td>{e.status}</td>
                <td>
                  <code>{e.error ?? ''}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function Figure(props: {
  name: string;
  label: string;
  value: string;
  detail: string;
}): JSX.Element {
  return (
    <div className="jp-mlflow-Monitor-figure" data-figure={props.name}>
      <div className="jp-mlflow-Monitor-figureLabel">{props.label}</div>
      <div className="jp-mlflow-Monitor-figureValue">{props.value}</div>
      <div className="jp-mlflow-Muted">{props.detail}</div>
    </div>
  );
}

function Drift(props: {
  model: MonitorModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const value = model.drift;
  let body: JSX.Element;
  if (value.kind === 'loading') {
    body = (
      <div aria-busy="true">{trans.__('Comparing with the baseline…')}</div>
    );
  } else if (value.kind === 'error') {
    body = (
      <div className="jp-mlflow-Notice jp-mod-error" role="alert">
        {trans.__('Could not compute drift: %1', value.message)}
      </div>
    );
  } else if (value.value.baseline === null || value.value.error) {
    body = (
      <div className="jp-mlflow-Notice" data-drift="no-baseline">
        {value.value.how ?? value.value.error}
      </div>
    );
  } else {
    body = <DriftTable report={value.value} model={model} trans={trans} />;
  }
  const quality = value.kind === 'ready' ? value.value.quality : null;
  return (
    <section
      className="jp-mlflow-Monitor-drift"
      aria-label={trans.__('Drift against the training data')}
    >
      <h3>{trans.__('Drift against the training data')}</h3>
      {body}
      {quality ? <SignatureQuality quality={quality} trans={trans} /> : null}
    </section>
  );
}

/** Missing columns, nulls and wrong types against what the model's signature declares. */
function SignatureQuality(props: {
  quality: ISignatureQuality;
  trans: TranslationBundle;
}): JSX.Element {
  const { quality: q, trans } = props;
  return (
    <div className="jp-mlflow-Monitor-quality" data-problems={q.problems}>
      <h3>{trans.__("Inputs against the model's signature")}</h3>
      <table>
        <thead>
          <tr>
            <th>{trans.__('Column')}</th>
            <th>{trans.__('Type')}</th>
            <th>{trans.__('Missing')}</th>
            <th>{trans.__('Nulls')}</th>
            <th>{trans.__('Wrong type')}</th>
          </tr>
        </thead>
        <tbody>
          {q.columns.map(c => (
            <tr key={c.name} data-column={c.name}>
              <th scope="row">{c.name}</th>
              <td>{c.type}</td>
              <td>{c.missing}</td>
              <td>{c.nulls}</td>
              <td>{c.type_errors}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {q.extra_columns.length ? (
        <div className="jp-mlflow-Notice jp-mod-warning">
          {trans.__(
            'Columns the model does not declare: %1',
            q.extra_columns.join(', ')
          )}
        </div>
      ) : null}
    </div>
  );
}

function DriftTable(props: {
  report: IDriftReport;
  model: MonitorModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { report, model, trans } = props;
  const features = [
    ...(report.features ?? []),
    ...(report.prediction ? [report.prediction] : [])
  ];
  const tested = (report.features ?? []).filter(f => f.drifted !== null);
  const selected = features.find(f => f.name === model.selectedFeature);
  return (
    <>
      <p
        className="jp-mlflow-Monitor-dataset"
        data-dataset-drift={String(report.dataset_drift)}
      >
        {report.share_drifted === null || report.share_drifted === undefined
          ? trans.__(
              '%1 rows sampled; each test needs at least %2.',
              report.rows,
              report.min_rows ?? 0
            )
          : trans.__(
              '%1 of %2 features drifted (%3 %) over %4 sampled rows: %5. Rule: %6.',
              (report.drifted ?? []).length,
              tested.length,
              Math.round(report.share_drifted * 100),
              report.rows,
              report.dataset_drift
                ? trans.__('dataset drift')
                : trans.__('no dataset drift'),
              report.dataset_rule ?? ''
            )}
      </p>
      <table className="jp-mlflow-Monitor-features">
        <thead>
          <tr>
            <th>{trans.__('Feature')}</th>
            <th>{trans.__('Test')}</th>
            <th>{trans.__('Statistic')}</th>
            <th>{trans.__('Drift')}</th>
            <th>{trans.__('Nulls')}</th>
            <th>{trans.__('Outside baseline')}</th>
          </tr>
        </thead>
        <tbody>
          {features.map(f => (
            <tr
              key={
                f.name === 'prediction' && f === report.prediction
                  ? '\0prediction'
                  : f.name
              }
              data-feature={f.name}
              data-status={f.status}
              aria-selected={f.name === model.selectedFeature}
              tabIndex={0}
              onClick={() => model.selectFeature(f.name)}
              onKeyDown={e => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  model.selectFeature(f.name);
                }
              }}
            >
              <th scope="row">
                {f === report.prediction ? trans.__('(prediction)') : f.name}
              </th>
              <td title={f.method ? report.methods?.[f.method] : undefined}>
                {f.method ?? '—'}
              </td>
              <td>{statistic(f)}</td>
              <td
                className={`jp-mlflow-Monitor-status jp-mod-${f.status.replace(/ /g, '-')}`}
              >
                {statusLabel(f, trans)}
              </td>
              <td>{percent(f.null_rate)}</td>
              <td>{outside(f, trans)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {report.extra_columns?.length ? (
        <div className="jp-mlflow-Notice jp-mod-warning">
          {trans.__(
            'Columns the baseline does not have: %1',
            report.extra_columns.join(', ')
          )}
        </div>
      ) : null}
      {selected ? <Distributions feature={selected} trans={trans} /> : null}
    </>
  );
}

/** Baseline against current: quantile functions (numeric) or shares per category. */
function Distributions(props: {
  feature: IFeatureDrift;
  trans: TranslationBundle;
}): JSX.Element {
  const { feature: f, trans } = props;
  if (f.kind === 'numeric') {
    const xs = Array.from({ length: 101 }, (_, i) => i);
    const series: IChartSeries[] = [];
    if (f.baseline?.quantiles) {
      series.push({
        label: trans.__('baseline'),
        color: BLUE,
        xs,
        ys: f.baseline.quantiles
      });
    }
    if (f.current?.quantiles) {
      series.push({
        label: trans.__('current'),
        color: ORANGE,
        xs,
        ys: f.current.quantiles
      });
    }
    return (
      <div
        className="jp-mlflow-Monitor-distribution"
        data-distribution={f.name}
      >
        <h4>{trans.__('%1: value at each percentile', f.name)}</h4>
        <ReactMetricChart
          series={series}
          options={{
            title: trans.__('%1 quantiles', f.name),
            yLabel: f.name,
            xLabels: { step: trans.__('percentile'), time: '' },
            height: 180
          }}
        />
      </div>
    );
  }
  const base = f.baseline?.counts ?? {};
  const now = f.current?.counts ?? {};
  const baseTotal =
    Object.values(base).reduce((a, b) => a + b, 0) + (f.baseline?.other ?? 0);
  const nowTotal = Object.values(now).reduce((a, b) => a + b, 0);
  const labels = [
    ...new Set([...Object.keys(base), ...Object.keys(now)])
  ].slice(0, 30);
  return (
    <div className="jp-mlflow-Monitor-distribution" data-distribution={f.name}>
      <h4>{trans.__('%1: share of each value', f.name)}</h4>
      <table className="jp-mlflow-Monitor-shares">
        <thead>
          <tr>
            <th>{trans.__('Value')}</th>
            <th>{trans.__('Baseline')}</th>
            <th>{trans.__('Current')}</th>
          </tr>
        </thead>
        <tbody>
          {labels.map(label => {
            const b = baseTotal ? (base[label] ?? 0) / baseTotal : 0;
            const c = nowTotal ? (now[label] ?? 0) / nowTotal : 0;
            return (
              <tr key={label}>
                <th scope="row">{label}</th>
                <td>
                  <Bar share={b} kind="baseline" />
                </td>
                <td>
                  <Bar share={c} kind={label in base ? 'seen' : 'unseen'} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function Bar(props: {
  share: number;
  kind: 'baseline' | 'seen' | 'unseen';
}): JSX.Element {
  return (
    <span className="jp-mlflow-Monitor-bar">
      <span className="jp-mlflow-Monitor-barTrack">
        <span
          className={`jp-mlflow-Monitor-barFill jp-mod-${props.kind}`}
          style={{ width: `${Math.round(props.share * 100)}%` }}
        />
      </span>
      {(props.share * 100).toFixed(1)} %
    </span>
  );
}

function trafficSeries(
  s: IMonitorSummary,
  trans: TranslationBundle
): IChartSeries[] {
  const xs = s.series.map(p => p.t * 1000);
  return [
    {
      label: trans.__('requests'),
      color: BLUE,
      xs,
      ys: s.series.map(p => p.requests)
    },
    {
      label: trans.__('errors'),
      color: RED,
      xs,
      ys: s.series.map(p => p.errors)
    }
  ];
}

function latencySeries(s: IMonitorSummary): IChartSeries[] {
  const xs = s.series.map(p => p.t * 1000);
  const pick = (k: 'p50' | 'p95' | 'p99') => s.series.map(p => p[k] ?? NaN);
  return [
    { label: 'p50', color: GREEN, xs, ys: pick('p50') },
    { label: 'p95', color: ORANGE, xs, ys: pick('p95') },
    { label: 'p99', color: RED, xs, ys: pick('p99') }
  ];
}

function ms(value: number | null): string {
  return value === null
    ? '—'
    : value < 10
      ? value.toFixed(2)
      : value.toFixed(0);
}

function percent(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)} %`;
}

function statistic(f: IFeatureDrift): string {
  if (f.method === 'ks' || f.method === 'chi2') {
    return f.p_value === null ? '—' : `p = ${f.p_value.toPrecision(3)}`;
  }
  return f.statistic === null ? '—' : f.statistic.toFixed(3);
}

function statusLabel(f: IFeatureDrift, trans: TranslationBundle): string {
  switch (f.status) {
    case 'drift':
      return trans.__('drift');
    case 'no drift':
      return trans.__('no drift');
    default:
      return trans.__('too few rows');
  }
}

function outside(f: IFeatureDrift, trans: TranslationBundle): string {
  const parts: string[] = [];
  if (f.out_of_range) {
    parts.push(trans.__('%1 out of range', f.out_of_range));
  }
  if (f.unseen) {
    parts.push(trans.__('%1 unseen', f.unseen));
  }
  if (f.type_errors) {
    parts.push(trans.__('%1 wrong type', f.type_errors));
  }
  if (f.missing) {
    parts.push(trans.__('%1 missing', f.missing));
  }
  return parts.join(', ') || '—';
}

function windowLabel(seconds: number, trans: TranslationBundle): string {
  if (seconds < 3600) {
    return trans.__('last %1 minutes', seconds / 60);
  }
  if (seconds < 86400) {
    return trans._n('last hour', 'last %1 hours', seconds / 3600);
  }
  return trans._n('last day', 'last %1 days', seconds / 86400);
}
