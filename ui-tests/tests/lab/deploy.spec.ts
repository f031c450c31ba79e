import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '../fixtures';
import * as path from 'path';

const PANEL_ID = 'jp-mlflow-workspace-panel';

// One statement per line: the editor auto-indents what Galata types into it.
const TRAIN = [
  'from sklearn.datasets import load_diabetes',
  'from sklearn.linear_model import LinearRegression',
  'X, y = load_diabetes(return_X_y=True, as_frame=True)',
  'run = mlflow.start_run(run_name="to-deploy")',
  'info = mlflow.sklearn.log_model(LinearRegression().fit(X, y), name="model", input_example=X.head(3), pip_requirements=["scikit-learn"])',
  'mlflow.end_run()',
  'print("logged", info.model_uri)'
].join('\n');

test.describe('Deploy a model as a local web service', () => {
  // A real MLflow server, a real training cell and a real scoring server on 2 cores.
  test.setTimeout(600_000);

  test('toolbar Deploy → local → healthy → Call endpoint → Stop', async ({
    page
  }) => {
    // A small laptop screen: the dialog's primary buttons must show without scrolling.
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.notebook.createNew('deploy.ipynb');
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
    await page.notebook.addCell('code', TRAIN);
    await page.notebook.run();
    await expect(
      page.locator('.jp-Notebook .jp-OutputArea-output', { hasText: 'logged' })
    ).toContainText('models:/', { timeout: 180_000 });

    await page
      .locator(
        '.jp-NotebookPanel-toolbar [data-command="mlflow-workspace:deploy"]'
      )
      .click();
    const dialog = page.locator('.jp-Dialog .jp-mlflow-DeployDialog');
    await expect(dialog).toBeVisible();
    // The notebook's run's model is chosen, and the pre-flight read it.
    await expect(dialog.locator('[data-model-uri]')).toContainText('models:/', {
      timeout: 60_000
    });
    await expect(dialog.locator('[data-flavors]')).toContainText('sklearn', {
      timeout: 120_000
    });
    await expect(dialog.locator('.jp-mlflow-Preflight')).toContainText(
      'logged (Call endpoint starts from it)'
    );

    // The dialog is accessible: labelled fields, roles, contrast in the light theme.
    const axe = await new AxeBuilder({ page })
      .include('.jp-mlflow-DeployDialog')
      .analyze();
    expect(
      axe.violations.map(
        v => `${v.id}: ${v.nodes.map(n => n.target).join(', ')}`
      )
    ).toEqual([]);

    // Insert code and Deploy now are in view at 1280×720 without scrolling: inside the
    // dialog's visible body, not below its fold.
    const insertCode = dialog.getByRole('button', { name: 'Insert code' });
    const deployNow = dialog.getByRole('button', { name: 'Deploy now' });
    const body = (await page.locator('.jp-Dialog-body').boundingBox())!;
    for (const button of [insertCode, deployNow]) {
      await expect(button).toBeInViewport({ ratio: 1 });
      const box = (await button.boundingBox())!;
      expect(box.y).toBeGreaterThanOrEqual(body.y);
      expect(box.y + box.height).toBeLessThanOrEqual(body.y + body.height);
    }

    // The service is named after the run, not the logged model's id (m-…).
    await expect(dialog.getByLabel('Service name')).toHaveValue('to-deploy');
    await dialog.getByLabel('Service name').fill('diabetes "lr" ✓');
    const clicked = Date.now();
    await deployNow.click();
    // A long wait shows how long it has lasted.
    await expect(
      dialog.locator('[data-phase="running"] [data-elapsed]')
    ).toBeVisible();
    const deployment = dialog.locator('.jp-mlflow-Deployment');
    await expect(deployment).toHaveAttribute('data-state', 'ready', {
      timeout: 300_000
    });
    // A figure for the closing note, not a timed assertion.
    console.log(
      `Deploy now → healthy: ${((Date.now() - clicked) / 1000).toFixed(1)} s`
    );
    await expect(dialog.locator('.jp-mlflow-DeployPhase')).toHaveAttribute(
      'data-phase',
      'deployed'
    );
    await expect(deployment).toContainText('diabetes "lr" ✓');
    await expect(deployment).toContainText('http://127.0.0.1:');
    // Healthy: a second Deploy now would only clash; Insert code stays available.
    await expect(deployNow).toBeDisabled();
    await expect(insertCode).toBeEnabled();
    await expect(deployNow).toBeInViewport({ ratio: 1 });

    // The body starts from the logged input example; the model answers with predictions.
    await expect(dialog.getByLabel('Request body (JSON)')).toHaveValue(
      /dataframe_split/
    );
    await dialog.getByRole('button', { name: 'Send' }).click();
    const answer = dialog.locator('.jp-mlflow-CallAnswer');
    await expect(answer).toHaveAttribute('data-status', '200', {
      timeout: 60_000
    });
    await expect(answer).toContainText('predictions');
    await page.locator('.jp-Dialog-content').screenshot({
      path: path.join(__dirname, '..', '..', '..', 'docs', 'deploy.png')
    });

    // A broken body gets the model's own error, not a crash.
    await dialog
      .getByLabel('Request body (JSON)')
      .fill('{"dataframe_split": {"columns": ["nope"], "data": [[1]]}}');
    await dialog.getByRole('button', { name: 'Send' }).click();
    await expect(answer).not.toHaveAttribute('data-status', '200', {
      timeout: 60_000
    });

    // The cell ran visibly in the notebook.
    await expect(
      page.locator('.jp-Notebook .jp-OutputArea-output', {
        hasText: 'Serving'
      })
    ).toContainText('http://127.0.0.1:');

    // The Deployments section of the panel lists it; Stop from the dialog removes it.
    const listed = panel.locator(
      '.jp-mlflow-DeploymentList .jp-mlflow-Deployment'
    );
    await expect(listed).toHaveCount(1);
    await expect(listed).toHaveAttribute('data-state', 'ready');
    await dialog.getByRole('button', { name: 'Stop' }).click();
    await page
      .locator('.jp-Dialog')
      .getByRole('button', { name: 'Close' })
      .first()
      .click();
    await expect(listed).toHaveCount(0, { timeout: 60_000 });
  });
});
