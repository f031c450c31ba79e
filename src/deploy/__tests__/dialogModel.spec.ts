import { nullTranslator } from '@jupyterlab/translation';
import { DeploymentsModel } from '../deploymentsModel';
import { DeployDialogModel, formatElapsed } from '../dialogModel';
import { createLocalTarget } from '../localTarget';
import { DeployTargetRegistry, IModelChoice } from '../targets';
import { aciTarget } from '../../azure/aciTarget';
import { fakeServer, workspace } from '../../__tests__/fixtures';

const trans = nullTranslator.load('jupyterlab_mlflow_workspace');

const choices: IModelChoice[] = [
  { uri: 'models:/m-1', label: 'a / model', source: 'logged', runId: 'r1' },
  {
    uri: 'models:/m-2',
    label: 'train b / model',
    source: 'logged',
    runId: 'r2',
    runName: 'train b'
  }
];

function dialog(
  insertCell: DeployDialogModel.IOptions['insertCell'],
  list: unknown[] = [],
  calls: string[] = []
) {
  const client = fakeServer(list, calls);
  const targets = new DeployTargetRegistry();
  targets.add(createLocalTarget(client));
  return new DeployDialogModel({
    targets,
    deployments: new DeploymentsModel({ client }),
    workspace: workspace('local', 'local'),
    loadChoices: async () => choices,
    insertCell,
    preselect: { runId: 'r2' },
    trans
  });
}

async function settled(model: DeployDialogModel): Promise<void> {
  for (let i = 0; i < 20 && model.preflight?.kind === 'loading'; i++) {
    await new Promise(resolve => setTimeout(resolve, 5));
  }
}

describe('DeployDialogModel', () => {
  it('chooses the preselected run, reads the model, and offers its example', async () => {
    const calls: string[] = [];
    const model = dialog(async () => undefined, [], calls);
    await model.load();
    await settled(model);
    expect(model.model?.uri).toBe('models:/m-2');
    // Named after the run, not the logged model's id.
    expect(model.values.name).toBe('train-b');
    expect(model.canDeployNow).toBe(true);
    expect(model.preflight?.kind).toBe('ready');
    expect(calls).toContain('POST api/deployments/preflight');
    expect(JSON.parse(model.requestBody)).toEqual({ inputs: [[1, 2]] });
  });

  it('inserts nothing while the form is invalid, and says why', async () => {
    const inserted: string[] = [];
    const model = dialog(async source => {
      inserted.push(source);
    });
    await model.load();
    model.setValue('name', '');
    expect(model.errors).toEqual({});
    expect(await model.submit(false)).toBe(false);
    expect(inserted).toEqual([]);
    expect(model.errors.name).toBe('Give the service a name.');
    model.setValue('name', 'svc');
    expect(await model.submit(false)).toBe(true);
    expect(inserted).toHaveLength(1);
    expect(inserted[0]).toContain('name="svc"');
    expect(model.phase.kind).toBe('inserted');
  });

  it('follows Deploy now to the deployment the cell started', async () => {
    const started = {
      id: 'ab12cd34',
      name: 'svc',
      state: 'ready',
      created_at: Date.now() / 1000
    };
    const model = dialog(
      async (_source, run) => {
        expect(run).toBe(true);
        expect(model.busy).toBe(true);
        return {
          ok: true,
          text: "Serving 'svc' (deployment ab12cd34) at http://127.0.0.1:5001/invocations"
        };
      },
      [started]
    );
    await model.load();
    model.setValue('name', 'svc');
    await model.submit(true);
    expect(model.phase).toMatchObject({
      kind: 'deployed',
      deploymentId: 'ab12cd34'
    });
    expect(model.deployment?.id).toBe('ab12cd34');
    expect(model.busy).toBe(false);
    // Healthy: Deploy now is off (a second one would clash on the name); Insert code stays.
    expect(model.canDeployNow).toBe(false);
    expect(await model.submit(true)).toBe(false);
    // The open dialog keeps the list polled; closing it stops that.
    expect(model.deployments.polling).toBe(true);
    model.dispose();
    expect(model.deployments.polling).toBe(false);
  });

  it('shows the cell error when Deploy now fails, and can go back to the form', async () => {
    const model = dialog(async () => ({
      ok: false,
      text: 'RuntimeError: Deployment failed: the port is in use'
    }));
    await model.load();
    await model.submit(true);
    expect(model.phase).toEqual({
      kind: 'failed',
      text: 'RuntimeError: Deployment failed: the port is in use'
    });
    model.edit();
    expect(model.phase.kind).toBe('editing');
  });
});

describe('formatElapsed', () => {
  it('shows seconds, then minutes and seconds', () => {
    expect(formatElapsed(8_400, trans)).toBe('8 s');
    expect(formatElapsed(65_000, trans)).toBe('1 min 05 s');
    expect(formatElapsed(-5, trans)).toBe('0 s');
  });
});

describe('DeploymentsModel polling', () => {
  it('polls only while someone watches the list', async () => {
    const calls: string[] = [];
    const deployments = new DeploymentsModel({
      client: fakeServer([], calls)
    });
    expect(deployments.polling).toBe(false);
    const section = deployments.watch();
    const dialog = deployments.watch();
    expect(deployments.polling).toBe(true);
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(calls).toContain('GET api/deployments');
    section.dispose();
    // A collapsed section does not stop the poll an open dialog needs.
    expect(deployments.polling).toBe(true);
    dialog.dispose();
    expect(deployments.polling).toBe(false);
    deployments.dispose();
  });
});

describe('DeployDialogModel with the panel’s Azure ML workspaces', () => {
  const azure = workspace('prod', 'azureml', {
    name: 'Prod',
    azure: {
      subscription_id: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      resource_group: 'rg-prod',
      workspace_name: 'ws-prod',
      region: 'westeurope'
    }
  });

  function azureDialog(notebookWorkspace: ReturnType<typeof workspace>) {
    const client = fakeServer([], []);
    const targets = new DeployTargetRegistry();
    targets.add(createLocalTarget(client));
    targets.add(aciTarget);
    return new DeployDialogModel({
      targets,
      deployments: new DeploymentsModel({ client }),
      workspace: notebookWorkspace,
      workspaces: () => [workspace('local', 'local'), azure],
      loadChoices: async () => choices,
      insertCell: async () => undefined,
      trans
    });
  }

  it('offers them in a picker that fills the workspace fields', async () => {
    const model = azureDialog(workspace('local', 'local'));
    await model.load();
    model.chooseTarget('azure-aci');
    const picker = model.fields.find(f => f.name === 'azureWorkspace')!;
    expect(picker.options!.map(o => o.value)).toEqual(['', 'prod']);
    // The notebook's workspace is not Azure: nothing is chosen for the user.
    expect(model.values.azureWorkspace).toBeUndefined();
    expect(model.values.subscriptionId).toBe('');
    model.setValue('azureWorkspace', 'prod');
    expect(model.values).toMatchObject({
      subscriptionId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      resourceGroup: 'rg-prod',
      workspaceName: 'ws-prod'
    });
    expect(model.source).toContain('workspace_name = "ws-prod"');
  });

  it("starts on the notebook's workspace when it is an Azure ML one", async () => {
    const model = azureDialog(azure);
    await model.load();
    model.chooseTarget('azure-aci');
    expect(model.values).toMatchObject({
      azureWorkspace: 'prod',
      resourceGroup: 'rg-prod'
    });
  });
});
