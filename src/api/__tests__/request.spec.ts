import { ServerConnection } from '@jupyterlab/services';
import { ApiError, requestAPI } from '../request';
import { WorkspaceClient } from '../client';

function settingsReplying(status: number, body: string, calls: string[] = []) {
  return ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/user/a%40b/',
    fetch: (async (input: RequestInfo) => {
      calls.push(typeof input === 'string' ? input : input.url);
      return new Response(body, { status });
    }) as typeof fetch
  });
}

describe('requestAPI', () => {
  it('calls our namespace under the base URL and parses JSON', async () => {
    const calls: string[] = [];
    const settings = settingsReplying(
      200,
      '{"version":"1.2.3","features":["info"]}',
      calls
    );
    const info = await new WorkspaceClient({
      serverSettings: settings
    }).getServerInfo();
    expect(info).toEqual({ version: '1.2.3', features: ['info'] });
    expect(calls[0]).toMatch(
      /^http:\/\/localhost:8888\/user\/a%40b\/mlflow-workspace\/info/
    );
  });

  it('turns an error reply into an ApiError with the server message', async () => {
    const settings = settingsReplying(
      403,
      '{"message":"No permission","reason":"forbidden"}'
    );
    await expect(requestAPI(settings, 'info')).rejects.toMatchObject({
      status: 403,
      message: 'No permission',
      reason: 'forbidden'
    });
  });

  it('falls back to the status line when the body is not JSON', async () => {
    const settings = settingsReplying(404, '<html>Not Found</html>');
    const error = (await requestAPI(settings, 'info').catch(
      e => e
    )) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(404);
    expect(error.message).toMatch(/^404/);
  });

  it('reports an unreachable server as status 0', async () => {
    const settings = ServerConnection.makeSettings({
      baseUrl: 'http://localhost:8888/',
      fetch: (async () => {
        throw new TypeError('Failed to fetch');
      }) as typeof fetch
    });
    await expect(requestAPI(settings, 'info')).rejects.toMatchObject({
      status: 0
    });
  });
});
