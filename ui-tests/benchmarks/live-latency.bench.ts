/**
 * log→pixel latency of the Live metrics view (see live-latency.config.js for how to run it).
 *
 * A cell logs N values with short sleeps; MLflow stamps each with the kernel's wall time. In the
 * page, a MutationObserver notes the wall time whenever a chart's `data-point-count` changes,
 * which the chart sets in the animation frame in which it hands the new points to uPlot (the
 * canvas is painted at the end of that same frame). Per point: draw time − logged timestamp
 * (browser and kernel share this machine's clock). Push: the Connected setup cell's kernel push;
 * poll: the same kernel after `live.deactivate()` (the push is off), so only the view's poll
 * (default interval 2 s) brings the values.
 */
import { expect, test } from '@jupyterlab/galata';
import { addServerWorkspace } from '../tests/fixtures';

const MLFLOW_URL = 'http://127.0.0.1:5077';
const VIEW_ID = 'jp-mlflow-live-metrics';
const N = Number(process.env.LIVE_BENCH_POINTS || 200);
const SLEEP = Number(process.env.LIVE_BENCH_SLEEP || 0.05);

function loop(key: string): string {
  return [
    'import time',
    'import mlflow',
    `with mlflow.start_run(run_name=${JSON.stringify(key)}) as run:`,
    `    for i in range(${N}):`,
    `        mlflow.log_metric(${JSON.stringify(key)}, float(i), step=i)`,
    `        time.sleep(${SLEEP})`,
    `print("DONE", ${JSON.stringify(key)}, run.info.run_id)`
  ].join('\n');
}

function percentile(sorted: number[], p: number): number {
  const i = Math.min(
    sorted.length - 1,
    Math.ceil((p / 100) * sorted.length) - 1
  );
  return sorted[Math.max(0, i)];
}

test('log→pixel latency, push and poll', async ({ page }) => {
  test.setTimeout(900_000);
  await page.route(/\/mlflow-workspace\//, route => route.continue());
  await page.evaluate(() =>
    window.jupyterapp.commands.execute('mlflow-workspace:refresh-status')
  );
  await page.notebook.createNew('live-latency.ipynb');
  await addServerWorkspace(page, 'Latency bench', MLFLOW_URL);
  await page.evaluate(() =>
    window.jupyterapp.commands.execute('mlflow-workspace:insert-setup-cell', {
      variant: 'connected'
    })
  );
  const sources = [
    loop('push_latency'),
    [
      'from jupyterlab_mlflow_workspace import live',
      'live.deactivate()',
      'print("PUSH", live.status()["active"])'
    ].join('\n'),
    loop('poll_latency')
  ];
  await page.evaluate(sources => {
    const nb = (window as any).jupyterapp.shell.currentWidget;
    sources.forEach((source: string, i: number) =>
      nb.model.sharedModel.insertCell(2 + i, { cell_type: 'code', source })
    );
  }, sources);
  await page.notebook.runCell(1);
  await page.evaluate(() =>
    window.jupyterapp.commands.execute('mlflow-workspace:open-live-metrics')
  );
  await expect(page.locator(`#${VIEW_ID}`)).toBeVisible();

  // Note every change of a chart's point count, with the wall time.
  await page.evaluate(() => {
    const events: { key: string; count: number; t: number }[] = [];
    (window as any).__liveDraws = events;
    new MutationObserver(records => {
      const t = Date.now();
      for (const r of records) {
        const el = r.target as HTMLElement;
        const key = el
          .closest('[data-metric-key]')
          ?.getAttribute('data-metric-key');
        if (key) {
          events.push({ key, count: Number(el.dataset.pointCount), t });
        }
      }
    }).observe(document.body, {
      subtree: true,
      attributes: true,
      attributeFilter: ['data-point-count']
    });
  });

  const figures: string[] = [];
  for (const [index, key] of [
    [2, 'push_latency'],
    [4, 'poll_latency']
  ] as const) {
    if (key === 'poll_latency') {
      await page.notebook.runCell(3);
      await expect(
        page.locator('.jp-OutputArea-output', { hasText: 'PUSH False' })
      ).toBeVisible();
    }
    await page.notebook.runCell(index);
    const done = page.locator('.jp-OutputArea-output', {
      hasText: `DONE ${key}`
    });
    await expect(done).toBeVisible({ timeout: 600_000 });
    const text = (await done.textContent()) ?? '';
    const runId = new RegExp(`DONE ${key} (\\w+)`).exec(text)?.[1];
    const reply = await page.request.get(
      `${MLFLOW_URL}/api/2.0/mlflow/metrics/get-history`,
      { params: { run_id: runId ?? '', metric_key: key } }
    );
    const history: { step: number | string; timestamp: number | string }[] = (
      await reply.json()
    ).metrics;
    const stamps = history
      .map(m => [Number(m.step), Number(m.timestamp)])
      .sort((a, b) => a[0] - b[0])
      .map(([, ts]) => ts);
    const chart = page.locator(
      `[data-metric-key="${key}"] .jp-mlflow-MetricChart`
    );
    await expect(chart).toHaveAttribute('data-point-count', String(N), {
      timeout: 60_000
    });
    const events: { key: string; count: number; t: number }[] =
      await page.evaluate(() => (window as any).__liveDraws);
    const latencies: number[] = [];
    let drawn = 0;
    for (const e of events.filter(e => e.key === key)) {
      for (let i = drawn; i < Math.min(e.count, stamps.length); i++) {
        latencies.push(e.t - stamps[i]);
      }
      drawn = Math.max(drawn, e.count);
    }
    latencies.sort((a, b) => a - b);
    const draws = events.filter(e => e.key === key).length;
    figures.push(
      `${key.split('_')[0]}: ${latencies.length} points, ${draws} redraws, ` +
        `log→pixel p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms, ` +
        `max ${latencies[latencies.length - 1]} ms`
    );
  }
  console.log(
    `\nLive metrics latency (${N} values, ${SLEEP * 1000} ms apart, default poll interval):\n  ` +
      figures.join('\n  ')
  );
});
