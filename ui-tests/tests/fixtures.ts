import { test as base } from '@jupyterlab/galata';

export { expect } from '@jupyterlab/galata';

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
