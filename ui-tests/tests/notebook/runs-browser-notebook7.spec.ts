import { expect, test } from '@playwright/test';

// Notebook 7 has one main widget per page: the run browser opens in the right sidebar there.
test('the run browser opens in Notebook 7', async ({ page, baseURL }) => {
  const errors: string[] = [];
  page.on('pageerror', error => errors.push(String(error)));

  await page.goto(`${baseURL ?? 'http://localhost:8888'}/tree`);
  await page.waitForSelector('#main-panel');
  await page.waitForFunction(
    () => (window as any).jupyterapp?.commands !== undefined
  );
  await page.evaluate(() =>
    (window as any).jupyterapp.commands.execute(
      'mlflow-workspace:open-runs-browser'
    )
  );
  const browser = page.locator('#jp-mlflow-runs-browser');
  await expect(browser).toBeVisible();
  // The local workspace is selected first; its experiments list (or its "not started" notice)
  // renders without errors.
  await expect(
    browser.locator('.jp-mlflow-ExperimentList, .jp-mlflow-RunsBrowser-empty')
  ).toBeVisible();
  expect(errors.filter(text => /mlflow/i.test(text))).toEqual([]);
});
