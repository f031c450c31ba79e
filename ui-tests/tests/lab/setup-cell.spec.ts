import { expect, MLFLOW_URL, test } from '../fixtures';
import * as path from 'path';

const PANEL_ID = 'jp-mlflow-workspace-panel';

test.describe('MLflow server workspace and setup cell', () => {
  test.setTimeout(300_000);

  test('add a workspace, test it, insert its setup cell, run it, see the run', async ({
    page
  }) => {
    await page.notebook.createNew('setup-cell.ipynb');
    await page.sidebar.openTab(PANEL_ID);
    const panel = page.locator(`#${PANEL_ID}`);

    await panel.getByRole('button', { name: 'Add workspace…' }).click();
    const form = panel.getByRole('form', { name: 'Add workspace' });
    await form.getByLabel('Name').fill('Team "server" ✓');
    await form
      .getByLabel('Tracking URL')
      .fill(MLFLOW_URL.replace('http://', 'https://me:secret@'));
    await form.getByRole('button', { name: 'Save' }).click();
    // Credentials in the URL are refused in plain words, and the typed text stays.
    await expect(form).toContainText('Remove the credentials from the URL');
    await expect(form.getByLabel('Name')).toHaveValue('Team "server" ✓');
    await form.getByLabel('Tracking URL').fill(MLFLOW_URL);
    await form.getByRole('button', { name: 'Save' }).click();

    const details = panel.locator('.jp-mlflow-WorkspaceDetails');
    await expect(details).toContainText(MLFLOW_URL);
    await details.getByRole('button', { name: 'Test connection' }).click();
    await expect(details.locator('.jp-mlflow-TestResult')).toHaveAttribute(
      'data-result',
      'ready',
      { timeout: 60_000 }
    );

    await details.getByRole('button', { name: 'Insert setup cell' }).click();
    await expect(page.locator('.jp-Notebook .jp-Cell')).toHaveCount(2);
    const setup = await page.notebook.getCellTextInput(1);
    expect(setup).toContain(`"${MLFLOW_URL}"`);
    expect(setup).toContain('mlflow.set_experiment("setup-cell")');

    await page.notebook.addCell(
      'code',
      'with mlflow.start_run(run_name="galata-run"):\n    mlflow.log_metric("m", 1.0)'
    );
    await page.notebook.run();
    await expect(
      page.locator('.jp-Notebook .jp-OutputArea-output', {
        hasText: 'runs go to'
      })
    ).toContainText(MLFLOW_URL, { timeout: 120_000 });

    const run = details.locator('.jp-mlflow-RunItem', {
      hasText: 'galata-run'
    });
    await expect(run).toBeVisible({ timeout: 60_000 });
    await expect(run).toContainText('FINISHED');
    await expect(details.locator('[data-kernel-uri]')).toContainText(
      MLFLOW_URL
    );

    await panel.screenshot({
      path: path.join(__dirname, '..', '..', '..', 'docs', 'setup-cell.png')
    });
  });
});
