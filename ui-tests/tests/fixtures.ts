import {
  expect,
  IJupyterLabPageFixture,
  test as base
} from '@jupyterlab/galata';
import { Locator } from '@playwright/test';

export { expect } from '@jupyterlab/galata';

/** The tests' own MLflow server (playwright.config.js; MLFLOW_UITEST_PORT moves it). */
export const MLFLOW_URL =
  process.env.MLFLOW_UITEST_URL ?? 'http://127.0.0.1:5077';

/**
 * Galata's test fixture, with our REST routes going to the real server.
 *
 * Galata mocks JupyterLab's layout workspaces with a route matching any `.../api/workspaces...`
 * URL, which also catches `/mlflow-workspace/api/workspaces`; routes added later win in
 * Playwright, so this one sends our namespace straight to the network. (Only Galata's mock is
 * affected; a real JupyterLab serves both paths as they are.)
 */
export const test = base.extend<{ realMlflowWorkspaceRoutes: void }>({
  realMlflowWorkspaceRoutes: [
    async ({ page }, use) => {
      await page.route(/\/mlflow-workspace\//, route => route.continue());
      // The page loaded before this route existed: ask for the workspaces again.
      await page.evaluate(() =>
        window.jupyterapp.commands.execute('mlflow-workspace:refresh-status')
      );
      await use();
    },
    { auto: true }
  ]
});

/**
 * Open the ML Workspace panel, add an "MLflow server" workspace (no authentication) and wait
 * until it is the selected one. Returns the panel.
 */
export async function addServerWorkspace(
  page: IJupyterLabPageFixture,
  name: string,
  url: string
): Promise<Locator> {
  await page.sidebar.openTab('jp-mlflow-workspace-panel');
  const panel = page.locator('#jp-mlflow-workspace-panel');
  await panel.getByRole('button', { name: 'Add workspace…' }).click();
  const form = panel.getByRole('form', { name: 'Add workspace' });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Tracking URL').fill(url);
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(panel.locator('.jp-mlflow-WorkspaceDetails')).toHaveAttribute(
    'aria-label',
    `Workspace ${name}`
  );
  return panel;
}
