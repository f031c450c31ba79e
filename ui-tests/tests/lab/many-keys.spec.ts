import { expect, MLFLOW_URL, addServerWorkspace, test } from '../fixtures';

/**
 * Live metrics at thousands of keys (issue 18), on the tests' own MLflow server: a run with 3,000
 * keys opens in sections by prefix with charts only where the user looks, reads a history per
 * chart shown (not per key), scrolls, filters and collapses; the legend hides a run; the view's
 * choices come back after a reload.
 */
const VIEW = '#jp-mlflow-live-metrics';
const PER_GROUP = 1000;
const GROUPS = ['sys', 'train', 'val'];

async function api(page: any, path: string, data: object) {
  const r = await page.request.post(`${MLFLOW_URL}/api/2.0/mlflow/${path}`, {
    data
  });
  expect(r.ok(), `${path}: ${await r.text()}`).toBe(true);
  return r.json();
}

/** A run whose every key has three points (steps 0, 1, 2: value = step + offset). */
async function seedRun(
  page: any,
  experimentId: string,
  name: string,
  offset: number
): Promise<string> {
  const { run } = await api(page, 'runs/create', {
    experiment_id: experimentId,
    run_name: name,
    start_time: Date.now()
  });
  const keys = GROUPS.flatMap(g =>
    Array.from(
      { length: PER_GROUP },
      (_, i) => `${g}/k${String(i).padStart(4, '0')}`
    )
  );
  for (const step of [0, 1, 2]) {
    for (let from = 0; from < keys.length; from += 1000) {
      await api(page, 'runs/log-batch', {
        run_id: run.info.run_id,
        metrics: keys.slice(from, from + 1000).map(key => ({
          key,
          value: step + offset,
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
  return run.info.run_id;
}

test.describe('Live metrics with thousands of keys', () => {
  test.setTimeout(300_000);

  test('3,000 keys: sections, charts only where looked, filter, collapse, hide a run, kept after reload', async ({
    page
  }) => {
    const { experiment_id } = await api(page, 'experiments/create', {
      name: `many-keys-${Date.now()}`
    });
    const runA = await seedRun(page, experiment_id, 'wide-a', 0);
    const runB = await seedRun(page, experiment_id, 'wide-b', 10);
    let histories = 0;
    page.on('request', (r: any) => {
      if (r.url().includes('metrics/get-history')) {
        histories++;
      }
    });
    await page.notebook.createNew('keys.ipynb');
    await addServerWorkspace(page, 'Many keys server', MLFLOW_URL);
    const started = Date.now();
    for (const runId of [runA, runB]) {
      await page.evaluate(
        (id: string) =>
          (window as any).jupyterapp.commands.execute(
            'mlflow-workspace:pin-run',
            { runId: id }
          ),
        runId
      );
    }
    const view = page.locator(VIEW);
    const firstChart = view.locator(
      '.jp-mlflow-LiveMetrics-card[data-metric-key="sys/k0000"] .jp-mlflow-MetricChart'
    );
    // Both runs' whole history of the first key: 3 points each.
    await expect(firstChart).toHaveAttribute('data-point-count', '6', {
      timeout: 120_000
    });
    console.log(
      `3,000 keys × 2 runs: pin → first chart with its history ${Date.now() - started} ms`
    );
    for (const group of GROUPS) {
      await expect(
        view.locator(
          `[data-group="${group}"] .jp-mlflow-LiveMetrics-groupCount`
        )
      ).toHaveText(String(PER_GROUP));
    }
    const cards = view.locator('.jp-mlflow-LiveMetrics-card');
    expect(await cards.count()).toBeLessThan(60);
    expect(histories).toBeLessThan(200);

    // Scrolled to the end: the last key's chart, with its history.
    await view.evaluate((node: HTMLElement) => {
      node.scrollTop = node.scrollHeight;
    });
    const lastChart = view.locator(
      '.jp-mlflow-LiveMetrics-card[data-metric-key="val/k0999"] .jp-mlflow-MetricChart'
    );
    await expect(lastChart).toHaveAttribute('data-point-count', '6', {
      timeout: 60_000
    });
    expect(await cards.count()).toBeLessThan(60);
    expect(histories).toBeLessThan(400);
    console.log(
      `after scrolling to the end: ${await cards.count()} cards, ${histories} history requests`
    );

    // The filter: one key, in its section ("1 of 1000").
    const search = view.getByRole('searchbox', { name: 'Filter metrics' });
    await search.fill('train/k0500');
    await expect(cards).toHaveCount(1);
    await expect(
      view.locator('[data-group="train"] .jp-mlflow-LiveMetrics-groupCount')
    ).toHaveText('1 of 1000');
    const chart = view.locator(
      '.jp-mlflow-LiveMetrics-card[data-metric-key="train/k0500"] .jp-mlflow-MetricChart'
    );
    await expect(chart).toHaveAttribute('data-point-count', '6');

    // Zoom is shared: a drag in one chart zooms the other charts of the same x axis.
    await search.fill('train/k000');
    const a = view.locator(
      '.jp-mlflow-LiveMetrics-card[data-metric-key="train/k0001"] .jp-mlflow-MetricChart'
    );
    const b = view.locator(
      '.jp-mlflow-LiveMetrics-card[data-metric-key="train/k0002"] .jp-mlflow-MetricChart'
    );
    // (A chart draws only while on screen: each is scrolled to before it is read.)
    await a.scrollIntoViewIfNeeded();
    await expect(a).toHaveAttribute('data-point-count', '6');
    const over = a.locator('.u-over');
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2, {
      steps: 5
    });
    await page.mouse.up();
    await expect(a).not.toHaveAttribute('data-zoomed', '');
    const zoomed = await a.getAttribute('data-zoomed');
    await b.scrollIntoViewIfNeeded();
    await expect(b).toHaveAttribute('data-zoomed', zoomed!);
    await b.locator('.u-over').dblclick();
    await a.scrollIntoViewIfNeeded();
    await expect(a).toHaveAttribute('data-zoomed', '');
    await search.fill('train/k0500');

    // The legend hides run b's lines, and shows them again.
    const runName = view.getByRole('button', {
      name: 'wide-b',
      exact: true
    });
    await expect(runName).toHaveAttribute('aria-pressed', 'true');
    await runName.click();
    await expect(runName).toHaveAttribute('aria-pressed', 'false');
    await expect(chart).toHaveAttribute('data-point-count', '3');

    // Collapse a section with the keyboard.
    await search.fill('k000');
    const sys = view
      .locator('[data-group="sys"]')
      .getByRole('button', { name: /sys/ });
    await sys.focus();
    await page.keyboard.press('Enter');
    await expect(sys).toHaveAttribute('aria-expanded', 'false');
    await expect(
      view.locator('.jp-mlflow-LiveMetrics-card[data-metric-key^="sys/"]')
    ).toHaveCount(0);

    // A chart's own choice (a log axis) is part of the view.
    const kept = view.locator(
      '.jp-mlflow-LiveMetrics-card[data-metric-key="train/k0001"]'
    );
    await kept.scrollIntoViewIfNeeded();
    await kept.getByRole('button', { name: 'Log' }).click();
    await expect(kept.getByRole('button', { name: 'Log' })).toHaveAttribute(
      'aria-pressed',
      'true'
    );

    // After a reload the notebook's view comes back as it was left.
    await page.notebook.save();
    // JupyterLab saves its workspace (where the state database lives) shortly after a change.
    await page.waitForTimeout(1500);
    // Reload plain /lab (as the journey does): the layout restorer brings notebook and view back.
    await page.evaluate(() => {
      const base = (window as any).jupyterapp.paths.urls.base as string;
      window.history.replaceState(null, '', `${base}lab`);
    });
    await (page as any).reload({ waitForIsReady: false });
    await page.locator('#jupyterlab-splash').waitFor({ state: 'detached' });
    await expect(view).toBeVisible({ timeout: 60_000 });
    await expect(search).toHaveValue('k000', { timeout: 60_000 });
    await expect(sys).toHaveAttribute('aria-expanded', 'false', {
      timeout: 60_000
    });
    await expect(runName).toHaveAttribute('aria-pressed', 'false');
    await expect(
      view.getByRole('button', { name: 'wide-a', exact: true })
    ).toHaveAttribute('aria-pressed', 'true');
    await expect(
      view.locator(
        '.jp-mlflow-LiveMetrics-card[data-metric-key="train/k0001"] .jp-mlflow-MetricChart'
      )
    ).toHaveAttribute('data-point-count', '3', { timeout: 60_000 });
    await expect(kept.getByRole('button', { name: 'Log' })).toHaveAttribute(
      'aria-pressed',
      'true'
    );
    await expect(kept.locator('.jp-mlflow-MetricChart')).toHaveAttribute(
      'data-log-scale',
      'true'
    );
  });
});
