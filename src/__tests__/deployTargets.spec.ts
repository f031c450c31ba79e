/**
 * The deploy-target extension point, used as another package would: a target defined here,
 * outside the deploy folder, added through the registry the IDeployTargets token provides.
 * The Deploy dialog shows its form without any change, and disposing the registration removes it.
 */
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { DeployDialogBody } from '../deploy/DeployDialogBody';
import { DeploymentsModel } from '../deploy/deploymentsModel';
import { DeployDialogModel } from '../deploy/dialogModel';
import { createLocalTarget } from '../deploy/localTarget';
import {
  DeployTargetRegistry,
  IDeployRequest,
  IDeployTarget
} from '../deploy/targets';
import { fakeServer, workspace } from './fixtures';
import { pyStr } from '../snippets/pyliteral';

const trans = nullTranslator.load('jupyterlab_mlflow_workspace');

const seen: IDeployRequest[] = [];

/** A third party's target: its own fields, rules and code; no pre-flight. */
const dummyTarget: IDeployTarget = {
  id: 'dummy-cloud',
  label: 'Dummy cloud',
  description: 'A target from another package.',
  badge: 'preview',
  serverManaged: false,
  fields: t => [
    {
      name: 'region',
      label: t.__('Region'),
      type: 'select',
      options: [
        { value: 'north', label: 'North' },
        { value: 'south', label: 'South' }
      ]
    },
    { name: 'replicas', label: t.__('Replicas'), type: 'number' }
  ],
  defaults: () => ({ region: 'north', replicas: '2' }),
  validate: values => {
    const errors: Record<string, string> = {};
    if (!(Number(values.replicas) >= 1)) {
      errors.replicas = 'At least one replica.';
    }
    return errors;
  },
  generate: request => {
    seen.push(request);
    return `deploy_dummy(${pyStr(request.model.uri)}, ${pyStr(
      String(request.values.region)
    )}, workspace=${pyStr(request.workspace.name)})`;
  }
};

async function rendered(body: DeployDialogBody): Promise<HTMLElement> {
  body.update();
  for (let i = 0; i < 10; i++) {
    await new Promise(resolve => setTimeout(resolve, 10));
  }
  return body.node;
}

describe('a deploy target added through the extension point', () => {
  it('shows its form in the dialog, and leaves it when disposed', async () => {
    const client = fakeServer([], []);
    const targets = new DeployTargetRegistry();
    targets.add(createLocalTarget(client));
    const registration = targets.add(dummyTarget);
    expect(() => targets.add(dummyTarget)).toThrow(/already registered/);

    const model = new DeployDialogModel({
      targets,
      deployments: new DeploymentsModel({ client }),
      workspace: workspace('team', 'mlflow'),
      loadChoices: async () => [
        { uri: 'models:/m-1', label: 'a / model', source: 'logged' }
      ],
      insertCell: async () => undefined,
      trans
    });
    await model.load();
    const body = new DeployDialogBody(model, trans);
    Widget.attach(body, document.body);
    try {
      let node = await rendered(body);
      const radio = node.querySelector<HTMLInputElement>(
        'input[type=radio][value="dummy-cloud"]'
      );
      expect(radio).not.toBeNull();
      expect(node.textContent).toContain('Dummy cloud');

      model.chooseTarget('dummy-cloud');
      node = await rendered(body);
      expect(node.textContent).toContain('Region');
      expect(node.textContent).toContain('Replicas');
      expect(node.querySelector('select')).not.toBeNull();
      // No pre-flight for a target without one: the local target's check is not shown.
      expect(model.preflight).toBeNull();
      expect(node.querySelector('.jp-mlflow-Preflight')).toBeNull();
      // Its rules and code are its own, and it gets the whole workspace.
      model.setValue('replicas', '0');
      expect(model.source).toBeNull();
      model.setValue('replicas', '3');
      expect(model.source).toBe(
        'deploy_dummy("models:/m-1", "north", workspace="Workspace team")'
      );
      expect(seen[seen.length - 1].workspace.kind).toBe('mlflow');

      registration.dispose();
      node = await rendered(body);
      expect(targets.get('dummy-cloud')).toBeUndefined();
      expect(
        node.querySelector('input[type=radio][value="dummy-cloud"]')
      ).toBeNull();
      expect(node.textContent).not.toContain('Replicas');
      // The dialog falls back to the target that is left, with its own form.
      expect(model.target.id).toBe('local');
      expect(node.textContent).toContain('Service name');
    } finally {
      body.dispose();
    }
  });
});
