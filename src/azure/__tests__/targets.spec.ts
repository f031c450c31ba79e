import { nullTranslator } from '@jupyterlab/translation';
import { IModelChoice } from '../../deploy/targets';
import { aciTarget } from '../aciTarget';
import { aksTarget } from '../aksTarget';
import { kubernetesOnlineTarget } from '../kubernetesOnlineTarget';
import { managedOnlineTarget } from '../managedOnlineTarget';
import { kubeCpu, kubeMemory, managedSkuForAci } from '../rules';
import { workspace } from '../../__tests__/fixtures';

const trans = nullTranslator.load('jupyterlab_mlflow_workspace');
const model: IModelChoice = {
  uri: 'runs:/0123456789abcdef/My Model',
  label: 'run / model',
  source: 'logged'
};
const targets = [
  managedOnlineTarget,
  kubernetesOnlineTarget,
  aciTarget,
  aksTarget
];
const ws = {
  subscriptionId: '00000000-0000-0000-0000-000000000000',
  resourceGroup: 'rg-1',
  workspaceName: 'ws-1'
};

describe('Azure deploy targets', () => {
  it.each(targets.map(t => [t.id, t]))(
    '%s: defaults are valid once the compute is named',
    (_id, target) => {
      const values = { ...target.defaults(model), ...ws, compute: 'k8s1' };
      expect(target.validate(values, trans)).toEqual({});
      expect(target.fields(trans).map(f => f.name)).toContain('style');
    }
  );

  it('online endpoint names follow Azure rules', () => {
    const base = { ...managedOnlineTarget.defaults(model), ...ws };
    for (const bad of ['ab', '1abc', 'abc-', 'a_bc', 'a'.repeat(33)]) {
      expect(
        managedOnlineTarget.validate({ ...base, endpoint: bad }, trans)
      ).toHaveProperty('endpoint');
    }
    expect(
      managedOnlineTarget.validate({ ...base, endpoint: 'Abc-1' }, trans)
    ).toEqual({});
  });

  it('legacy service names are lower case and legacy targets carry the badge', () => {
    const base = { ...aciTarget.defaults(model), ...ws };
    expect(
      aciTarget.validate({ ...base, service: 'Abc' }, trans)
    ).toHaveProperty('service');
    expect(aciTarget.badge).toBe('legacy');
    expect(aksTarget.description).toContain('2026-06-30');
  });

  it('maps ACI sizes to managed SKUs', () => {
    expect(managedSkuForAci(1, 1)).toBe('Standard_DS1_v2');
    expect(managedSkuForAci(4, 8)).toBe('Standard_DS3_v2');
    expect(managedSkuForAci(8, 8)).toBe('');
  });

  it.each(targets.flatMap(t => ['sdk', 'mlflow'].map(s => [t.id, s, t])))(
    '%s (%s): user values only as escaped literals, ends with the scoring URI',
    (_id, style, target) => {
      const source = (target as typeof aciTarget).generate({
        model,
        workspaceId: 'w',
        workspace: workspace('w'),
        values: {
          ...(target as typeof aciTarget).defaults(model),
          ...ws,
          resourceGroup: 'rg "1"',
          style: style as string,
          compute: 'k8s\n"x"'
        }
      });
      expect(source).toContain('resource_group = "rg \\"1\\""');
      expect(source).toContain('model_uri = "runs:/0123456789abcdef/My Model"');
      expect(source).toContain('az login');
      expect(source).toContain('%pip install');
      expect(source).toContain('Scoring URI:');
      expect(source).not.toContain('k8s\n"x"');
      // The MLflow style runs with MLflow and azureml-mlflow alone (Kubernetes is SDK-only).
      const mlflowStyle =
        style === 'mlflow' && target !== kubernetesOnlineTarget;
      expect(/azureml\.core|azure\.ai\.ml/.test(source)).toBe(!mlflowStyle);
    }
  );
});

describe('Kubernetes requests and limits', () => {
  it('reads Kubernetes quantities', () => {
    expect(kubeCpu('500m')).toBe(0.5);
    expect(kubeCpu('2')).toBe(2);
    expect(kubeCpu('0')).toBeNaN();
    expect(kubeCpu('1.5k')).toBeNaN();
    expect(kubeMemory('1Gi')).toBe(1024 ** 3);
    expect(kubeMemory('512M')).toBe(512e6);
    expect(kubeMemory('1 GB')).toBeNaN();
  });

  it('refuses a limit below its request and a bad quantity', () => {
    const values = {
      ...kubernetesOnlineTarget.defaults(model),
      ...ws,
      compute: 'k8s1',
      cpuRequest: '1',
      cpuLimit: '500m',
      memoryRequest: '1 GB'
    };
    const errors = kubernetesOnlineTarget.validate(values, trans);
    expect(Object.keys(errors).sort()).toEqual(['cpuLimit', 'memoryRequest']);
    expect(
      kubernetesOnlineTarget.validate(
        { ...values, cpuLimit: '2', memoryRequest: '1Gi', memoryLimit: '' },
        trans
      )
    ).toEqual({});
  });

  it('offers Entra ID tokens on managed endpoints only', () => {
    const k8s = {
      ...kubernetesOnlineTarget.defaults(model),
      ...ws,
      compute: 'k8s1',
      authMode: 'aad_token'
    };
    expect(Object.keys(kubernetesOnlineTarget.validate(k8s, trans))).toEqual([
      'authMode'
    ]);
    const managed = {
      ...managedOnlineTarget.defaults(model),
      ...ws,
      authMode: 'aad_token'
    };
    expect(managedOnlineTarget.validate(managed, trans)).toEqual({});
  });
});

describe('Legacy web service options', () => {
  it('AKS autoscale needs whole replica counts, the most at least the fewest', () => {
    const base = { ...aksTarget.defaults(model), ...ws, compute: 'aks1' };
    expect(aksTarget.validate(base, trans)).toEqual({});
    expect(
      Object.keys(
        aksTarget.validate(
          { ...base, minReplicas: '4', maxReplicas: '2' },
          trans
        )
      )
    ).toEqual(['maxReplicas']);
    expect(
      Object.keys(aksTarget.validate({ ...base, minReplicas: '1.5' }, trans))
    ).toEqual(['minReplicas']);
  });

  it('tags are key=value pairs, written as escaped literals', () => {
    const base = { ...aciTarget.defaults(model), ...ws };
    expect(
      Object.keys(aciTarget.validate({ ...base, tags: 'team=ml, oops' }, trans))
    ).toEqual(['tags']);
    expect(
      Object.keys(aciTarget.validate({ ...base, tags: '=x' }, trans))
    ).toEqual(['tags']);
    const values = { ...base, tags: 'team=ml, note=say "hi"\\n, empty=' };
    expect(aciTarget.validate(values, trans)).toEqual({});
    const cell = aciTarget.generate({
      model,
      workspaceId: 'w',
      workspace: undefined as any,
      values
    });
    expect(cell).toContain(
      'tags = {"team": "ml", "note": "say \\"hi\\"\\\\n", "empty": ""}'
    );
    expect(cell).toContain('tags=tags or None');
  });

  it('ACI location is a region name; token auth is for AKS only', () => {
    const base = { ...aciTarget.defaults(model), ...ws };
    expect(
      aciTarget.validate({ ...base, location: 'westeurope' }, trans)
    ).toEqual({});
    expect(
      Object.keys(
        aciTarget.validate(
          { ...base, location: 'West Europe', auth: 'token' },
          trans
        )
      ).sort()
    ).toEqual(['auth', 'location']);
  });
});
