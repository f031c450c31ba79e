import { ServerConnection } from '@jupyterlab/services';
import { WorkspaceClient } from '../../api/client';
import { WorkspaceModel } from '../model';

function clientReplying(status: number, body: string): WorkspaceClient {
  const serverSettings = ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/',
    fetch: (async () => new Response(body, { status })) as typeof fetch
  });
  return new WorkspaceClient({ serverSettings });
}

describe('WorkspaceModel', () => {
  it('starts loading, then turns ready and signals each change', async () => {
    const model = new WorkspaceModel({
      client: clientReplying(200, '{"version":"0.1.0","features":[]}'),
      frontendVersion: '0.1.0'
    });
    const seen: string[] = [];
    model.changed.connect(() => seen.push(model.status.kind));
    await model.refresh();
    expect(seen).toEqual(['loading', 'ready']);
  });

  it('reports a missing server part on 404', async () => {
    const model = new WorkspaceModel({
      client: clientReplying(404, ''),
      frontendVersion: '0.1.0'
    });
    await model.refresh();
    expect(model.status).toEqual({ kind: 'missing', frontendVersion: '0.1.0' });
  });

  it('shares one request between concurrent refreshes', async () => {
    let calls = 0;
    const serverSettings = ServerConnection.makeSettings({
      baseUrl: 'http://localhost:8888/',
      fetch: (async () => {
        calls += 1;
        return new Response('{"version":"0.1.0","features":[]}', {
          status: 200
        });
      }) as typeof fetch
    });
    const model = new WorkspaceModel({
      client: new WorkspaceClient({ serverSettings }),
      frontendVersion: '0.1.0'
    });
    await Promise.all([model.refresh(), model.refresh()]);
    expect(calls).toBe(1);
  });
});
