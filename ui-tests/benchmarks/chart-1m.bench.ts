/**
 * A 1,000,000-point metric (see chart-1m.config.js for how to run it): Live Metrics, then MLflow's
 * own run page on the same run and server, in the same Chromium.
 *
 * Live Metrics: pin the run → first draw, first history page drawn, every point in (the history
 * read through the extension's proxy), requests and bytes; with the points in the browser, a
 * draw from the store (the chart's source, M4 decimation of the million points, a new uPlot, the
 * paint); zoom frames (the chart reads the range again at full resolution); the JS heap after a
 * garbage collection, before and after. MLflow: navigation → its metric chart drawn (a Plotly
 * line on the run's "Model metrics" tab) and the points that line has.
 */
import * as fs from 'fs';
import type { Page } from '@playwright/test';
import { addServerWorkspace, test } from '../tests/fixtures';

const MLFLOW_URL =
  process.env.CHART_BENCH_MLFLOW_URL ?? 'http://127.0.0.1:5079';
const API = `${MLFLOW_URL}/api/2.0/mlflow`;
const N = Number(process.env.CHART_BENCH_POINTS || 1_000_000);
const VIEW_ID = 'jp-mlflow-live-metrics';

function stats(values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) =>
    s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
  return `p50 ${at(50).toFixed(1)} ms, p95 ${at(95).toFixed(1)} ms, max ${s[s.length - 1].toFixed(1)} (n=${s.length})`;
}

/** The run benchmarks/chart_1m.py seeded (it may still be seeding: wait). */
async function seededRun(
  request: any
): Promise<{ runId: string; experimentId: string }> {
  const deadline = Date.now() + 20 * 60_000;
  while (Date.now() < deadline) {
    const r = await request.get(
      `${API}/experiments/get-by-name?experiment_name=chart-1m-benchmark-${N}`
    );
    if (r.ok()) {
      const experimentId = (await r.json()).experiment.experiment_id;
      const s = await request.post(`${API}/runs/search`, {
        data: {
          experiment_ids: [experimentId],
          filter: "tags.seeded = 'yes'"
        }
      });
      const runs = (await s.json()).runs ?? [];
      if (runs.length > 0) {
        return { runId: runs[0].info.run_id, experimentId };
      }
    }
    await new Promise(resolve => setTimeout(resolve, 5000));
  }
  throw new Error('the run was not seeded within 20 minutes');
}

/**
 * After a garbage collection: the JS heap and the array buffers' backing stores (the store's
 * columns live there, outside the JS heap), in MiB.
 */
async function heapMiB(page: Page): Promise<{ js: number; buffers: number }> {
  // Galata's page fixture wraps the Playwright page; CDP wants the page itself.
  const raw = ((page as any).page as Page | undefined) ?? page;
  const cdp = await raw.context().newCDPSession(raw);
  await cdp.send('HeapProfiler.collectGarbage');
  const usage: any = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return {
    js: usage.usedSize / 2 ** 20,
    buffers: (usage.backingStorageSize ?? NaN) / 2 ** 20
  };
}

/** Resident memory (MiB) of each renderer process of the browser, by process id. */
async function rendererRss(page: Page): Promise<Map<number, number>> {
  const raw = ((page as any).page as Page | undefined) ?? page;
  const browser = raw.context().browser()!;
  const cdp = await browser.newBrowserCDPSession();
  const { processInfo } = (await cdp.send(
    'SystemInfo.getProcessInfo' as any
  )) as any;
  await cdp.detach();
  const rss = new Map<number, number>();
  for (const p of processInfo) {
    if (p.type === 'renderer') {
      try {
        const status = fs.readFileSync(`/proc/${p.id}/status`, 'utf-8');
        rss.set(p.id, Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024);
      } catch {
        // gone
      }
    }
  }
  return rss;
}

const mib = (m: { js: number; buffers: number }) =>
  `JS heap ${m.js.toFixed(0)} MiB + array buffers ${m.buffers.toFixed(0)} MiB`;
const maxOf = (m: Map<number, number>) => Math.max(0, ...m.values());

test('1,000,000 points: Live Metrics beside MLflow’s run page', async ({
  page,
  request
}) => {
  test.setTimeout(30 * 60_000);
  const { runId, experimentId } = await seededRun(request);
  await page.notebook.createNew('chart-bench.ipynb');
  await addServerWorkspace(page, 'Chart bench', MLFLOW_URL);
  const heapBefore = await heapMiB(page);
  const rssBefore = await rendererRss(page);

  let requests = 0;
  let bytes = 0;
  page.on('requestfinished', async req => {
    if (req.url().includes('metrics/get-history')) {
      requests++;
      bytes += (await req.sizes()).responseBodySize;
    }
  });
  // Watch the chart every frame from the pin on.
  await page.evaluate(
    ({ id, n, view }) => {
      const w = window as any;
      const t0 = performance.now();
      const bench: any = (w.__bench = {
        first: null,
        page: null,
        all: null,
        done: null
      });
      bench.promise = new Promise<void>(resolve => {
        const tick = () => {
          const chart = document.querySelector(
            `#${view} .jp-mlflow-LiveMetrics-card[data-metric-key="loss"] .jp-mlflow-MetricChart`
          );
          const count = Number(chart?.getAttribute('data-point-count') ?? 0);
          const now = performance.now() - t0;
          if (count > 0 && bench.first === null) {
            bench.first = now;
          }
          if (count >= 5000 && bench.page === null) {
            bench.page = now;
          }
          if (count >= n && bench.all === null) {
            bench.all = now;
          }
          const busy = chart
            ?.closest('.jp-mlflow-LiveMetrics-card')
            ?.hasAttribute('aria-busy');
          if (bench.all !== null && !busy) {
            bench.done = now;
            resolve();
            return;
          }
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
      void w.jupyterapp.commands.execute('mlflow-workspace:pin-run', {
        runId: id
      });
    },
    { id: runId, n: N, view: VIEW_ID }
  );
  await page.evaluate(() => (window as any).__bench.promise);
  const load = await page.evaluate(() => {
    const { first, page, all, done } = (window as any).__bench;
    return { first, page, all, done };
  });
  const heapAfter = await heapMiB(page);
  const rssLab = await rendererRss(page);

  // With the points in the browser: a draw from the store, and zoom frames.
  const draws = await page.evaluate(async id => {
    const app = (window as any).jupyterapp;
    const view = [...app.shell.widgets('main')].find((w: any) => w.id === id);
    const chart = view.chartFor('loss');
    const painted = () =>
      new Promise(resolve =>
        requestAnimationFrame(() => setTimeout(resolve, 0))
      );
    const full: number[] = [];
    const frames: number[] = [];
    const scripts: number[] = [];
    for (let i = 0; i < 7; i++) {
      await painted();
      const t = performance.now();
      chart._sourceDirty = true; // ask the store again, as a new change would
      chart.restyle(); // and build a new uPlot, as a first draw does
      chart.drawPending();
      await painted();
      full.push(performance.now() - t);
    }
    const n = chart.pointCount;
    // Zoom: ranges from a few hundred points to half the history, as drags would give.
    let seed = 1;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let i = 0; i < 40; i++) {
      const width = n * Math.pow(10, -3.5 + 3.2 * rand());
      const from = rand() * (n - width);
      await painted();
      const t = performance.now();
      chart.setZoom([from, from + width]);
      chart.drawPending();
      scripts.push(performance.now() - t);
      await painted();
      frames.push(performance.now() - t);
    }
    chart.setZoom(null);
    chart.drawPending();
    const ys = chart._plot.data[1] as (number | null)[];
    const max = Math.max(...ys.filter(y => y !== null && y !== undefined));
    return {
      full,
      frames,
      scripts,
      drawn: chart.node.dataset.drawnCount,
      max
    };
  }, VIEW_ID);

  // MLflow's own UI: the run page's metric charts, in a new tab of the same browser.
  const ui = await page.context().newPage();
  // Its chart may first draw a few points and then more: the first line, and the last change.
  await ui.addInitScript(() => {
    const w = window as any;
    w.__points = 0;
    const tick = () => {
      let points = 0;
      for (const line of document.querySelectorAll(
        '.js-plotly-plot .scatterlayer path.js-line'
      )) {
        const d = line.getAttribute('d') ?? '';
        points = Math.max(points, d.split(/[ML]/).length - 1);
      }
      if (points > 0 && w.__first === undefined) {
        w.__first = performance.now();
      }
      if (points !== w.__points) {
        w.__points = points;
        w.__last = performance.now();
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  // What its chart was given: the metric requests and the points in their replies.
  const received = { requests: 0, points: 0, max: -Infinity };
  ui.on('response', async response => {
    if (/\/metrics\/get-history/.test(response.url())) {
      received.requests++;
      try {
        const body = await response.json();
        const metrics = body.metrics ?? [];
        received.points += metrics.length;
        for (const m of metrics) {
          received.max = Math.max(received.max, Number(m.value));
        }
      } catch {
        // not JSON
      }
    }
  });
  await ui.goto(
    `${MLFLOW_URL}/#/experiments/${experimentId}/runs/${runId}/model-metrics`
  );
  await ui.waitForFunction(
    () => {
      const w = window as any;
      return w.__first !== undefined && performance.now() - w.__last > 10_000;
    },
    null,
    { timeout: 300_000, polling: 500 }
  );
  const mlflow = await ui.evaluate(() => ({
    first: (window as any).__first as number,
    drawn: (window as any).__last as number,
    points: (window as any).__points as number
  }));
  const mlflowHeap = await heapMiB(ui);
  const rssAll = await rendererRss(page);
  const rssMlflow = Math.max(
    0,
    ...[...rssAll].filter(([pid]) => !rssLab.has(pid)).map(([, v]) => v)
  );

  const s = (ms: number | null) =>
    ms === null ? 'n/a' : `${(ms / 1000).toFixed(2)} s`;
  console.log(
    `\nchart benchmark: one run, metric "loss", ${N.toLocaleString()} points`
  );
  console.log('Live Metrics (pin → …, the history read through the proxy):');
  console.log(`  first draw (the run's last value)     ${s(load.first)}`);
  console.log(`  first history page drawn (≥5,000)     ${s(load.page)}`);
  console.log(`  every point in and drawn              ${s(load.all)}`);
  console.log(
    `  get-history requests                  ${requests}, ${(bytes / 2 ** 20).toFixed(1)} MiB`
  );
  console.log(`  draw from the store (1M points → paint) ${stats(draws.full)}`);
  console.log(
    `  zoom frame, script                    ${stats(draws.scripts)}`
  );
  console.log(`  zoom frame, to paint                  ${stats(draws.frames)}`);
  console.log(
    `  points drawn unzoomed                 ${draws.drawn}, max ${draws.max} (the spike is 1e6)`
  );
  console.log(`  memory after GC, before the pin       ${mib(heapBefore)}`);
  console.log(`  memory after GC, with the run         ${mib(heapAfter)}`);
  console.log(
    `  renderer resident memory              ${maxOf(rssBefore).toFixed(0)} MiB before the pin, ${maxOf(rssLab).toFixed(0)} MiB with the run (largest renderer)`
  );
  console.log("MLflow's run page (Model metrics tab), same server and run:");
  console.log(`  navigation → first line drawn         ${s(mlflow.first)}`);
  console.log(`  navigation → line complete            ${s(mlflow.drawn)}`);
  console.log(
    `  metric requests                       ${received.requests}, ${received.points} points received, max ${received.max} (the spike is 1e6)`
  );
  console.log(
    `  vertices in its drawn line            ${mlflow.points} (Plotly drops collinear ones)`
  );
  console.log(`  memory after GC                       ${mib(mlflowHeap)}`);
  console.log(
    `  renderer resident memory              ${rssMlflow.toFixed(0)} MiB`
  );
});
