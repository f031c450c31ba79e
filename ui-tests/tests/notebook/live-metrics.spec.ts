import { expect, test } from '@playwright/test';

// Notebook 7's main area holds the one document: the Live metrics view goes to the right panel.
test('the Live metrics view opens in Notebook 7’s right panel and follows the notebook', async ({
  page,
  baseURL,
  request
}) => {
  const base = baseURL ?? 'http://localhost:8888';
  const name = `nb7-live-${Date.now()}.ipynb`;
  const created = await request.put(`${base}/api/contents/${name}`, {
    data: { type: 'notebook' }
  });
  expect(created.ok()).toBe(true);
  const errors: string[] = [];
  page.on('pageerror', error => errors.push(String(error)));

  await page.goto(`${base}/notebooks/${name}`);
  await page.waitForFunction(
    () => (window as any).jupyterapp?.commands !== undefined
  );
  await page.waitForSelector('.jp-Notebook');
  // A new notebook asks for its kernel first, as a user sees it: take the proposed one.
  const kernelDialog = page.locator('.jp-Dialog', { hasText: 'Select Kernel' });
  await kernelDialog.waitFor({ timeout: 30_000 }).catch(() => undefined);
  if (await kernelDialog.isVisible()) {
    await kernelDialog.getByRole('button', { name: 'Select' }).click();
  }
  // Where users look: the notebook's toolbar (declared in schema/charts.json, like Deploy).
  await page
    .locator(
      '.jp-NotebookPanel-toolbar [data-jp-item-name="mlflow-workspace-live-metrics"]'
    )
    .getByRole('button')
    .click();
  const view = page.locator('#jp-mlflow-live-metrics');
  await expect(view).toBeVisible({ timeout: 60_000 });
  expect(
    await view.evaluate(node => node.closest('#jp-right-stack') !== null)
  ).toBe(true);
  await expect(view.locator('.jp-mlflow-LiveMetrics-notebook')).toHaveText(
    name
  );
  await expect(view.getByRole('status')).toContainText('No metrics yet', {
    timeout: 60_000
  });
  expect(errors.filter(text => /mlflow/i.test(text))).toEqual([]);
});
