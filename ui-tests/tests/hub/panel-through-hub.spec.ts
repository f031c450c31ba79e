import { expect, test } from '@playwright/test';

/**
 * Issue 16: a JupyterHub user logs in through the hub's own login form and gets JupyterLab under
 * /user/<name>/ with the ML Workspace panel ready and the local workspace listed (every request
 * of the panel goes through the hub's proxy and the base URL).
 */
const HUB = process.env.HUB_URL ?? '';
const USER = process.env.HUB_USER ?? '';
const PASSWORD = process.env.HUB_PASSWORD ?? '';
const PANEL_ID = 'jp-mlflow-workspace-panel';

test('a hub user gets the ML Workspace panel under /user/<name>/', async ({
  page
}) => {
  expect(HUB, 'HUB_URL: the hub test starts it').toMatch(/^http/);
  await page.goto(`${HUB}/hub/login`);
  await page.locator('#username_input').fill(USER);
  await page.locator('#password_input').fill(PASSWORD);
  await page.locator('#login_submit').click();
  await page.goto(`${HUB}/user/${USER}/lab`);
  await expect(page.locator('.jp-LabShell')).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/user/${USER}/lab`));

  await page.locator(`.jp-SideBar [data-id="${PANEL_ID}"]`).click();
  const panel = page.locator(`#${PANEL_ID}`);
  await expect(panel.locator('.jp-mlflow-Status')).toHaveAttribute(
    'data-status',
    'ready'
  );
  await expect(
    panel.locator('.jp-mlflow-WorkspaceItem[data-workspace="local"]')
  ).toContainText('Local');
});
