import { ServerConnection } from '@jupyterlab/services';
import { WorkspaceClient } from '../../api/client';
import { WorkspaceModel } from '../model';

type Route = (init?: RequestInit) => [number, unknown];

/** A fake Jupyter server answering our routes by path suffix. */
function clientWith(
  routes: Record<string, Route>,
  calls: string[] = []
): WorkspaceClient {
  const serverSettings = ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/',
    fetch: (async (input: RequestInfo, init?: RequestInit) => {
      const url = new URL(typeof input === 'string' ? input : input.url);
      const path = url.pathname.replace('/mlflow-workspace/', '');
      const method =
        typeof input === 'string' ? (init?.method ?? 'GET') : input.method;
      calls.push(`${method} ${path}`);
      const route = routes[path];
      if (!route) {
        return new Response('', { status: 404 });
      }
      const [status, body] = route(init);
      return new Response(JSON.stringify(body), { status });
    }) as typeof fetch
  });
  return new WorkspaceClient({ serverSettings });
}

const info: Route = () => [200, { version: '0.1.0', features: ['info'] }];
const local = {
  state: 'stopped',
  url: null,
  tracking_uri: 'http://127.0.0.1:5123',
  local_dir: '/data/local',
  port: 5123,
  pid: null,
  restarts: 0,
  message: '',
  mlflow_version: '3.1.0',
  needs_upgrade: false
};
const workspaces: Route = () => [
  200,
  {
    workspaces: [
      {
        id: 'local',
        kind: 'local',
        name: 'Local',
        url: 'http://127.0.0.1:5123',
        tracking_uri: 'http://127.0.0.1:5123'
      },
      {
        id: 'team',
        kind: 'mlflow',
        name: 'Team',
        url: 'https://mlflow.example'
      }
    ]
  }
];

describe('WorkspaceModel', () => {
  it('loads the handshake, the workspaces and the local status, selecting the first', async () => {
    const model = new WorkspaceModel({
      client: clientWith({
        info,
        'api/workspaces': workspaces,
        'api/local': () => [200, local]
      }),
      frontendVersion: '0.1.0'
    });
    await model.refresh();
    expect(model.status.kind).toBe('ready');
    expect(model.selectedId).toBe('local');
    expect(model.local).toEqual({ kind: 'ready', value: local });
    model.select('team');
    expect(model.selected?.name).toBe('Team');
    model.dispose();
  });

  it('reports a missing server part on 404 and asks nothing else', async () => {
    const calls: string[] = [];
    const model = new WorkspaceModel({
      client: clientWith({}, calls),
      frontendVersion: '0.1.0'
    });
    await model.refresh();
    expect(model.status).toEqual({ kind: 'missing', frontendVersion: '0.1.0' });
    expect(calls).toEqual(['GET info']);
    model.dispose();
  });

  it('keeps an error state when the workspace list fails', async () => {
    const model = new WorkspaceModel({
      client: clientWith({
        info,
        'api/workspaces': () => [500, { message: 'store unreadable' }],
        'api/local': () => [200, local]
      }),
      frontendVersion: '0.1.0'
    });
    await model.refresh();
    expect(model.workspaces).toEqual({
      kind: 'error',
      message: 'store unreadable'
    });
    model.dispose();
  });

  it('shares one request between concurrent refreshes', async () => {
    const calls: string[] = [];
    const model = new WorkspaceModel({
      client: clientWith(
        { info, 'api/workspaces': workspaces, 'api/local': () => [200, local] },
        calls
      ),
      frontendVersion: '0.1.0'
    });
    await Promise.all([model.refresh(), model.refresh()]);
    expect(calls.filter(c => c === 'GET info')).toHaveLength(1);
    model.dispose();
  });

  it('keeps the test result of each workspace, failures included', async () => {
    const model = new WorkspaceModel({
      client: clientWith({
        info,
        'api/workspaces': workspaces,
        'api/local': () => [200, local],
        'api/workspaces/team/test': () => [
          200,
          {
            ok: false,
            reason: 'unauthorized',
            message: 'Wrong credentials',
            status: 401
          }
        ],
        'api/workspaces/local/test': () => [
          503,
          { message: 'MLflow is not installed', reason: 'mlflow_missing' }
        ]
      }),
      frontendVersion: '0.1.0'
    });
    await model.refresh();
    await model.testConnection('team');
    await model.testConnection('local');
    expect(model.testState('team')).toMatchObject({
      kind: 'done',
      result: { ok: false, reason: 'unauthorized' }
    });
    expect(model.testState('local')).toMatchObject({
      kind: 'done',
      result: {
        ok: false,
        reason: 'mlflow_missing',
        message: 'MLflow is not installed',
        status: 503
      }
    });
    model.dispose();
  });

  it('shows a failed local action and re-reads the status', async () => {
    const calls: string[] = [];
    const model = new WorkspaceModel({
      client: clientWith(
        {
          info,
          'api/workspaces': workspaces,
          'api/local': () => [200, local],
          'api/local/start': () => [
            409,
            { message: 'The folder is in use by another Jupyter server' }
          ]
        },
        calls
      ),
      frontendVersion: '0.1.0'
    });
    await model.refresh();
    await model.controlLocal('start');
    expect(model.localActionError).toBe(
      'The folder is in use by another Jupyter server'
    );
    expect(calls.slice(-2)).toEqual(['POST api/local/start', 'GET api/local']);
    model.dispose();
  });

  it('reads the workspaces again once the local server has chosen its port', async () => {
    const calls: string[] = [];
    let port: number | null = null;
    const model = new WorkspaceModel({
      client: clientWith(
        {
          info,
          'api/workspaces': () => [
            200,
            {
              workspaces: [
                {
                  id: 'local',
                  kind: 'local',
                  name: 'Local',
                  url: port ? `http://127.0.0.1:${port}` : '',
                  tracking_uri: port ? `http://127.0.0.1:${port}` : ''
                }
              ]
            }
          ],
          'api/local': () => [
            200,
            {
              ...local,
              port,
              tracking_uri: port ? `http://127.0.0.1:${port}` : ''
            }
          ]
        },
        calls
      ),
      frontendVersion: '0.1.0'
    });
    await model.refresh();
    expect(calls.filter(c => c === 'GET api/workspaces')).toHaveLength(1);
    // The first start picks a port: setup cells need the URL, so the list is read again.
    port = 5123;
    await model.testConnection('local').catch(() => undefined);
    await model.controlLocal('start').catch(() => undefined);
    expect(model.selected?.tracking_uri).toBe('http://127.0.0.1:5123');
    expect(calls.filter(c => c === 'GET api/workspaces')).toHaveLength(2);
    model.dispose();
  });

  it('starts a never-started local server before a setup cell needs its URI', async () => {
    let started = false;
    const calls: string[] = [];
    const localEntry = () => ({
      id: 'local',
      kind: 'local',
      name: 'Local',
      url: started ? 'http://127.0.0.1:5123' : null,
      tracking_uri: started ? 'http://127.0.0.1:5123' : ''
    });
    const model = new WorkspaceModel({
      client: clientWith(
        {
          info,
          'api/workspaces': () => [200, { workspaces: [localEntry()] }],
          'api/local': () => [
            200,
            started
              ? { ...local, state: 'running' }
              : { ...local, tracking_uri: '', port: null }
          ],
          'api/local/start': () => {
            started = true;
            return [200, { ...local, state: 'running' }];
          }
        },
        calls
      ),
      frontendVersion: '0.1.0'
    });
    await model.refresh();
    expect(model.selected?.tracking_uri).toBe('');
    const workspace = await model.readyForSetup('local');
    expect(workspace.tracking_uri).toBe('http://127.0.0.1:5123');
    expect(calls).toContain('POST api/local/start');
    model.dispose();
  });

  it('refuses to hand out a local workspace whose server cannot start', async () => {
    const model = new WorkspaceModel({
      client: clientWith({
        info,
        'api/workspaces': () => [
          200,
          {
            workspaces: [
              {
                id: 'local',
                kind: 'local',
                name: 'Local',
                url: null,
                tracking_uri: ''
              }
            ]
          }
        ],
        'api/local': () => [200, { ...local, tracking_uri: '', port: null }],
        'api/local/start': () => [
          500,
          {
            message:
              'MLflow is not installed in the environment that runs Jupyter'
          }
        ]
      }),
      frontendVersion: '0.1.0'
    });
    await model.refresh();
    await expect(model.readyForSetup('local')).rejects.toThrow(
      /MLflow is not installed/
    );
    model.dispose();
  });
});
