import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '../fixtures';
import * as path from 'path';

const PANEL_ID = 'jp-mlflow-workspace-panel';

// One statement per line: the editor auto-indents what Galata types into it.
const TRAIN_AND_SERVE = [
  'from sklearn.datasets import load_diabetes',
  'from sklearn.linear_model import LinearRegression',
  'from jupyterlab_mlflow_workspace import deploy_local, log_baseline',
  'X, y = load_diabetes(return_X_y=True, as_frame=True)',
  'run = mlflow.start_run(run_name="monitored")',
  'model = LinearRegression().fit(X, y)',
  'info = mlflow.sklearn.log_model(model, name="model", pip_requirements=["scikit-learn"])',
  'log_baseline(X, predictions=model.predict(X))',
  'mlflow.end_run()',
  'served = deploy_local(info.model_uri, name="monitored")'
].join('\n');

// Traffic from the notebook, straight to the scoring URI: 300 rows as in training, then 600
// with bmi moved by about two standard deviations.
const TRAFFIC = [
  'import json, urllib.request',
  'opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))',
  'calm = X.sample(300, replace=True, random_state=1)',
  'shifted = X.sample(600, replace=True, random_state=2).assign(bmi=lambda d: d.bmi + 0.1)',
  'bodies = [json.dumps({"dataframe_split": json.loads(f.to_json(orient="split", index=False))}).encode() for f in (calm, shifted)]',
  'codes = [opener.open(urllib.request.Request(served["scoring_uri"], data=b, headers={"Content-Type": "application/json"})).status for b in bodies]',
  'print("sent", codes)'
].join('\n');

test.describe('Monitor a local web service', () => {
  // A real MLflow server, a training cell, a scoring server and its traffic on 2 cores.
  test.setTimeout(600_000);

  test('deploy → traffic from a cell → Monitor shows requests, latency and the drifted feature', async ({
    page
  }) => {
    await page.notebook.createNew('monitor.ipynb');
    await page.sidebar.openTab(PANEL_ID);
    const panel = page.locator(`#${PANEL_ID}`);
    await panel
      .locator('.jp-mlflow-WorkspaceItem[data-workspace="local"]')
      .click();
    const details = panel.locator(
      '.jp-mlflow-WorkspaceDetails[data-workspace="local"]'
    );
    await details.getByRole('button', { name: 'Test connection' }).click();
    await expect(details.locator('.jp-mlflow-TestResult')).toHaveAttribute(
      'data-result',
      'ready',
      { timeout: 240_000 }
    );
    await details.getByRole('button', { name: 'Insert setup cell' }).click();
    await page.notebook.addCell('code', TRAIN_AND_SERVE);
    await page.notebook.addCell('code', TRAFFIC);
    await page.notebook.run();
    await expect(
      page.locator('.jp-Notebook .jp-OutputArea-output', { hasText: 'sent' })
    ).toContainText('sent [200, 200]', { timeout: 400_000 });
    await expect(
      page.locator('.jp-Notebook .jp-OutputArea-output', {
        hasText: 'Baseline profile'
      })
    ).toContainText('9 numeric, 1 categorical');

    // The panel's Deployments list opens the Monitor view.
    const listed = panel.locator('.jp-mlflow-DeploymentList li', {
      hasText: 'monitored'
    });
    const opened = Date.now();
    await listed.getByRole('button', { name: 'Monitor' }).click();
    const view = page.locator('.jp-mlflow-Monitor');
    await expect(view).toBeVisible();
    const figure = (name: string) =>
      view.locator(`[data-figure="${name}"] .jp-mlflow-Monitor-figureValue`);
    await expect(figure('requests')).toHaveText('2', { timeout: 60_000 });
    await expect(view.locator('[data-chart="latency"] canvas')).toBeVisible();
    // A figure for the closing note, not a timed assertion.
    console.log(
      `Monitor open → latency chart painted: ${Date.now() - opened} ms`
    );
    await expect(figure('sampled')).toHaveText('900');
    const bmi = view.locator('tr[data-feature="bmi"]');
    await expect(bmi).toHaveAttribute('data-status', 'drift', {
      timeout: 60_000
    });
    await expect(bmi).toContainText('ks');
    // Only bmi was moved: the other nine stay (rounded by pandas' to_json on the way, too).
    await expect(view.locator('.jp-mlflow-Monitor-dataset')).toContainText(
      '1 of 10 features drifted'
    );
    await bmi.click();
    // Charts draw only near the viewport: the distributions are below the table.
    const distribution = view.locator('[data-distribution="bmi"]');
    await distribution.scrollIntoViewIfNeeded();
    await expect(distribution.locator('canvas')).toBeVisible();
    await page.locator('.jp-mlflow-MonitorBody').screenshot({
      path: path.join(__dirname, '..', '..', '..', 'docs', 'monitor.png')
    });

    const axe = await new AxeBuilder({ page })
      .include('.jp-mlflow-Monitor')
      .analyze();
    expect(
      axe.violations.map(
        v => `${v.id}: ${v.nodes.map(n => n.target).join(', ')}`
      )
    ).toEqual([]);

    // Stop from the panel: the service goes, and the list forgets it.
    await listed.getByRole('button', { name: 'Stop' }).click();
    await expect(listed).toHaveCount(0, { timeout: 60_000 });
  });
});
