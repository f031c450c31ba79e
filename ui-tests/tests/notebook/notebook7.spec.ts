import { expect, test } from '@playwright/test';

const PANEL_ID = 'jp-mlflow-workspace-panel';

// Notebook 7 has its own shell: no Launcher and no galata page helpers, so plain Playwright.
test('the ML Workspace panel loads in Notebook 7', async ({
  page,
  baseURL
}) => {
  const errors: string[] = [];
  page.on('pageerror', error => errors.push(String(error)));

  await page.goto(`${baseURL ?? 'http://localhost:8888'}/tree`);
  await page.waitForSelector('#main-panel');
  await page.waitForFunction(
    () => (window as any).jupyterapp?.commands !== undefined
  );

  await page.evaluate(() =>
    (window as any).jupyterapp.commands.execute('mlflow-workspace:open-panel')
  );
  const panel = page.locator(`#${PANEL_ID}`);
  await expect(panel).toBeVisible();
  await expect(panel.locator('.jp-mlflow-Status')).toHaveAttribute(
    'data-status',
    'ready'
  );
  expect(errors.filter(text => /mlflow/i.test(text))).toEqual([]);
});
