import { ServerConnection } from '@jupyterlab/services';
import { WorkspaceClient } from '../api/client';
import { IWorkspace } from '../api/types';

/** Test helpers shared by the suites: a workspace as the server part lists it, a fake server. */

/** A workspace as the server part lists it, for tests that need one. */
export function workspace(
  id: string,
  kind: IWorkspace['kind'] = 'mlflow',
  more: Partial<IWorkspace> = {}
): IWorkspace {
  return {
    id,
    kind,
    name: id === 'local' ? 'Local' : `Workspace ${id}`,
    url: 'http://127.0.0.1:5000',
    tracking_uri: 'http://127.0.0.1:5000',
    read_only: false,
    mlflow_workspace: null,
    has_token: false,
    username: null,
    has_password: false,
    note: '',
    azure: null,
    ...more
  };
}

/** A fake Jupyter server for the deployment routes; `list` is what GET returns. */
export function fakeServer(list: unknown[], calls: string[]) {
  const serverSettings = ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/',
    fetch: (async (input: RequestInfo, init?: RequestInit) => {
      const url = new URL(typeof input === 'string' ? input : input.url);
      const path = url.pathname.replace('/mlflow-workspace/', '');
      const method =
        typeof input === 'string' ? (init?.method ?? 'GET') : input.method;
      calls.push(`${method} ${path}`);
      if (path === 'api/deployments/preflight') {
        const raw =
          typeof input === 'string' ? String(init?.body) : await input.text();
        const body = JSON.parse(raw);
        return new Response(
          JSON.stringify({
            ok: true,
            message: '',
            flavors: ['sklearn'],
            missing: [],
            warnings: [],
            input_example: { inputs: [[1, 2]] },
            model_uri: body.model_uri
          })
        );
      }
      if (path === 'api/deployments') {
        return new Response(JSON.stringify({ deployments: list }));
      }
      return new Response('{}', { status: 404 });
    }) as typeof fetch
  });
  return new WorkspaceClient({ serverSettings });
}
