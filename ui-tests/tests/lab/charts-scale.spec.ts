import * as fs from 'fs';
import { expect, MLFLOW_URL, addServerWorkspace, test } from '../fixtures';

/**
 * Charts at scale (issue 18), on the tests' own MLflow server: a 1,000,000-point history (seeded
 * with log-batch) loads progressively — the card says how many points are in while the chart
 * draws them — and then keeps its one-point spike and exact last value; two drags zoom into a
 * range drawn at full resolution; the readout (min, max, last) and the CSV and PNG exports follow
 * the shown range; the x axis can be switched to the time since the run's first point.
 */
const VIEW_ID = 'jp-mlflow-live-metrics';

async function api(page: any, path: string, data: object) {
  const r = await page.request.post(`${MLFLOW_URL}/api/2.0/mlflow/${path}`, {
    data
  });
  expect(r.ok(), `${path}: ${await r.text()}`).toBe(true);
  return r.json();
}

async function newRun(page: any, name: string): Promise<string> {
  const { experiment_id } = await api(page, 'experiments/create', {
    name: `${name}-${Date.now()}`
  });
  const { run } = await api(page, 'runs/create', {
    experiment_id,
    run_name: name,
    start_time: Date.now()
  });
  return run.info.run_id;
}

async function pin(page: any, runId: string) {
  await page.evaluate(
    (id: string) =>
      (window as any).jupyterapp.commands.execute('mlflow-workspace:pin-run', {
        runId: id
      }),
    runId
  );
}

/** Drag across the plot from one fraction of its width to another. */
async function drag(chart: any, from: number, to: number) {
  const over = chart.locator('.u-over');
  const box = (await over.boundingBox())!;
  const y = box.y + box.height / 2;
  await chart.page().mouse.move(box.x + box.width * from, y);
  await chart.page().mouse.down();
  await chart.page().mouse.move(box.x + box.width * to, y, { steps: 5 });
  await chart.page().mouse.up();
}

/** The chart's zoom as [from, to] (data-zoomed), once it differs from `before`. */
async function zoomOf(chart: any, before: string): Promise<[number, number]> {
  await expect(chart).not.toHaveAttribute('data-zoomed', before);
  const [from, to] = ((await chart.getAttribute('data-zoomed')) ?? '')
    .split(':')
    .map(Number);
  return [from, to];
}

test.describe('Charts at scale', () => {
  test.setTimeout(900_000);

  test('1,000,000 points: progress while loading; the spike and the last value are drawn; zoom shows the exact range', async ({
    page
  }) => {
    const N = 1_000_000;
    const SPIKE = 543_210;
    const runId = await newRun(page, 'long-history');
    const t0 = Date.now() - N;
    const batch = (from: number) =>
      api(page, 'runs/log-batch', {
        run_id: runId,
        metrics: Array.from({ length: 1000 }, (_, i) => ({
          key: 'loss',
          value:
            from + i === SPIKE ? 1e6 : from + i === N - 1 ? 0.123456789 : 1,
          timestamp: t0 + from + i,
          step: from + i
        }))
      });
    // log-batch takes at most 1,000 metrics; a few requests at a time.
    for (let from = 0; from < N; from += 4000) {
      await Promise.all([0, 1, 2, 3].map(k => batch(from + k * 1000)));
    }
    await api(page, 'runs/update', {
      run_id: runId,
      status: 'FINISHED',
      end_time: t0 + N
    });
    await page.notebook.createNew('long.ipynb');
    await addServerWorkspace(page, 'Long runs server', MLFLOW_URL);
    await pin(page, runId);
    const card = page.locator(
      `#${VIEW_ID} .jp-mlflow-LiveMetrics-card[data-metric-key="loss"]`
    );
    const chart = card.locator('.jp-mlflow-MetricChart');
    const readout = card.locator('.jp-mlflow-LiveMetrics-readout');
    const progress = card.locator('.jp-mlflow-LiveMetrics-progress');

    // While the history is read (40 s to a few minutes here: MLflow serializes each point and
    // sorts the history for every page), the card says how far it is and draws what is in.
    await expect(progress).toHaveText(/^Loading loss… [\d,]+ points$/, {
      timeout: 60_000
    });
    await expect(card).toHaveAttribute('aria-busy', 'true');
    await expect
      .poll(async () => Number(await chart.getAttribute('data-point-count')), {
        timeout: 120_000
      })
      .toBeGreaterThan(5000);
    const partial = Number(await chart.getAttribute('data-point-count'));
    if (partial < N) {
      const said = Number(
        ((await progress.textContent()) ?? '').replace(/[^\d]/g, '')
      );
      expect(said).toBeGreaterThan(0);
    }

    await expect(chart).toHaveAttribute('data-point-count', String(N), {
      timeout: 600_000
    });
    await expect(progress).toBeHidden();
    await expect(card).not.toHaveAttribute('aria-busy', 'true');
    const drawn = async () =>
      page.evaluate((id: string) => {
        const app = (window as any).jupyterapp;
        const view = [...app.shell.widgets('main')].find(
          (w: any) => w.id === id
        );
        const plot = view.chartFor('loss')._plot;
        const [xs, ys] = plot.data;
        let max = -Infinity;
        for (const y of ys) {
          if (y !== null && y !== undefined && y > max) {
            max = y;
          }
        }
        return {
          n: xs.length,
          width: plot.width,
          max,
          firstX: xs[0],
          lastX: xs[xs.length - 1],
          lastY: ys[ys.length - 1],
          contiguous: xs.every(
            (x: number, i: number) => i === 0 || x === xs[i - 1] + 1
          )
        };
      }, VIEW_ID);
    const all = await drawn();
    expect(all.max).toBe(1e6);
    expect([all.lastX, all.lastY]).toEqual([N - 1, 0.123456789]);
    expect(all.n).toBeLessThanOrEqual(4 * all.width + 2);
    await expect(readout).toHaveAttribute('data-max', '1000000');
    await expect(readout).toContainText('last long-history 0.123457');

    // Two drags: a fiftieth of the history around the spike, then a few hundred steps of it,
    // drawn at full resolution (every point of the range, and one neighbour on each side).
    await drag(chart, 0.53, 0.55);
    let [from, to] = await zoomOf(chart, '');
    expect(from).toBeLessThan(SPIKE);
    expect(to).toBeGreaterThan(SPIKE);
    const at = (SPIKE - from) / (to - from);
    await drag(chart, at - 0.01, at + 0.01);
    [from, to] = await zoomOf(chart, `${from}:${to}`);
    expect(from).toBeLessThan(SPIKE);
    expect(to).toBeGreaterThan(SPIKE);
    expect(to - from).toBeLessThan(1000);
    const zoomed = await drawn();
    expect(zoomed.contiguous).toBe(true);
    expect(zoomed.firstX).toBe(Math.ceil(from) - 1);
    expect(zoomed.lastX).toBe(Math.floor(to) + 1);
    expect(zoomed.max).toBe(1e6);

    // The readout and the exports follow the shown range, with its exact points.
    await expect(readout).toHaveAttribute('data-max', '1000000');
    await expect(readout).toHaveAttribute('data-min', '1');
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      card.getByRole('button', { name: 'CSV' }).click()
    ]);
    expect(csv.suggestedFilename()).toBe('loss.csv');
    const rows = fs
      .readFileSync(await csv.path(), 'utf-8')
      .trim()
      .split('\n');
    expect(rows[0]).toBe('series,step,value');
    const steps = rows.slice(1).map(r => Number(r.split(',')[1]));
    expect(steps[0]).toBe(Math.ceil(from));
    expect(steps[steps.length - 1]).toBe(Math.floor(to));
    expect(steps.length).toBe(Math.floor(to) - Math.ceil(from) + 1);
    expect(rows).toContain(`long-history,${SPIKE},1000000`);
    expect(
      rows
        .slice(1)
        .filter(r => !r.endsWith(',1'))
        .map(r => r.split(',')[1])
    ).toEqual([String(SPIKE)]);
    const [png] = await Promise.all([
      page.waitForEvent('download'),
      card.getByRole('button', { name: 'PNG' }).click()
    ]);
    expect(png.suggestedFilename()).toBe('loss.png');
    const bytes = fs.readFileSync(await png.path());
    expect([...bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);

    await chart.locator('.u-over').dblclick();
    await expect(chart).toHaveAttribute('data-zoomed', '');
    await expect(readout).toHaveAttribute('data-max', '1000000');
    await expect(readout).toContainText('last long-history 0.123457');
    // Smoothed, the raw values still make the readout (the spike stays the max).
    await card.getByRole('button', { name: 'Smooth' }).click();
    await expect(chart).toHaveAttribute('data-smoothing', '0.6');
    await expect(readout).toHaveAttribute('data-max', '1000000');

    // The x axis as seconds since the run's first point: the last point is 999.999 s in.
    await card.getByLabel('X axis of loss').selectOption('Relative time');
    await expect(chart).toHaveAttribute('data-x-kind', 'relative');
    expect((await drawn()).lastX).toBeCloseTo((N - 1) / 1000, 6);
  });
});
