import { expect, test } from '@playwright/test';
import * as path from 'path';

/**
 * Issue 12, the newcomer stage: the URL README command 1 printed, opened exactly as printed,
 * logs in to JupyterLab, and the ML Workspace panel is ready with the local workspace listed.
 */
const URL = process.env.NEWCOMER_URL ?? '';
const PANEL_ID = 'jp-mlflow-workspace-panel';

test('the printed URL opens JupyterLab with the ML Workspace panel ready', async ({
  page
}) => {
  expect(URL, 'NEWCOMER_URL: the URL dev.sh printed').toMatch(/^http/);
  await page.goto(URL);
  // Logged in: JupyterLab itself, not Jupyter's login form.
  await expect(page.locator('#jupyterlab-splash')).toBeHidden();
  await expect(page.locator('.jp-LabShell')).toBeVisible();
  await expect(page).not.toHaveURL(/\/login/);

  // The panel's tab in the left sidebar, where README's first steps point.
  const tab = page.locator(`.jp-SideBar [data-id="${PANEL_ID}"]`);
  await expect(tab).toHaveAttribute('title', 'ML Workspace');
  await tab.click();
  const panel = page.locator(`#${PANEL_ID}`);
  await expect(panel).toBeVisible();
  const status = panel.locator('.jp-mlflow-Status');
  await expect(status).toHaveAttribute('data-status', 'ready');
  await expect(status).toContainText('Ready');
  const local = panel.locator(
    '.jp-mlflow-WorkspaceItem[data-workspace="local"]'
  );
  await expect(local).toBeVisible();
  await expect(local).toContainText('Local');

  // Not a committed screenshot (the journey test writes README's): kept for whoever debugs.
  await page.screenshot({
    path: path.join(test.info().outputDir, 'first-screen.png')
  });
});
