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

test('the notebook toolbar has Deploy in Notebook 7, and it opens the dialog', async ({
  page,
  baseURL
}) => {
  const base = baseURL ?? 'http://localhost:8888';
  const created = await page.request.put(
    `${base}/api/contents/nb7-deploy.ipynb`,
    {
      data: {
        type: 'notebook',
        format: 'json',
        content: {
          cells: [],
          metadata: {
            kernelspec: {
              name: 'python3',
              display_name: 'Python 3',
              language: 'python'
            }
          },
          nbformat: 4,
          nbformat_minor: 5
        }
      }
    }
  );
  expect(created.ok()).toBe(true);
  await page.goto(`${base}/notebooks/nb7-deploy.ipynb`);
  const deploy = page.locator('[data-command="mlflow-workspace:deploy"]');
  await expect(deploy).toBeVisible({ timeout: 60_000 });
  await expect(deploy.locator('button')).toBeEnabled({ timeout: 60_000 });
  await deploy.click();
  const dialog = page.locator('.jp-Dialog .jp-mlflow-DeployDialog');
  await expect(dialog).toBeVisible();
  // A new notebook has no runs yet: the dialog says so, and the typed URI path is open.
  await expect(dialog.getByLabel('Model URI')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
});
