/**
 * Benchmark, not a test: Live metrics with thousands of metric keys, beside MLflow's own run page
 * on the same server and runs.
 *
 *   cd ui-tests && jlpm playwright test -c benchmarks/live-latency.config.js many-keys
 *
 * MANY_KEYS (default 5000) keys × MANY_KEYS_RUNS (default 20) runs, 3 steps each, are seeded with
 * `runs/log-batch`. Printed: pin → first chart painted with its whole history; the history
 * requests and chart cards that took; frame times while scrolling through every section; the
 * tab's JS heap; and MLflow's run page (its "Model metrics" tab) → first chart drawn.
 */
import {
  addServerWorkspace,
  expect,
  MLFLOW_URL,
  test
} from '../tests/fixtures';

const KEYS = Number(process.env.MANY_KEYS || 5000);
const RUNS = Number(process.env.MANY_KEYS_RUNS || 20);
const VIEW = '#jp-mlflow-live-metrics';

async function api(page: any, path: string, data: object) {
  const r = await page.request.post(`${MLFLOW_URL}/api/2.0/mlflow/${path}`, {
    data
  });
  expect(r.ok(), `${path}: ${await r.text()}`).toBe(true);
  return r.json();
}

function stats(values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) =>
    s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
  return `p50 ${at(50).toFixed(1)} ms, p95 ${at(95).toFixed(1)} ms, max ${s[s.length - 1].toFixed(1)} ms (n=${s.length})`;
}

test('many keys: open, scroll, memory, beside MLflow’s run page', async ({
  page
}) => {
  test.setTimeout(1_800_000);
  const { experiment_id } = await api(page, 'experiments/create', {
    name: `many-keys-bench-${Date.now()}`
  });
  const groups = ['eval', 'grad', 'sys', 'train', 'val'];
  const keys = Array.from(
    { length: KEYS },
    (_, i) => `${groups[i % groups.length]}/k${String(i).padStart(5, '0')}`
  );
  const runIds: string[] = [];
  const seeded = Date.now();
  for (let r = 0; r < RUNS; r++) {
    const { run } = await api(page, 'runs/create', {
      experiment_id,
      run_name: `wide-${r}`,
      start_time: Date.now()
    });
    runIds.push(run.info.run_id);
    for (const step of [0, 1, 2]) {
      for (let from = 0; from < keys.length; from += 1000) {
        await api(page, 'runs/log-batch', {
          run_id: run.info.run_id,
          metrics: keys.slice(from, from + 1000).map(key => ({
            key,
            value: step + r,
            timestamp: Date.now(),
            step
          }))
        });
      }
    }
    await api(page, 'runs/update', {
      run_id: run.info.run_id,
      status: 'FINISHED',
      end_time: Date.now()
    });
  }
  console.log(
    `seeded ${KEYS} keys × ${RUNS} runs × 3 steps in ${((Date.now() - seeded) / 1000).toFixed(0)} s`
  );

  let histories = 0;
  page.on('request', (r: any) => {
    if (r.url().includes('metrics/get-history')) {
      histories++;
    }
  });
  await page.notebook.createNew('bench-keys.ipynb');
  await addServerWorkspace(page, 'Bench keys server', MLFLOW_URL);
  const first = `${VIEW} .jp-mlflow-LiveMetrics-card[data-metric-key="${[...keys].sort()[0]}"] .jp-mlflow-MetricChart`;
  const t0 = Date.now();
  await page.evaluate(async (ids: string[]) => {
    for (const id of ids) {
      await (window as any).jupyterapp.commands.execute(
        'mlflow-workspace:pin-run',
        { runId: id }
      );
    }
  }, runIds);
  // (A chart draws only while on screen.)
  await page.locator(first).scrollIntoViewIfNeeded();
  await expect(page.locator(first)).toHaveAttribute(
    'data-point-count',
    String(3 * RUNS),
    { timeout: 600_000 }
  );
  const open = Date.now() - t0;
  const cards = await page
    .locator(`${VIEW} .jp-mlflow-LiveMetrics-card`)
    .count();
  console.log(
    `Live metrics: pin ${RUNS} runs → first chart painted with its whole history ${open} ms (${histories} history requests, ${cards} chart cards for ${KEYS} keys)`
  );

  // Scroll, timing frames: like a mouse wheel (120 px per frame, the first 30,000 px), then a
  // fling through everything (a screen per frame: charts are made and dropped every frame).
  const scroll = (step: number | 'screen', limit: number) =>
    page.evaluate(
      async ({ view, step, limit }) => {
        const node = document.querySelector(view) as HTMLElement;
        const times: number[] = [];
        let last = performance.now();
        const end = Math.min(node.scrollHeight, node.scrollTop + limit);
        while (node.scrollTop + node.clientHeight < end - 2) {
          node.scrollTop += step === 'screen' ? node.clientHeight : step;
          await new Promise(requestAnimationFrame);
          const now = performance.now();
          times.push(now - last);
          last = now;
        }
        return times;
      },
      { view: VIEW, step, limit }
    );
  console.log(
    `Live metrics: wheel-like scroll (120 px per frame), frame times ${stats(await scroll(120, 30_000))}`
  );
  console.log(
    `Live metrics: fling through every section (a screen per frame), frame times ${stats(await scroll('screen', Infinity))}`
  );
  await page.waitForTimeout(3000);
  const heap = await page.evaluate(
    () => (performance as any).memory?.usedJSHeapSize ?? 0
  );
  console.log(
    `Live metrics: JS heap after scrolling ${(heap / 2 ** 20).toFixed(0)} MiB; ${histories} history requests in all`
  );

  // MLflow's own run page, its charts of every key, on the same server.
  const ui = await page.context().newPage();
  const t1 = Date.now();
  await ui.goto(
    `${MLFLOW_URL}/#/experiments/${experiment_id}/runs/${runIds[0]}/model-metrics`
  );
  try {
    await ui.waitForFunction(
      () =>
        document.querySelectorAll('canvas, .js-plotly-plot, svg.main-svg')
          .length > 0,
      undefined,
      { timeout: 300_000 }
    );
    console.log(
      `MLflow UI: run page (model metrics) → first chart drawn ${Date.now() - t1} ms`
    );
  } catch {
    console.log('MLflow UI: no chart drawn within 300 s');
  }
  await ui.close();
});
