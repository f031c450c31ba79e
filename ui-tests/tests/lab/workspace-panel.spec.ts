import { expect, test } from '../fixtures';

const PANEL_ID = 'jp-mlflow-workspace-panel';

test.describe('ML Workspace panel in JupyterLab', () => {
  test('opens from the left sidebar and shows the server part ready', async ({
    page
  }) => {
    const tab = page.locator(`.jp-SideBar [data-id="${PANEL_ID}"]`);
    await expect(tab).toHaveAttribute('title', 'ML Workspace');

    await page.sidebar.openTab(PANEL_ID);
    const panel = page.locator(`#${PANEL_ID}`);
    await expect(panel).toBeVisible();
    const status = panel.locator('.jp-mlflow-Status');
    await expect(status).toHaveAttribute('data-status', 'ready');
    await expect(status).toContainText('Ready');
  });

  test('the Deployments list is asked for while shown, not while collapsed', async ({
    page
  }) => {
    await page.sidebar.openTab(PANEL_ID);
    const panel = page.locator(`#${PANEL_ID}`);
    const section = panel.locator('.jp-mlflow-DeploymentsSection');
    await expect(section).toBeVisible();
    let asked = 0;
    page.on('request', request => {
      // ServerConnection adds a cache-busting query to GETs.
      if (/\/mlflow-workspace\/api\/deployments(\?\d*)?$/.test(request.url())) {
        asked++;
      }
    });
    // Expanded and visible: polled every 5 s.
    await expect.poll(() => asked, { timeout: 15_000 }).toBeGreaterThan(0);
    await panel
      .locator('.jp-AccordionPanel-title', { hasText: 'Deployments' })
      .click();
    await expect(section).toBeHidden();
    const before = asked;
    await page.waitForTimeout(7_000);
    expect(asked).toBe(before);
    // Expanded again: asked for again.
    await panel
      .locator('.jp-AccordionPanel-title', { hasText: 'Deployments' })
      .click();
    await expect.poll(() => asked, { timeout: 15_000 }).toBeGreaterThan(before);
  });

  test('the palette command opens the panel', async ({ page }) => {
    await page.evaluate(() =>
      window.jupyterapp.commands.execute('mlflow-workspace:open-panel')
    );
    await expect(page.locator(`#${PANEL_ID}`)).toBeVisible();
    expect(await page.sidebar.isTabOpen(PANEL_ID)).toBe(true);
  });

  test('loads without console errors from the extension', async ({ page }) => {
    const errors: string[] = [];
    page.on('console', message => {
      if (message.type() === 'error') {
        errors.push(message.text());
      }
    });
    page.on('pageerror', error => errors.push(String(error)));
    await page.reload();
    await page.waitForSelector('#jupyterlab-splash', { state: 'detached' });
    await page.sidebar.openTab(PANEL_ID);
    await expect(
      page.locator(`#${PANEL_ID} .jp-mlflow-Status`)
    ).toHaveAttribute('data-status', 'ready');
    const ours = errors.filter(text =>
      /mlflow[-_]workspace|jp-mlflow/i.test(text)
    );
    expect(ours).toEqual([]);
  });
});
