import { nullTranslator } from '@jupyterlab/translation';
import { IDeployment } from '../../api/types';
import { aciTarget } from '../aciTarget';
import { aksTarget } from '../aksTarget';
import { kubernetesOnlineTarget } from '../kubernetesOnlineTarget';
import { managedOnlineTarget } from '../managedOnlineTarget';

const trans = nullTranslator.load('test');

function record(target: string, endpoint: string, deployment: string | null) {
  return {
    id: 'az-0a1b2c3d',
    name: deployment ? `${endpoint}/${deployment}` : endpoint,
    target,
    model_uri: 'runs:/abc/model',
    state: 'deployed',
    azure: {
      target,
      subscription_id: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      resource_group: 'rg-ml',
      workspace_name: 'ws-demo',
      endpoint,
      deployment,
      scoring_uri: 'https://x.westeurope.inference.ml.azure.com/score',
      auth_mode: 'key'
    }
  } as unknown as IDeployment;
}

describe('Azure deployment actions', () => {
  const cases = [
    [managedOnlineTarget, 'online'],
    [kubernetesOnlineTarget, 'online'],
    [aciTarget, 'legacy'],
    [aksTarget, 'legacy']
  ] as const;

  it.each(cases)(
    '%#: state, call, confirmed traffic (online) and delete, from the record',
    (target, kind) => {
      const actions = target.actions!(trans);
      const online = kind === 'online';
      expect(actions.map(a => a.id)).toEqual(
        online
          ? ['state', 'call', 'traffic', 'monitor', 'delete']
          : ['state', 'call', 'delete']
      );
      // The monitoring cell names the user's training data first: inserted, not run.
      expect(actions.filter(a => a.runs === false).map(a => a.id)).toEqual(
        online ? ['monitor'] : []
      );
      // What changes or removes something in Azure asks first.
      expect(actions.filter(a => a.confirm).map(a => a.id)).toEqual(
        online ? ['traffic', 'delete'] : ['delete']
      );
      const d = record(
        target.id,
        'diabetes-ep',
        kind === 'online' ? 'green' : null
      );
      const cell = (id: string) => actions.find(a => a.id === id)!.generate(d);
      const [state, call, remove] = ['state', 'call', 'delete'].map(cell);
      if (online) {
        expect(cell('traffic')).toContain(
          'endpoint.traffic = {deployment_name: 100}'
        );
        // The local Monitor view's thresholds, so both say "drift" at the same distance.
        expect(cell('monitor')).toContain(
          'NumericalDriftMetrics(normalized_wasserstein_distance=0.1)'
        );
        expect(cell('monitor')).toContain(
          'CategoricalDriftMetrics(jensen_shannon_distance=0.1)'
        );
      }
      for (const source of [state, call, remove]) {
        expect(source).toContain('deployment_id = "az-0a1b2c3d"');
        expect(source).toContain('workspace_name = "ws-demo"');
        // The key is fetched by the SDK in the kernel: the cell names none.
        expect(source).not.toMatch(/get_keys|primary_key|Authorization/);
      }
      expect(call).toContain('"input_data"');
      expect(call).toContain('load_input_example');
      // Only the delete cell takes the deployment off the panel's list, after Azure deleted it.
      expect(remove).toContain('forget_azure_deployment(deployment_id)');
      expect(state).not.toContain('forget_azure_deployment');
      if (online) {
        expect(state).toContain('get_logs(deployment_name, endpoint_name');
        expect(remove).toContain('online_endpoints.begin_delete');
        expect(call).toContain('online_endpoints.invoke(');
      } else {
        expect(state).toContain('service_name = "diabetes-ep"');
        expect(remove).toContain('Webservice(ws, service_name).delete()');
        expect(call).toContain('service.run(json.dumps(payload))');
      }
    }
  );

  it('keeps hostile recorded names as literals', () => {
    const hostile = 'x"\n__import__("os")#\u202e';
    const d = record('azure-managed-online', hostile, hostile);
    for (const action of managedOnlineTarget.actions!(trans)) {
      const cell = action.generate(d);
      expect(cell).toContain(
        `endpoint_name = ${JSON.stringify(hostile).replace('\u202e', '\\u202e')}`
      );
      expect(cell).not.toContain('\n__import__("os")');
    }
  });
});
