import { nullTranslator } from '@jupyterlab/translation';
import * as React from 'react';
import { createRoot } from 'react-dom/client';
import { IDriftReport, IMonitorSummary } from '../../api/types';
import { MonitorModel } from '../monitorModel';
import { MonitorView } from '../MonitorView';

(
  globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }
).IS_REACT_ACT_ENVIRONMENT = true;

const trans = nullTranslator.load('test');

function summary(windowS: number, requests: number): IMonitorSummary {
  const latency = { p50: 4.2, p95: 9.5, p99: 30 };
  return {
    id: 'abcd1234',
    name: 'iris',
    state: 'ready',
    baseline: true,
    window_s: windowS,
    bucket_s: windowS / 2,
    requests,
    per_minute: requests / (windowS / 60),
    errors: 1,
    error_rate: 1 / requests,
    latency_ms: latency,
    ...latency,
    bytes_in: 100,
    bytes_out: 50,
    series: [
      { t: 1000, requests: requests - 1, errors: 0, ...latency },
      { t: 2000, requests: 1, errors: 1, p50: null, p95: null, p99: null }
    ],
    last_errors: [
      {
        t: 1999,
        status: 400,
        path: '/invocations',
        error: '{"error_code": "BAD_REQUEST"}'
      }
    ],
    sampled_rows: 3,
    limits: { rows_per_window: 1000, window_seconds: 60, rows_total: 20000 }
  };
}

const DRIFT: IDriftReport = {
  id: 'abcd1234',
  window_s: 3600,
  rows: 900,
  baseline: true,
  features: [
    {
      name: 'age',
      kind: 'numeric',
      rows: 900,
      missing: 0,
      null_rate: 0,
      baseline_null_rate: 0,
      method: 'ks',
      statistic: 0.3,
      p_value: 1e-12,
      threshold: 0.05,
      drifted: true,
      status: 'drift',
      out_of_range: 12,
      baseline: { quantiles: Array.from({ length: 101 }, (_, i) => i) },
      current: { quantiles: Array.from({ length: 101 }, (_, i) => i + 10) }
    },
    {
      name: 'city',
      kind: 'categorical',
      rows: 900,
      missing: 0,
      null_rate: 0.01,
      baseline_null_rate: 0,
      method: 'chi2',
      statistic: 1.2,
      p_value: 0.5,
      threshold: 0.05,
      drifted: false,
      status: 'no drift',
      unseen: 2,
      baseline: { counts: { north: 60, south: 40 }, other: 0 },
      current: { counts: { north: 50, south: 48, atlantis: 2 } }
    }
  ],
  prediction: null,
  drifted: ['age'],
  share_drifted: 0.5,
  dataset_drift: true,
  dataset_rule: 'drift when at least 50% of the tested features drift',
  methods: { ks: 'Kolmogorov–Smirnov, drift when p < 0.05' },
  min_rows: 30
};

function fakeClient(overrides: Partial<Record<string, any>> = {}) {
  const calls: string[] = [];
  return {
    calls,
    deploymentMonitor: async (id: string, w: number) => {
      calls.push(`monitor ${id} ${w}`);
      return summary(w, 10);
    },
    deploymentDrift: async (id: string, w: number) => {
      calls.push(`drift ${id} ${w}`);
      return DRIFT;
    },
    ...overrides
  };
}

describe('MonitorModel', () => {
  it('reads traffic and drift for the chosen window, and again when it changes', async () => {
    const client = fakeClient();
    const model = new MonitorModel({
      client,
      deploymentId: 'abcd1234',
      name: 'iris'
    });
    expect(model.summary.kind).toBe('loading');
    await model.refresh();
    expect(model.summary).toMatchObject({
      kind: 'ready',
      value: { requests: 10 }
    });
    expect(model.drift).toMatchObject({
      kind: 'ready',
      value: { drifted: ['age'] }
    });
    model.setWindow(900);
    await model.refresh();
    expect(client.calls).toEqual([
      'monitor abcd1234 3600',
      'drift abcd1234 3600',
      'monitor abcd1234 900',
      'drift abcd1234 900'
    ]);
    expect((model.summary as any).value.window_s).toBe(900);
  });

  it('shows an error as such, then recovers on the next read', async () => {
    let fail = true;
    const client = fakeClient({
      deploymentMonitor: async (_id: string, w: number) => {
        if (fail) {
          throw new Error('There is no deployment with this id');
        }
        return summary(w, 3);
      }
    });
    const model = new MonitorModel({
      client,
      deploymentId: 'abcd1234',
      name: 'iris'
    });
    await model.refresh();
    expect(model.summary).toEqual({
      kind: 'error',
      message: 'There is no deployment with this id'
    });
    fail = false;
    await model.refresh();
    expect(model.summary.kind).toBe('ready');
  });

  it('never reads twice at once, and stops polling when the handle is disposed', async () => {
    jest.useFakeTimers();
    try {
      const client = fakeClient();
      const model = new MonitorModel({
        client,
        deploymentId: 'abcd1234',
        name: 'iris',
        intervalMs: 1000
      });
      const first = model.refresh();
      const second = model.refresh();
      expect(second).toBe(first);
      await first;
      const watch = model.watch();
      await Promise.resolve();
      const before = client.calls.length;
      watch.dispose();
      jest.advanceTimersByTime(5000);
      await Promise.resolve();
      expect(client.calls.length).toBe(before);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('MonitorView', () => {
  it('shows the figures, the last error, the drifted feature and its distributions', async () => {
    const model = new MonitorModel({
      client: fakeClient(),
      deploymentId: 'abcd1234',
      name: 'iris'
    });
    await model.refresh();
    const container = document.createElement('div');
    document.body.appendChild(container);
    const root = createRoot(container);
    React.act(() => {
      root.render(<MonitorView model={model} trans={trans} />);
    });
    const text = (selector: string) =>
      container.querySelector(selector)?.textContent ?? '';
    expect(text('[data-figure="requests"]')).toContain('10');
    expect(text('[data-figure="latency"]')).toContain('4.20 / 9.50 / 30');
    expect(text('.jp-mlflow-Monitor-errors')).toContain('BAD_REQUEST');
    expect(text('[data-feature="age"]')).toContain('drift');
    expect(text('[data-feature="age"]')).toContain('12 out of range');
    expect(text('[data-feature="city"]')).toContain('2 unseen');
    expect(text('.jp-mlflow-Monitor-dataset')).toContain(
      '1 of 2 features drifted (50 %)'
    );

    // A click on a categorical feature shows its shares; an unseen value is marked.
    React.act(() => {
      (container.querySelector('[data-feature="city"]') as HTMLElement).click();
    });
    expect(text('[data-distribution="city"]')).toContain('atlantis');
    expect(
      container.querySelectorAll('[data-distribution="city"] .jp-mod-unseen')
    ).toHaveLength(1);
    React.act(() => root.unmount());
  });

  it('without a baseline says how to log one, and still checks the signature', async () => {
    const how = 'No baseline profile was found … log_baseline(X_train, …)';
    const quality = {
      rows: 4,
      columns: [
        {
          name: 'age',
          type: 'double',
          required: true,
          missing: 1,
          nulls: 1,
          type_errors: 1
        }
      ],
      extra_columns: ['colour'],
      problems: 2
    };
    const model = new MonitorModel({
      client: fakeClient({
        deploymentDrift: async () => ({
          id: 'x',
          window_s: 3600,
          rows: 4,
          baseline: null,
          how,
          quality
        })
      }),
      deploymentId: 'abcd1234',
      name: 'iris'
    });
    await model.refresh();
    const container = document.createElement('div');
    document.body.appendChild(container);
    const root = createRoot(container);
    React.act(() => {
      root.render(<MonitorView model={model} trans={trans} />);
    });
    expect(
      container.querySelector('[data-drift="no-baseline"]')?.textContent
    ).toBe(how);
    const row = container.querySelector('[data-column="age"]')!;
    expect([...row.querySelectorAll('td')].map(td => td.textContent)).toEqual([
      'double',
      '1',
      '1',
      '1'
    ]);
    expect(container.textContent).toContain(
      'Columns the model does not declare: colour'
    );
    React.act(() => root.unmount());
  });
});
