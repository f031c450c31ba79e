import { addServerWorkspace, expect, MLFLOW_URL, test } from '../fixtures';

const VIEW_ID = 'jp-mlflow-live-metrics';
const STEPS = 60;

// A cell that logs a metric in a loop with short sleeps: long enough to watch it grow.
const LOOP = [
  'import time',
  'import mlflow',
  'with mlflow.start_run(run_name="live-run") as run:',
  `    for i in range(${STEPS}):`,
  '        mlflow.log_metric("loss", 1.0 / (i + 1), step=i)',
  '        time.sleep(0.2)',
  'print("DONE", run.info.run_id)'
].join('\n');

/** The chart's data as the view holds it: (step, value) pairs of every series. */
async function chartPoints(page: any, key: string): Promise<number[][]> {
  return page.evaluate(
    ({ id, key }: { id: string; key: string }) => {
      const app = (window as any).jupyterapp;
      for (const widget of app.shell.widgets('main')) {
        if (widget.id === id) {
          const chart = widget.chartFor(key);
          const out: number[][] = [];
          for (const s of chart?.series ?? []) {
            for (let i = 0; i < s.xs.length; i++) {
              out.push([s.xs[i], s.ys[i]]);
            }
          }
          return out;
        }
      }
      return [];
    },
    { id: VIEW_ID, key }
  );
}

test.describe('Live metric charts', () => {
  test.setTimeout(420_000);

  test('a running cell’s metric grows in the chart, then equals the server history', async ({
    page
  }) => {
    await page.notebook.createNew('live-metrics.ipynb');
    await addServerWorkspace(page, 'Live charts server', MLFLOW_URL);

    // The Connected setup cell: connect() tags runs with the notebook and turns the push on.
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute(
        'mlflow-workspace:insert-setup-cell',
        { variant: 'connected' }
      )
    );
    await expect(page.locator('.jp-Notebook .jp-Cell')).toHaveCount(2);
    expect(await page.notebook.getCellTextInput(1)).toContain('notebook_id=');
    // Through the model: typing into the editor would auto-indent the loop.
    await page.evaluate(source => {
      const panel = (window as any).jupyterapp.shell.currentWidget;
      panel.model.sharedModel.insertCell(2, { cell_type: 'code', source });
    }, LOOP);
    await expect(page.locator('.jp-Notebook .jp-Cell')).toHaveCount(3);
    await page.notebook.runCell(1);
    await expect(
      page.locator('.jp-Notebook .jp-OutputArea-output', {
        hasText: 'runs go to'
      })
    ).toContainText(MLFLOW_URL, { timeout: 180_000 });

    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute(
        'mlflow-workspace:open-live-metrics'
      )
    );
    const view = page.locator(`#${VIEW_ID}`);
    await expect(view).toBeVisible();

    // Run the loop without waiting for it to end.
    await page.notebook.selectCells(2);
    await page.evaluate(() => {
      void (window as any).jupyterapp.commands.execute('notebook:run-cell');
    });
    const done = page.locator('.jp-Notebook .jp-OutputArea-output', {
      hasText: 'DONE'
    });
    const chart = view.locator(
      '.jp-mlflow-LiveMetrics-card[data-metric-key="loss"] .jp-mlflow-MetricChart'
    );
    const count = async () =>
      Number((await chart.getAttribute('data-point-count')) ?? '0');

    await expect(chart).toBeVisible({ timeout: 120_000 });
    await expect.poll(count, { timeout: 120_000 }).toBeGreaterThan(0);
    const first = await count();
    await expect.poll(count, { timeout: 60_000 }).toBeGreaterThan(first);
    // It grew while the cell was still running.
    expect(await done.count()).toBe(0);
    expect(await count()).toBeLessThan(STEPS);
    await expect(
      view.locator('.jp-mlflow-LiveMetrics-run.jp-mod-running')
    ).toContainText('live-run');

    await expect(done).toBeVisible({ timeout: 180_000 });
    // MLflow prints its "View run" lines into the same output.
    const runId = /DONE (\w+)/.exec((await done.textContent()) ?? '')?.[1];
    const reply = await page.request.get(
      `${MLFLOW_URL}/api/2.0/mlflow/metrics/get-history`,
      { params: { run_id: runId ?? '', metric_key: 'loss' } }
    );
    expect(reply.ok()).toBe(true);
    const history: { step: number | string; value: number }[] = (
      await reply.json()
    ).metrics;
    expect(history).toHaveLength(STEPS);
    const expected = history
      .map(m => [Number(m.step), m.value])
      .sort((a, b) => a[0] - b[0]);

    await expect.poll(count, { timeout: 60_000 }).toBe(STEPS);
    expect(await chartPoints(page, 'loss')).toEqual(expected);
    await expect(
      view.locator('.jp-mlflow-LiveMetrics-run', { hasText: 'live-run' })
    ).toHaveAttribute('data-status', 'FINISHED', { timeout: 60_000 });

    // Reopened, the notebook finds its run again on the server (by its notebook id).
    await page.notebook.activate('live-metrics.ipynb');
    await page.notebook.save();
    const notebookPath: string = await page.evaluate(() => {
      for (const w of (window as any).jupyterapp.shell.widgets('main')) {
        if (w.context?.path?.endsWith('live-metrics.ipynb')) {
          return w.context.path;
        }
      }
      return '';
    });
    expect(notebookPath).toContain('live-metrics.ipynb');
    await page.notebook.close();
    await expect(chart).toHaveCount(0);
    await page.evaluate(async path => {
      // Returns the widget, which cannot cross to the test: resolve to nothing.
      await (window as any).jupyterapp.commands.execute('docmanager:open', {
        path
      });
    }, notebookPath);
    // The notebook may open in the view's tab area: bring the view to the front.
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute(
        'mlflow-workspace:open-live-metrics'
      )
    );
    await expect(chart).toHaveAttribute('data-point-count', String(STEPS), {
      timeout: 60_000
    });
    expect(await chartPoints(page, 'loss')).toEqual(expected);
  });

  test('a pinned run of another machine updates by polling', async ({
    page
  }) => {
    // "Another machine": a run written straight to the tracking server's REST API.
    const api = (path: string, data: object) =>
      page.request
        .post(`${MLFLOW_URL}/api/2.0/mlflow/${path}`, { data })
        .then(async r => {
          expect(r.ok()).toBe(true);
          return r.json();
        });
    const { experiment_id } = await api('experiments/create', {
      name: `pinned-${Date.now()}`
    });
    const { run } = await api('runs/create', {
      experiment_id,
      run_name: 'remote-job',
      start_time: Date.now()
    });
    const runId: string = run.info.run_id;
    const log = (from: number, to: number) =>
      api('runs/log-batch', {
        run_id: runId,
        metrics: Array.from({ length: to - from }, (_, i) => ({
          key: 'remote_loss',
          value: 1 / (from + i + 1),
          timestamp: Date.now(),
          step: from + i
        }))
      });
    await log(0, 5);

    await page.notebook.createNew('pinned.ipynb');
    await addServerWorkspace(page, 'Pinned runs server', MLFLOW_URL);
    await page.evaluate(
      id =>
        (window as any).jupyterapp.commands.execute(
          'mlflow-workspace:pin-run',
          {
            runId: id
          }
        ),
      runId
    );
    const view = page.locator(`#${VIEW_ID}`);
    const chart = view.locator(
      '.jp-mlflow-LiveMetrics-card[data-metric-key="remote_loss"] .jp-mlflow-MetricChart'
    );
    await expect(chart).toHaveAttribute('data-point-count', '5', {
      timeout: 60_000
    });
    const legend = view.locator('.jp-mlflow-LiveMetrics-run', {
      hasText: 'remote-job'
    });
    await expect(legend).toHaveAttribute('data-status', 'RUNNING');

    await log(5, 12);
    await expect(chart).toHaveAttribute('data-point-count', '12', {
      timeout: 60_000
    });
    await api('runs/update', {
      run_id: runId,
      status: 'FINISHED',
      end_time: Date.now()
    });
    await expect(legend).toHaveAttribute('data-status', 'FINISHED', {
      timeout: 60_000
    });
    expect((await chartPoints(page, 'remote_loss')).map(p => p[0])).toEqual(
      Array.from({ length: 12 }, (_, i) => i)
    );
  });

  test('without the push (plain setup cell) the chart is polled and says how to get the push', async ({
    page
  }) => {
    await page.notebook.createNew('polled.ipynb');
    await addServerWorkspace(page, 'Polled server', MLFLOW_URL);
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute(
        'mlflow-workspace:insert-setup-cell',
        { variant: 'plain' }
      )
    );
    await expect(page.locator('.jp-Notebook .jp-Cell')).toHaveCount(2);
    const source = [
      'with mlflow.start_run(run_name="polled-run") as run:',
      '    for i in range(8):',
      '        mlflow.log_metric("acc", i / 8, step=i)',
      'print("DONE", run.info.run_id)'
    ].join('\n');
    await page.evaluate(source => {
      const nb = (window as any).jupyterapp.shell.currentWidget;
      nb.model.sharedModel.insertCell(2, { cell_type: 'code', source });
    }, source);
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute(
        'mlflow-workspace:open-live-metrics'
      )
    );
    const view = page.locator(`#${VIEW_ID}`);
    await expect(view).toBeVisible();
    // A kernel without this package (the plain cell pushes whenever the package is importable,
    // issue 12): its import fails as if it were not installed.
    await page.evaluate(() => {
      const nb = (window as any).jupyterapp.shell.currentWidget;
      nb.model.sharedModel.cells[0].setSource(
        'import sys\nsys.modules["jupyterlab_mlflow_workspace.kernel.live"] = None'
      );
    });
    await page.notebook.runCell(0);
    await page.notebook.runCell(1);
    await page.notebook.runCell(2);
    await expect(
      page.locator('.jp-OutputArea-output', { hasText: 'DONE' })
    ).toBeVisible({ timeout: 120_000 });

    const chart = view.locator(
      '.jp-mlflow-LiveMetrics-card[data-metric-key="acc"] .jp-mlflow-MetricChart'
    );
    await expect(chart).toHaveAttribute('data-point-count', '8', {
      timeout: 60_000
    });
    await expect(view.getByRole('status')).toContainText(
      '%pip install jupyterlab-mlflow-workspace'
    );
  });
});
