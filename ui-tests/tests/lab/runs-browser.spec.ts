import AxeBuilder from '@axe-core/playwright';
import { APIRequestContext } from '@playwright/test';
import * as path from 'path';
import { addServerWorkspace, expect, MLFLOW_URL, test } from '../fixtures';

// The tests' own MLflow server (playwright.config.js); another port when several run at once.
const API = `${MLFLOW_URL}/api/2.0/mlflow`;
const DOCS = path.join(__dirname, '..', '..', '..', 'docs');

/** What the test seeds: 24 top-level runs, then a sweep parent with 6 children. */
const TOP = 24;
const CHILDREN = 6;

async function call(
  request: APIRequestContext,
  path: string,
  data: unknown
): Promise<any> {
  const response = await request.post(`${API}/${path}`, { data });
  expect(response.ok(), `${path}: ${await response.text()}`).toBeTruthy();
  return response.json();
}

/** The loss history of a run whose latest loss is `loss`: a dip at step 1, a spike at step 2. */
const LOSS_SHAPE = [2, 0.5, 4, 1];

/**
 * Seed the tests' own MLflow server through its REST API. Run i of the top level has model
 * ridge (even i) or lasso (odd i), lr = i, and a loss series of 4 steps ending at 1 / (i + 2)
 * (`LOSS_SHAPE` times that, and a NaN logged at step 1 that statistics skip).
 * The table is virtualised: rows far below the fold are not in the DOM, so counts are read
 * from the grid's aria-rowcount (rows + header).
 */
async function seed(request: APIRequestContext, name: string) {
  const { experiment_id } = await call(request, 'experiments/create', { name });
  const start = Date.now() - 100_000;
  const run = async (
    runName: string,
    i: number,
    tags: { key: string; value: string }[],
    params: Record<string, string>,
    loss: number
  ) => {
    const { run } = await call(request, 'runs/create', {
      experiment_id,
      run_name: runName,
      start_time: start + i * 1000,
      tags
    });
    const id = run.info.run_id;
    await call(request, 'runs/log-batch', {
      run_id: id,
      params: Object.entries(params).map(([key, value]) => ({ key, value })),
      metrics: [
        ...LOSS_SHAPE.map((factor, step) => ({
          key: 'loss',
          value: loss * factor,
          timestamp: start + i * 1000 + step,
          step
        })),
        // Before step 1's value: the latest value at step 1 stays a number.
        { key: 'loss', value: 'NaN', timestamp: start + i * 1000, step: 1 }
      ]
    });
    await call(request, 'runs/update', {
      run_id: id,
      status: 'FINISHED',
      end_time: start + i * 1000 + 500
    });
    return id;
  };
  for (let i = 0; i < TOP; i++) {
    await run(
      `run-${String(i).padStart(2, '0')}`,
      i,
      [],
      { model: i % 2 ? 'lasso' : 'ridge', lr: String(i) },
      1 / (i + 2)
    );
  }
  // The newest runs, so that the parent is the first row in MLflow's default order.
  const parent = await run('sweep-parent', TOP, [], {}, 1);
  for (let c = 0; c < CHILDREN; c++) {
    await run(
      `trial-${c}`,
      TOP + 1 + c,
      [{ key: 'mlflow.parentRunId', value: parent }],
      { model: 'sweep', lr: String(c) },
      1 / (c + 3)
    );
  }
}

test.describe('Run browser', () => {
  test.setTimeout(300_000);

  test('filter, sort, details, top 5, compare; a sweep parent expands', async ({
    page,
    request
  }) => {
    await page.setViewportSize({ width: 1400, height: 800 });
    const experiment = `galata-runs-${Date.now()}`;
    await seed(request, experiment);

    const panel = await addServerWorkspace(page, 'Runs server', MLFLOW_URL);
    await panel.getByRole('button', { name: 'Browse runs' }).click();

    const browser = page.locator('#jp-mlflow-runs-browser');
    await expect(browser).toBeVisible();
    await browser
      .getByRole('searchbox', { name: 'Search experiments' })
      .fill(experiment);
    await browser
      .getByRole('button', { name: experiment, exact: true })
      .click({ timeout: 60_000 });

    const grid = browser.getByRole('grid', { name: 'Runs' });
    const rows = browser.locator('.jp-mlflow-RunTable-row');
    const count = browser.locator('.jp-mlflow-Count');
    // The sweep parent groups its children: 24 runs + 1 parent at the top level.
    await expect(grid).toHaveAttribute('aria-rowcount', String(TOP + 2), {
      timeout: 60_000
    });
    const parentRow = rows.first();
    await expect(parentRow).toContainText('sweep-parent');
    await expect(parentRow).toContainText(`${CHILDREN} children`);
    await parentRow
      .getByRole('button', { name: `Expand ${CHILDREN} child runs` })
      .click();
    await expect(grid).toHaveAttribute(
      'aria-rowcount',
      String(TOP + 2 + CHILDREN)
    );
    const children = browser.locator('.jp-mlflow-RunTable-row.jp-mod-child');
    await expect(children).toHaveCount(CHILDREN);
    await expect(children.first()).toContainText('trial-5');

    // A syntax error is explained, not sent.
    const filter = browser.getByRole('searchbox', { name: 'Filter runs' });
    await filter.fill("params.model = 'ridge");
    await filter.press('Enter');
    await expect(browser.locator('[data-kind="syntax"]')).toContainText(
      'Filter syntax error: A quote is not closed'
    );

    await filter.fill("params.model = 'ridge'");
    await filter.press('Enter');
    await expect(rows).toHaveCount(TOP / 2);
    await expect(count).toHaveAttribute('data-count', String(TOP / 2));

    // Sort by loss: numbers sort descending first, a second click ascending.
    const lossHeader = browser.locator(
      '[role="columnheader"][data-column="metric:loss"]'
    );
    await lossHeader.getByRole('button').click();
    await expect(lossHeader).toHaveAttribute('aria-sort', 'descending');
    await expect(rows.first()).toContainText('run-00');
    await lossHeader.getByRole('button').click();
    await expect(lossHeader).toHaveAttribute('aria-sort', 'ascending');
    await expect(rows.first()).toContainText('run-22');

    // Details of the first row.
    await rows.first().click();
    const details = browser.locator('.jp-mlflow-RunDetails');
    await expect(details).toContainText('run-22');
    await expect(details).toContainText('Parameters (2)');
    await expect(
      details.getByRole('link', { name: 'Open in MLflow UI' })
    ).toHaveAttribute(
      'href',
      new RegExp(`^${MLFLOW_URL}/#/experiments/\\d+/runs/[0-9a-f]+$`)
    );

    await browser.screenshot({ path: path.join(DOCS, 'runs-browser.png') });
    const axe = await new AxeBuilder({ page })
      .include('#jp-mlflow-runs-browser')
      .analyze();
    expect(axe.violations.map(v => `${v.id}: ${v.nodes.length}`)).toEqual([]);

    // Top 5 by lowest loss under the filter, then compare.
    await browser.getByLabel('Metric to rank by').selectOption('loss');
    await browser.getByRole('button', { name: 'Select top' }).click();
    const compare = browser.getByRole('button', { name: 'Compare (5)' });
    await expect(compare).toBeEnabled();
    await compare.click();
    const view = browser.locator('.jp-mlflow-Compare');
    await expect(view.locator('.jp-mlflow-OverlayChart')).toHaveAttribute(
      'data-series-count',
      '5',
      { timeout: 60_000 }
    );
    await expect(view.locator('.jp-mlflow-Legend-item')).toHaveCount(5);
    await expect(view.locator('.jp-mlflow-OverlayChart canvas')).toHaveCount(1);
    for (const name of ['run-22', 'run-20', 'run-18', 'run-16', 'run-14']) {
      await expect(view.locator('.jp-mlflow-Legend')).toContainText(name);
    }
    // lr and loss differ between the five runs, model does not.
    const diff = view.locator('.jp-mlflow-DiffTable tbody tr');
    await expect(diff).toHaveCount(3);
    for (const [key, differs] of [
      ['param:lr', 'true'],
      ['metric:loss', 'true'],
      ['param:model', 'false']
    ]) {
      await expect(
        diff.and(view.locator(`[data-key="${key}"]`))
      ).toHaveAttribute('data-differs', differs);
    }
    // Best (lower is better for a loss) and, chosen with the keyboard, min and max: exact, from
    // every point of each history, the NaN skipped; last is the latest value.
    const toggles = view.getByRole('group', { name: 'Metric columns' });
    await toggles.getByRole('button', { name: 'min' }).focus();
    await page.keyboard.press('Space');
    await toggles.getByRole('button', { name: 'max' }).click();
    await expect(view.locator('.jp-mlflow-DiffTable')).toHaveAttribute(
      'data-statistics',
      'last best min max'
    );
    const names = await view
      .locator('th.jp-mlflow-DiffTable-run')
      .allTextContents();
    const latest = names.map(n => 1 / (Number(n.slice(4)) + 2));
    const lossRow = view.locator('[data-key="metric:loss"]');
    for (const [statistic, factor] of [
      ['last', 1],
      ['best', 0.5],
      ['min', 0.5],
      ['max', 4]
    ] as const) {
      const cells = lossRow.locator(`td[data-statistic="${statistic}"]`);
      await expect(cells).toHaveCount(5);
      await expect
        .poll(() => cells.evaluateAll(tds => tds.map(td => td.dataset.value)))
        .toEqual(latest.map(l => String(l * factor)));
    }
    await expect(
      lossRow.locator('td[data-statistic="max"]').first()
    ).toHaveAttribute('title', /at step 2, of 5 points \(1 NaN\/Inf skipped\)/);
    const compareAxe = await new AxeBuilder({ page })
      .include('.jp-mlflow-Compare')
      .analyze();
    expect(
      compareAxe.violations.map(v => `${v.id}: ${v.nodes.length}`)
    ).toEqual([]);
    await view.getByRole('checkbox', { name: 'Only differences' }).check();
    await expect(diff).toHaveCount(2);
    await browser.screenshot({ path: path.join(DOCS, 'runs-compare.png') });

    // The sweep: trials, best so far, parallel coordinates.
    await view.getByRole('button', { name: '← Back to runs' }).click();
    await filter.fill('');
    await filter.press('Enter');
    // The parent stays expanded across the filter change.
    await expect(grid).toHaveAttribute(
      'aria-rowcount',
      String(TOP + 2 + CHILDREN)
    );
    await rows.filter({ hasText: 'sweep-parent' }).click();
    await details.getByRole('button', { name: 'Show sweep' }).click();
    const sweep = browser.locator('.jp-mlflow-Sweep');
    await expect(sweep).toContainText(`${CHILDREN} trials`);
    await expect(sweep.locator('.jp-mlflow-OverlayChart')).toHaveAttribute(
      'data-series-count',
      '2'
    );
    await expect(
      sweep.locator('.jp-mlflow-OverlayChart .jp-mlflow-Legend')
    ).toContainText('best so far');
    await expect(sweep.locator('svg.jp-mlflow-Parallel')).toHaveAttribute(
      'data-line-count',
      String(CHILDREN)
    );
    // The trials' histories: a mean over a min–max band by step, then one band per lr.
    const band = sweep.locator('.jp-mlflow-BandChart');
    await expect(band).toHaveAttribute('data-trial-count', String(CHILDREN), {
      timeout: 60_000
    });
    await expect(band).toHaveAttribute('data-step-count', '4');
    await expect(band.locator('canvas')).toHaveCount(1);
    // Trial c ends at 1 / (c + 3): at step 3, min 1/8 and max 1/3.
    await expect(band.locator('.jp-mlflow-Legend')).toContainText(
      'loss (6 trials): at step 3 mean 0.202976, min 0.125, max 0.333333'
    );
    await sweep.screenshot({
      path: test.info().outputPath('runs-sweep-band.png')
    });
    await sweep.getByLabel('Group by').selectOption('lr');
    await expect(band).toHaveAttribute('data-group-count', String(CHILDREN));
    await expect(band.locator('.jp-mlflow-Legend-item').first()).toContainText(
      'lr = 0 (1 trial): at step 3 mean 0.333333'
    );

    // After a reload the layout restorer brings the browser back (not the launcher, which
    // Galata's reload waits for), on the same workspace and experiment.
    // Galata's reload takes waitForIsReady at run time; its fixture type is Playwright's.
    const galataReload = page.reload as (options: {
      waitForIsReady: boolean;
    }) => Promise<unknown>;
    await galataReload.call(page, { waitForIsReady: false });
    await expect(browser).toBeVisible({ timeout: 60_000 });
    await expect(
      browser.getByRole('button', { name: experiment, exact: true })
    ).toHaveAttribute('aria-current', 'true', { timeout: 60_000 });
    await expect(grid).toHaveAttribute('aria-rowcount', String(TOP + 2), {
      timeout: 60_000
    });

    // Columns: untick a parameter with the keyboard; the choice is a setting and survives a
    // reload.
    const header = (id: string) =>
      browser.locator(`[role="columnheader"][data-column="${id}"]`);
    await expect(header('param:model')).toHaveCount(1);
    await browser.getByRole('button', { name: 'Columns…' }).click();
    const dialog = page.getByRole('dialog');
    const modelBox = dialog
      .getByRole('group', { name: 'Parameters' })
      .getByRole('checkbox', { name: 'model', exact: true });
    await expect(modelBox).toBeChecked();
    const dialogAxe = await new AxeBuilder({ page })
      .include('.jp-mlflow-ColumnChoice')
      .analyze();
    expect(dialogAxe.violations.map(v => `${v.id}: ${v.nodes.length}`)).toEqual(
      []
    );
    await modelBox.focus();
    await page.keyboard.press('Space');
    await expect(modelBox).not.toBeChecked();
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await expect(header('param:model')).toHaveCount(0);
    await expect(header('param:lr')).toHaveCount(1);
    await galataReload.call(page, { waitForIsReady: false });
    await expect(grid).toHaveAttribute('aria-rowcount', String(TOP + 2), {
      timeout: 60_000
    });
    await expect(header('param:lr')).toHaveCount(1);
    await expect(header('param:model')).toHaveCount(0);
  });
});

test.describe('Run browser at half a screen', () => {
  test.setTimeout(300_000);

  test("opens the notebook's experiment created after the list was read, readable at 534 px", async ({
    page,
    request
  }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    // The setup cell names the experiment after the notebook: a long, realistic name.
    const experiment = `diabetes-regression-half-${Date.now()}`;
    await page.notebook.createNew(`${experiment}.ipynb`);
    const panel = await addServerWorkspace(page, 'Half server', MLFLOW_URL);
    await panel.getByRole('button', { name: 'Insert setup cell' }).click();
    await expect(page.locator('.jp-Notebook .jp-Cell')).toHaveCount(2);

    // The browser reads the list before the experiment exists (the cell has not run yet)…
    await panel.getByRole('button', { name: 'Browse runs' }).click();
    const browser = page.locator('#jp-mlflow-runs-browser');
    await expect(
      browser.locator('.jp-mlflow-ExperimentItem-open[aria-current="true"]')
    ).toHaveCount(1, { timeout: 60_000 });

    // …then the cell runs: the experiment and its runs appear on the server.
    const { experiment_id } = await call(request, 'experiments/create', {
      name: experiment
    });
    const metrics = ['mae', 'mse', 'r2', 'rmse'];
    const params = ['alpha', 'fit_intercept', 'max_iter', 'solver'];
    for (let i = 0; i < 3; i++) {
      const { run } = await call(request, 'runs/create', {
        experiment_id,
        run_name: `ridge-${i}`,
        start_time: Date.now()
      });
      await call(request, 'runs/log-batch', {
        run_id: run.info.run_id,
        params: params.map(key => ({ key, value: `${key}-${i}` })),
        metrics: metrics.map(key => ({
          key,
          value: i + 0.5,
          timestamp: Date.now(),
          step: 0
        }))
      });
    }

    // Back in the notebook, then "Browse runs" again: the notebook's experiment opens.
    await page.notebook.activate(`${experiment}.ipynb`);
    await panel.getByRole('button', { name: 'Browse runs' }).click();
    const mine = browser.locator('.jp-mlflow-ExperimentItem', {
      has: page.locator('.jp-mlflow-Badge.jp-mod-notebook')
    });
    const name = mine.getByRole('button', { name: experiment, exact: true });
    await expect(name).toHaveAttribute('aria-current', 'true', {
      timeout: 60_000
    });
    const grid = browser.getByRole('grid', { name: 'Runs' });
    await expect(grid).toHaveAttribute('aria-rowcount', '4', {
      timeout: 60_000
    });

    /** The name's shown width: it must not be squeezed to nothing by the badge and buttons. */
    const nameWidth = () => name.evaluate(node => node.clientWidth);
    // A full screen (the issue saw 0 px at 1072 px too).
    expect(await nameWidth()).toBeGreaterThan(80);

    // Half a screen: the MLflow Runs tab 534 px wide (as beside Live Metrics).
    await page.sidebar.close('left');
    const tabWidth = () =>
      browser.evaluate(node => node.getBoundingClientRect().width);
    await page.setViewportSize({ width: 800, height: 800 });
    await page.setViewportSize({
      width: Math.round(800 + 534 - (await tabWidth())),
      height: 800
    });
    await expect.poll(tabWidth).toBeLessThan(540);
    expect(await tabWidth()).toBeGreaterThan(528);
    await expect(name).toBeVisible();
    expect(await nameWidth()).toBeGreaterThan(80);

    // No sideways scrolling: the table shows the columns that fit and says what it hid.
    const noSideways = (selector: string) =>
      browser
        .locator(selector)
        .evaluate(node => node.scrollWidth - node.clientWidth);
    expect(await noSideways('.jp-mlflow-RunTable-body')).toBeLessThanOrEqual(0);
    expect(await noSideways('.jp-mlflow-RunsBrowser-main')).toBeLessThanOrEqual(
      0
    );
    await expect(
      browser.locator('.jp-mlflow-RunTable-hidden[data-hidden-count]')
    ).toBeVisible();
    await expect(
      browser.locator('[role="columnheader"][data-column="metric:mae"]')
    ).toBeVisible();

    // Run details: their close button is in view, also after scrolling them, and works.
    await browser.locator('.jp-mlflow-RunTable-row').first().click();
    const details = browser.locator('.jp-mlflow-RunDetails');
    await expect(details).toContainText('Parameters (4)');
    const close = details.getByRole('button', { name: 'Close run details' });
    await expect(close).toBeInViewport({ ratio: 1 });
    await details.evaluate(node => {
      node.scrollTop = node.scrollHeight;
    });
    await expect(close).toBeInViewport({ ratio: 1 });
    const box = (await browser.boundingBox())!;
    const closeBox = (await close.boundingBox())!;
    expect(closeBox.x + closeBox.width).toBeLessThanOrEqual(box.x + box.width);
    await browser.screenshot({
      path: test.info().outputPath('runs-browser-half.png')
    });
    const axe = await new AxeBuilder({ page })
      .include('#jp-mlflow-runs-browser')
      .analyze();
    expect(axe.violations.map(v => `${v.id}: ${v.nodes.length}`)).toEqual([]);
    await close.click();
    await expect(details).toHaveCount(0);
    await expect(grid).toBeVisible();
  });
});
