import { nullTranslator } from '@jupyterlab/translation';
import * as React from 'react';
import { createRoot } from 'react-dom/client';
import { IDeployment } from '../../api/types';
import { managedOnlineTarget } from '../../azure/managedOnlineTarget';
import { DeploymentsModel } from '../deploymentsModel';
import { DeploymentsView } from '../DeploymentsView';
import { IDeploymentAction } from '../targets';

(
  globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }
).IS_REACT_ACT_ENVIRONMENT = true;

const trans = nullTranslator.load('test');

const AZURE = {
  id: 'az-0a1b2c3d',
  name: 'diabetes-ep/green',
  target: 'azure-managed-online',
  model_uri: 'runs:/abc/model',
  workspace: { id: '', name: 'ws-demo' },
  state: 'deployed',
  message: '',
  scoring_uri: 'https://diabetes-ep.westeurope.inference.ml.azure.com/score',
  azure: {
    target: 'azure-managed-online',
    subscription_id: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    resource_group: 'rg-ml',
    workspace_name: 'ws-demo',
    endpoint: 'diabetes-ep',
    deployment: 'green',
    scoring_uri: 'https://diabetes-ep.westeurope.inference.ml.azure.com/score',
    auth_mode: 'key'
  }
} as unknown as IDeployment;

describe('DeploymentsView with a recorded Azure deployment', () => {
  it('shows where it runs, that it bills, and offers its cells', async () => {
    const client = { listDeployments: async () => [AZURE] } as any;
    const deployments = new DeploymentsModel({ client });
    await deployments.refresh();
    const ran: string[] = [];
    const container = document.createElement('div');
    document.body.appendChild(container);
    const root = createRoot(container);
    React.act(() => {
      root.render(
        <DeploymentsView
          deployments={deployments}
          trans={trans}
          targetOf={() => ({
            label: managedOnlineTarget.label,
            actions: managedOnlineTarget.actions!(trans)
          })}
          onAction={(d: IDeployment, a: IDeploymentAction) =>
            ran.push(`${d.id} ${a.id}`)
          }
        />
      );
    });
    const item = container.querySelector('[data-deployment-id="az-0a1b2c3d"]')!;
    expect(item.textContent).toContain('diabetes-ep/green');
    expect(item.textContent).toContain('in Azure');
    expect(item.textContent).toContain(
      'Azure ML managed online endpoint (recommended) in ws-demo (rg-ml)'
    );
    expect(item.textContent).toContain('bills while running');
    // Not a local service: nothing to stop here, only to forget.
    const remove = item.querySelector('.jp-mlflow-Deployment-header button')!;
    expect(remove.textContent).toBe('Remove');
    const group = container.querySelector('[role="group"]')!;
    const buttons = [...group.querySelectorAll('button')];
    expect(buttons.map(b => b.textContent)).toEqual([
      'State and logs',
      'Call endpoint',
      'Send all traffic…',
      'Turn on monitoring',
      'Delete…'
    ]);
    React.act(() => {
      buttons[4].click();
    });
    expect(ran).toEqual(['az-0a1b2c3d delete']);
    React.act(() => root.unmount());
    deployments.dispose();
  });
});
