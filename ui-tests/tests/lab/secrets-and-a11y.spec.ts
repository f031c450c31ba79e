import AxeBuilder from '@axe-core/playwright';
import { expect, MLFLOW_URL, test } from '../fixtures';

const PANEL_ID = 'jp-mlflow-workspace-panel';

test.describe('Secrets stay on the server; the panel is accessible', () => {
  test.setTimeout(180_000);

  test('a saved token appears in no response, notebook, setting or browser storage', async ({
    page,
    tmpPath
  }) => {
    const sentinel = `SENTINEL-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const bodies: string[] = [];
    page.on('response', async response => {
      if (response.url().includes('/mlflow-workspace/')) {
        bodies.push(await response.text().catch(() => ''));
      }
    });

    await page.notebook.createNew('sentinel.ipynb');
    await page.sidebar.openTab(PANEL_ID);
    const panel = page.locator(`#${PANEL_ID}`);
    await panel.getByRole('button', { name: 'Add workspace…' }).click();
    const form = panel.getByRole('form', { name: 'Add workspace' });
    await form.getByLabel('Name').fill('Token server');
    await form.getByLabel('Tracking URL').fill(MLFLOW_URL);
    await form.getByLabel('Authentication').selectOption('token');
    await form.getByLabel('Token', { exact: true }).fill(sentinel);
    await form.getByRole('button', { name: 'Save' }).click();

    const details = panel.locator('.jp-mlflow-WorkspaceDetails');
    await expect(details).toContainText(MLFLOW_URL);
    await details.getByRole('button', { name: 'Test connection' }).click();
    await expect(
      details.locator('.jp-mlflow-TestResult[data-result="ready"]')
    ).toBeVisible({
      timeout: 60_000
    });
    for (const variant of ['plain', 'connected']) {
      await page.evaluate(
        v =>
          window.jupyterapp.commands.execute(
            'mlflow-workspace:insert-setup-cell',
            { variant: v }
          ),
        variant
      );
    }
    await page.notebook.save();

    // Editing shows that a token is saved, never the token.
    await details.getByRole('button', { name: 'Edit' }).click();
    const edit = panel.getByRole('form', { name: 'Edit workspace' });
    await expect(edit.getByLabel('Token', { exact: true })).toHaveValue('');
    await expect(edit.getByLabel('Token', { exact: true })).toHaveAttribute(
      'placeholder',
      'saved — leave empty to keep'
    );
    await edit.getByRole('button', { name: 'Cancel' }).click();

    const notebook = await page.evaluate(
      async path =>
        JSON.stringify(
          (
            await window.jupyterapp.serviceManager.contents.get(path, {
              content: true
            })
          ).content
        ),
      `${tmpPath}/sentinel.ipynb`
    );
    expect(notebook).toContain(MLFLOW_URL);
    expect(notebook).not.toContain(sentinel);
    const settings = await page.evaluate(async () =>
      JSON.stringify(
        await window.jupyterapp.serviceManager.settings.fetch(
          'jupyterlab-mlflow-workspace:snippets'
        )
      )
    );
    expect(settings).not.toContain(sentinel);
    const storage = await page.evaluate(() =>
      JSON.stringify({
        local: { ...localStorage },
        session: { ...sessionStorage }
      })
    );
    expect(storage).not.toContain(sentinel);
    expect(bodies.length).toBeGreaterThan(3);
    expect(bodies.filter(body => body.includes(sentinel))).toEqual([]);
  });

  test('the panel has no axe violations', async ({ page }) => {
    await page.sidebar.openTab(PANEL_ID);
    const panel = page.locator(`#${PANEL_ID}`);
    await expect(
      panel.locator('.jp-mlflow-WorkspaceItem').first()
    ).toBeVisible();
    const results = await new AxeBuilder({ page })
      .include(`#${PANEL_ID}`)
      .analyze();
    expect(
      results.violations.map(
        v => `${v.id}: ${v.nodes.map(n => n.target).join(', ')}`
      )
    ).toEqual([]);
  });
});
