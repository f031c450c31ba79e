import { expect, test } from '../fixtures';

/**
 * The Azure targets of the Deploy dialog, in real JupyterLab with a real kernel. There is no Azure
 * here: the kernel of this test has no Azure SDK, so "Deploy now" ends, for real, in the one
 * install line. (The cells' runs with the SDKs, up to their first network call, are pytest's:
 * tests/python/test_azure_deploy_offline.py.)
 */
test.describe('Deploy to Azure ML from the Deploy dialog', () => {
  test.setTimeout(300_000);

  test('each Azure target has its form; a bad name is refused; Insert code writes the cell; Deploy now says what is missing', async ({
    page
  }) => {
    await page.notebook.createNew('azure-deploy.ipynb');
    await page
      .locator(
        '.jp-NotebookPanel-toolbar [data-command="mlflow-workspace:deploy"]'
      )
      .click();
    const dialog = page.locator('.jp-Dialog .jp-mlflow-DeployDialog');
    await expect(dialog).toBeVisible();
    await dialog
      .getByLabel('Model URI')
      .fill('runs:/0123456789abcdef0123456789abcdef/model');
    await dialog.getByRole('button', { name: 'Use', exact: true }).click();
    await expect(dialog.locator('[data-model-uri]')).toHaveText(
      'runs:/0123456789abcdef0123456789abcdef/model'
    );

    // Four Azure targets beside Local, each with its own fields.
    const targets = dialog.getByRole('radiogroup', { name: 'Target' });
    const forms: [RegExp, string[]][] = [
      [
        /managed online endpoint/,
        ['Endpoint name', 'Deployment name', 'Instance type', 'Instance count']
      ],
      [
        /Kubernetes online endpoint/,
        ['Kubernetes compute', 'Instance type', 'CPU request', 'Memory limit']
      ],
      [
        /Container Instances web service/,
        [
          'Service name',
          'CPU cores',
          'Memory (GB)',
          'Location',
          'Authentication'
        ]
      ],
      [
        /Kubernetes Service web service/,
        ['Service name', 'AKS compute', 'CPU cores', 'Autoscale: most replicas']
      ]
    ];
    for (const [label, fields] of forms) {
      await targets.getByRole('radio', { name: label }).check();
      for (const field of fields) {
        await expect(dialog.getByLabel(field, { exact: true })).toBeVisible();
      }
      await expect(dialog.getByLabel('Code style')).toBeVisible();
    }
    // The legacy targets say so.
    await expect(
      targets.locator('.jp-mlflow-DeployTarget', {
        hasText: 'Container Instances'
      })
    ).toContainText('legacy');

    // The recommended target: a name Azure would refuse is refused here first.
    await targets
      .getByRole('radio', { name: /managed online endpoint/ })
      .check();
    await dialog
      .getByRole('textbox', { name: 'Endpoint name', exact: true })
      .fill('1-endpoint');
    await dialog
      .getByRole('textbox', { name: 'Subscription ID', exact: true })
      .fill('0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d');
    await dialog
      .getByRole('textbox', { name: 'Resource group', exact: true })
      .fill('rg-ml');
    await dialog
      .getByRole('textbox', { name: 'Azure ML workspace', exact: true })
      .fill('ws-demo');
    const cells = page.locator('.jp-Notebook .jp-Cell');
    const before = await cells.count();
    await dialog.getByRole('button', { name: 'Insert code' }).click();
    await expect(dialog.locator('.jp-mlflow-FieldError')).toContainText(
      'Start with a letter'
    );
    await expect(cells).toHaveCount(before);

    // Fixed: the cell is inserted for review, with the values as Python literals.
    await dialog
      .getByRole('textbox', { name: 'Endpoint name', exact: true })
      .fill('diabetes-ep');
    await expect(dialog.locator('.jp-mlflow-FieldError')).toHaveCount(0);
    await dialog.getByRole('button', { name: 'Insert code' }).click();
    await expect(dialog.locator('.jp-mlflow-DeployPhase')).toHaveAttribute(
      'data-phase',
      'inserted'
    );
    await expect(cells).toHaveCount(before + 1);
    // Read from the notebook's model: the editor renders only the lines in view.
    const sources = await page.evaluate(() => {
      const panel = (window as any).jupyterapp.shell.currentWidget;
      const cells = panel.content.model.cells;
      const out: string[] = [];
      for (let i = 0; i < cells.length; i++) {
        out.push(cells.get(i).sharedModel.getSource());
      }
      return out;
    });
    const inserted = sources.filter(s =>
      s.includes('endpoint_name = "diabetes-ep"')
    );
    expect(inserted).toHaveLength(1);
    expect(inserted[0]).toContain(
      'ManagedOnlineEndpoint(name=endpoint_name, auth_mode=auth_mode)'
    );
    expect(inserted[0]).toContain('subscription_id = "0a1b2c3d-');

    // Deploy now runs it in this kernel, which has no Azure SDK: one plain line says what to install.
    await dialog.click().catch(() => undefined);
    await dialog.getByRole('button', { name: 'Deploy now' }).click();
    const phase = dialog.locator('.jp-mlflow-DeployPhase');
    await expect(phase).toHaveAttribute('data-phase', 'failed', {
      timeout: 180_000
    });
    await expect(phase).toContainText(
      'Run: %pip install azure-ai-ml azure-identity azureml-mlflow'
    );
  });

  test('a deployment the kernel recorded is listed with its cells: State and logs runs, Delete asks first, Remove forgets it', async ({
    page
  }) => {
    await page.notebook.createNew('azure-listed.ipynb');
    // What a deploy cell does once Azure answered: record it through the kernel bridge (a real
    // kernel of this Jupyter server; no Azure is involved in recording).
    await page.notebook.setCell(
      0,
      'code',
      [
        'from jupyterlab_mlflow_workspace import record_azure_deployment',
        'record_azure_deployment(target="azure-managed-online",',
        '    subscription_id="0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", resource_group="rg-ml",',
        '    workspace_name="ws-demo", endpoint="diabetes-ep", deployment="green",',
        '    scoring_uri="https://diabetes-ep.westeurope.inference.ml.azure.com/score",',
        '    model_uri="runs:/0123456789abcdef0123456789abcdef/model", auth_mode="key")'
      ].join('\n')
    );
    await page.notebook.runCell(0);
    await expect(
      page.locator('.jp-OutputArea-output', {
        hasText: 'Listed under Deployments'
      })
    ).toBeVisible({ timeout: 120_000 });

    await page.sidebar.openTab('jp-mlflow-workspace-panel');
    const panel = page.locator('#jp-mlflow-workspace-panel');
    const listed = panel.locator(
      '.jp-mlflow-Deployment[data-state="deployed"]'
    );
    await expect(listed).toHaveCount(1, { timeout: 60_000 });
    await expect(listed).toContainText('diabetes-ep/green');
    await expect(listed).toContainText('in ws-demo (rg-ml)');
    await expect(listed).toContainText('bills while running');
    const cells = panel.getByRole('group', {
      name: 'Cells for diabetes-ep/green'
    });

    // State and logs: a cell in the notebook, run in its kernel. This kernel has no Azure SDK,
    // so it ends, for real, in the one install line.
    await page.notebook.activate('azure-listed.ipynb');
    await cells.getByRole('button', { name: 'State and logs' }).click();
    await expect(
      page.locator('.jp-OutputArea-output', {
        hasText: 'Run: %pip install azure-ai-ml azure-identity'
      })
    ).toBeVisible({ timeout: 120_000 });
    const sources: string[] = await page.evaluate(() => {
      const nb = (window as any).jupyterapp.shell.currentWidget;
      return nb.model.sharedModel.cells.map((c: any) => c.getSource());
    });
    expect(sources.some(s => s.includes('get_logs(deployment_name'))).toBe(
      true
    );

    // Delete asks first; Cancel inserts nothing.
    await cells.getByRole('button', { name: 'Delete…' }).click();
    const confirm = page.locator('.jp-Dialog');
    await expect(confirm).toContainText('Delete this deployment in Azure?');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect
      .poll(() =>
        page.evaluate(
          () =>
            (window as any).jupyterapp.shell.currentWidget.model.sharedModel
              .cells.length
        )
      )
      .toBe(sources.length);

    // Remove forgets it here; the Azure deployment is untouched.
    await listed.getByRole('button', { name: 'Remove' }).click();
    await expect(listed).toHaveCount(0, { timeout: 60_000 });
  });
});
