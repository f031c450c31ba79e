import { expect, test } from '../fixtures';
import * as path from 'path';

const PANEL_ID = 'jp-mlflow-workspace-panel';

test.describe('Local MLflow workspace', () => {
  // Starting a real MLflow server takes a while on a 2-core machine.
  test.setTimeout(300_000);

  test('Test connection starts the local server and turns green', async ({
    page
  }) => {
    await page.sidebar.openTab(PANEL_ID);
    const panel = page.locator(`#${PANEL_ID}`);
    const local = panel.locator(
      '.jp-mlflow-WorkspaceItem[data-workspace="local"]'
    );
    await expect(local).toBeVisible();
    await local.click();
    await expect(local).toHaveAttribute('aria-selected', 'true');

    const details = panel.locator(
      '.jp-mlflow-WorkspaceDetails[data-workspace="local"]'
    );
    await expect(details.locator('.jp-mlflow-LocalServer')).toBeVisible();
    await expect(details).toContainText('Data folder');

    await details.getByRole('button', { name: 'Test connection' }).click();
    const result = details.locator('.jp-mlflow-TestResult');
    await expect(result).toHaveAttribute('data-result', 'ready', {
      timeout: 240_000
    });
    await expect(result).toContainText('Ready: MLflow');
    await expect(details.locator('.jp-mlflow-LocalServer')).toHaveAttribute(
      'data-state',
      'ready',
      { timeout: 30_000 }
    );
    await expect(details).toContainText('http://127.0.0.1:');

    // The README's screenshot (commit it when the UI changes).
    await panel.screenshot({
      path: path.join(__dirname, '..', '..', '..', 'docs', 'panel.png')
    });
  });
});
