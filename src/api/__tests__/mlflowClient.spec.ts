import { ServerConnection } from '@jupyterlab/services';
import { MLFLOW_ROUTES, MlflowClient } from '../mlflowClient';
import { SEARCH_EXPERIMENTS_MAX_RESULTS } from '../mlflowTypes';
import { ABORTED, ApiError } from '../request';

const BASE = 'http://localhost:8888/user/a%40b/';
/** The proxy prefix for workspace "ws 1" under a JupyterHub-style base URL. */
const PROXY = `${BASE}mlflow-workspace/api/workspaces/ws%201/mlflow/`;

interface ISent {
  method: string;
  url: string;
  contentType: string | null;
  body: string;
}

type Reply = [number, unknown] | ((request: Request) => Promise<Response>);

/**
 * A client whose fetch records each request and answers with the next reply (200 `{}` when
 * none is left).
 */
function fakeServer(...replies: Reply[]) {
  const sent: ISent[] = [];
  const fetch = async (request: Request) => {
    sent.push({
      method: request.method,
      // Jupyter's default `cache: 'no-store'` appends a bare timestamp as a cache buster.
      url: request.url.replace(/[?&]\d{10,}$/, ''),
      contentType: request.headers.get('Content-Type'),
      body: await request.text()
    });
    const reply = replies.shift() ?? [200, {}];
    if (typeof reply === 'function') {
      return reply(request);
    }
    const [status, body] = reply;
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return new Response(text, { status });
  };
  const serverSettings = ServerConnection.makeSettings({
    baseUrl: BASE,
    fetch: fetch as unknown as typeof globalThis.fetch
  });
  const client = new MlflowClient({ serverSettings, workspaceId: 'ws 1' });
  return { client, sent };
}

describe('MlflowClient on the wire', () => {
  it.each<
    [
      string,
      (c: MlflowClient) => Promise<unknown>,
      string,
      string,
      object | null
    ]
  >([
    [
      'searchExperiments',
      c =>
        c.searchExperiments({
          filter: "name LIKE 'a%'",
          orderBy: ['name ASC', 'creation_time DESC'],
          maxResults: 10,
          viewType: 'ALL'
        }),
      'POST',
      'api/2.0/mlflow/experiments/search',
      {
        filter: "name LIKE 'a%'",
        order_by: ['name ASC', 'creation_time DESC'],
        max_results: 10,
        view_type: 'ALL'
      }
    ],
    [
      'searchExperiments with no options asks for a bounded page',
      c => c.searchExperiments(),
      'POST',
      'api/2.0/mlflow/experiments/search',
      { max_results: SEARCH_EXPERIMENTS_MAX_RESULTS }
    ],
    [
      'getExperiment',
      c => c.getExperiment('7'),
      'GET',
      'api/2.0/mlflow/experiments/get?experiment_id=7',
      null
    ],
    [
      'getExperimentByName',
      c => c.getExperimentByName('my exp/1'),
      'GET',
      'api/2.0/mlflow/experiments/get-by-name?experiment_name=my%20exp%2F1',
      null
    ],
    [
      'searchRuns',
      c =>
        c.searchRuns({
          experimentIds: ['1', '2'],
          filter: 'metrics.rmse < 1',
          orderBy: ['metrics.rmse ASC'],
          maxResults: 50,
          pageToken: 'tok',
          runViewType: 'ACTIVE_ONLY'
        }),
      'POST',
      'api/2.0/mlflow/runs/search',
      {
        experiment_ids: ['1', '2'],
        filter: 'metrics.rmse < 1',
        order_by: ['metrics.rmse ASC'],
        max_results: 50,
        page_token: 'tok',
        run_view_type: 'ACTIVE_ONLY'
      }
    ],
    [
      'getRun',
      c => c.getRun('r1'),
      'GET',
      'api/2.0/mlflow/runs/get?run_id=r1',
      null
    ],
    [
      'getMetricHistory with a page',
      c =>
        c.getMetricHistory('r1', 'loss', { maxResults: 100, pageToken: 'p2' }),
      'GET',
      'api/2.0/mlflow/metrics/get-history?run_id=r1&metric_key=loss&max_results=100&page_token=p2',
      null
    ],
    [
      'getMetricHistory without a page',
      c => c.getMetricHistory('r1', 'val loss'),
      'GET',
      'api/2.0/mlflow/metrics/get-history?run_id=r1&metric_key=val%20loss',
      null
    ],
    [
      'listArtifacts at the root',
      c => c.listArtifacts('r1'),
      'GET',
      'api/2.0/mlflow/artifacts/list?run_id=r1',
      null
    ],
    [
      'listArtifacts in a folder',
      c => c.listArtifacts('r1', 'model/sub', { pageToken: 't' }),
      'GET',
      'api/2.0/mlflow/artifacts/list?run_id=r1&path=model%2Fsub&page_token=t',
      null
    ],
    [
      'searchRegisteredModels',
      c =>
        c.searchRegisteredModels({
          filter: "name LIKE 'c%'",
          orderBy: ['name ASC', 'last_updated_timestamp DESC'],
          maxResults: 5
        }),
      'GET',
      'api/2.0/mlflow/registered-models/search?filter=name%20LIKE%20%27c%25%27' +
        '&order_by=name%20ASC&order_by=last_updated_timestamp%20DESC&max_results=5',
      null
    ],
    [
      'getLatestVersions for some stages',
      c => c.getLatestVersions('churn', ['Production', 'Staging']),
      'POST',
      'api/2.0/mlflow/registered-models/get-latest-versions',
      { name: 'churn', stages: ['Production', 'Staging'] }
    ],
    [
      'getLatestVersions for all stages',
      c => c.getLatestVersions('churn'),
      'POST',
      'api/2.0/mlflow/registered-models/get-latest-versions',
      { name: 'churn' }
    ],
    [
      'searchModelVersions',
      c => c.searchModelVersions({ filter: "run_id IN ('a','b')" }),
      'GET',
      'api/2.0/mlflow/model-versions/search?filter=run_id%20IN%20%28%27a%27%2C%27b%27%29',
      null
    ],
    [
      'searchLoggedModels',
      c =>
        c.searchLoggedModels({
          experimentIds: ['1'],
          filter: "name = 'model'",
          datasets: [{ datasetName: 'd' }],
          orderBy: [{ fieldName: 'metrics.acc', ascending: false }],
          maxResults: 20
        }),
      'POST',
      'api/2.0/mlflow/logged-models/search',
      {
        experiment_ids: ['1'],
        filter: "name = 'model'",
        datasets: [{ dataset_name: 'd' }],
        order_by: [{ field_name: 'metrics.acc', ascending: false }],
        max_results: 20
      }
    ],
    [
      'createExperiment',
      c => c.createExperiment('fraud "v2"'),
      'POST',
      'api/2.0/mlflow/experiments/create',
      { name: 'fraud "v2"' }
    ],
    [
      'renameExperiment',
      c => c.renameExperiment('7', 'fraud-v3'),
      'POST',
      'api/2.0/mlflow/experiments/update',
      { experiment_id: '7', new_name: 'fraud-v3' }
    ],
    [
      'deleteExperiment',
      c => c.deleteExperiment('7'),
      'POST',
      'api/2.0/mlflow/experiments/delete',
      { experiment_id: '7' }
    ],
    [
      'restoreExperiment',
      c => c.restoreExperiment('7'),
      'POST',
      'api/2.0/mlflow/experiments/restore',
      { experiment_id: '7' }
    ],
    [
      'getServerInfo',
      c => c.getServerInfo(),
      'GET',
      'api/3.0/mlflow/server-info',
      null
    ]
  ])('%s', async (_, call, method, path, body) => {
    const { client, sent } = fakeServer();
    await call(client);
    expect(sent).toHaveLength(1);
    expect(sent[0].method).toBe(method);
    expect(sent[0].url).toBe(PROXY + path);
    if (body) {
      expect(sent[0].contentType).toBe('application/json');
      expect(JSON.parse(sent[0].body)).toStrictEqual(body);
    } else {
      expect(sent[0].body).toBe('');
    }
  });

  it('uses exactly the (method, path) pairs of the proxy allowlist', () => {
    expect(
      Object.values(MLFLOW_ROUTES)
        .map(([m, p]) => `${m} ${p}`)
        .sort()
    ).toEqual([
      'GET api/2.0/mlflow/artifacts/list',
      'GET api/2.0/mlflow/experiments/get',
      'GET api/2.0/mlflow/experiments/get-by-name',
      'GET api/2.0/mlflow/metrics/get-history',
      'GET api/2.0/mlflow/model-versions/search',
      'GET api/2.0/mlflow/registered-models/search',
      'GET api/2.0/mlflow/runs/get',
      'GET api/3.0/mlflow/server-info',
      'POST api/2.0/mlflow/experiments/create',
      'POST api/2.0/mlflow/experiments/delete',
      'POST api/2.0/mlflow/experiments/restore',
      'POST api/2.0/mlflow/experiments/search',
      'POST api/2.0/mlflow/experiments/update',
      'POST api/2.0/mlflow/logged-models/search',
      'POST api/2.0/mlflow/registered-models/get-latest-versions',
      'POST api/2.0/mlflow/runs/search'
    ]);
  });

  it.each(['', '.', '..'])('refuses the workspace id %p', workspaceId => {
    const serverSettings = ServerConnection.makeSettings({ baseUrl: BASE });
    expect(() => new MlflowClient({ serverSettings, workspaceId })).toThrow(
      /Invalid workspace id/
    );
  });
});

describe('MlflowClient replies', () => {
  it('decodes runs: NaN and infinite metrics, string int64, omitted lists', async () => {
    const { client } = fakeServer([
      200,
      {
        runs: [
          {
            info: {
              run_id: 'r1',
              experiment_id: '1',
              status: 'FINISHED',
              end_time: '1700000000500'
            },
            data: {
              metrics: [
                {
                  key: 'a',
                  value: 'NaN',
                  timestamp: '1700000000000',
                  step: '2'
                },
                { key: 'b', value: 'Infinity', timestamp: 1 },
                { key: 'c', value: '-Infinity', timestamp: 1 }
              ]
            }
          }
        ],
        next_page_token: 'next'
      }
    ]);
    const reply = await client.searchRuns({ experimentIds: ['1'] });
    expect(reply.next_page_token).toBe('next');
    const [run] = reply.runs;
    expect(run.info.end_time).toBe(1700000000500);
    expect(run.data.metrics.map(m => m.value)).toEqual([
      NaN,
      Infinity,
      -Infinity
    ]);
    expect(run.data.metrics[0]).toMatchObject({
      timestamp: 1700000000000,
      step: 2
    });
    expect(run.data.params).toEqual([]);
  });

  it.each<[string, unknown]>([
    ['an empty object', {}],
    ['an empty body', '']
  ])('reads %s as an empty last page', async (_, body) => {
    const { client } = fakeServer([200, body]);
    expect(await client.searchExperiments()).toStrictEqual({ experiments: [] });
  });

  it('returns the artifact root with the files', async () => {
    const { client } = fakeServer([
      200,
      {
        root_uri: 'mlflow-artifacts:/1/r1/artifacts',
        files: [{ path: 'model', is_dir: true }]
      }
    ]);
    expect(await client.listArtifacts('r1')).toStrictEqual({
      root_uri: 'mlflow-artifacts:/1/r1/artifacts',
      files: [{ path: 'model', is_dir: true }]
    });
  });

  it('reads the server info, workspaces off when the field is missing', async () => {
    const { client } = fakeServer([200, { store_type: 'SqlStore' }]);
    expect(await client.getServerInfo()).toEqual({
      store_type: 'SqlStore',
      workspaces_enabled: false
    });
  });

  it.each<[string, number, unknown, object]>([
    [
      "MLflow's error code",
      404,
      { error_code: 'RESOURCE_DOES_NOT_EXIST', message: "Run 'x' not found" },
      {
        status: 404,
        message: "Run 'x' not found",
        reason: 'RESOURCE_DOES_NOT_EXIST'
      }
    ],
    [
      'a bad filter',
      400,
      { error_code: 'INVALID_PARAMETER_VALUE', message: 'Invalid filter' },
      {
        status: 400,
        message: 'Invalid filter',
        reason: 'INVALID_PARAMETER_VALUE'
      }
    ],
    [
      "the proxy's own error",
      502,
      {
        message: 'Tracking server unreachable',
        reason: 'upstream-unreachable'
      },
      {
        status: 502,
        message: 'Tracking server unreachable',
        reason: 'upstream-unreachable'
      }
    ],
    [
      'a plain-text error',
      503,
      'Service Unavailable',
      { status: 503, reason: '' }
    ]
  ])('throws ApiError with %s', async (_, status, body, expected) => {
    const { client } = fakeServer([status, body]);
    const error = await client.getRun('x').catch(e => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject(expected);
    expect(error.message).toMatch(status === 503 ? /^503/ : /./);
  });

  it('answers null for an experiment name MLflow does not know', async () => {
    const { client } = fakeServer([
      404,
      { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'No experiment' }
    ]);
    expect(await client.getExperimentByName('nope')).toBeNull();
  });

  it('still throws a 404 of the proxy itself when looking up a name', async () => {
    const { client } = fakeServer([
      404,
      { message: 'No such workspace', reason: 'unknown-workspace' }
    ]);
    await expect(client.getExperimentByName('e')).rejects.toMatchObject({
      status: 404,
      reason: 'unknown-workspace'
    });
  });
});

describe('MlflowClient.getFullMetricHistory', () => {
  const point = (step: number) => ({
    key: 'loss',
    value: step === 1 ? 'NaN' : step,
    timestamp: '5',
    step: String(step)
  });
  const historyUrl = (extra: string) =>
    `${PROXY}api/2.0/mlflow/metrics/get-history?run_id=r1&metric_key=loss&${extra}`;

  it('follows page tokens and decodes every point', async () => {
    const { client, sent } = fakeServer(
      [200, { metrics: [point(0), point(1)], next_page_token: 't1' }],
      [200, { metrics: [point(2)] }]
    );
    const history = await client.getFullMetricHistory('r1', 'loss');
    expect(history.truncated).toBe(false);
    expect(history.metrics.map(m => [m.step, m.value, m.timestamp])).toEqual([
      [0, 0, 5],
      [1, NaN, 5],
      [2, 2, 5]
    ]);
    expect(sent.map(s => s.url)).toEqual([
      historyUrl('max_results=25000'),
      historyUrl('max_results=25000&page_token=t1')
    ]);
  });

  it('stops at maxPoints and says so', async () => {
    const { client, sent } = fakeServer(
      [200, { metrics: [point(0), point(1)], next_page_token: 't1' }],
      [200, { metrics: [point(2), point(3)], next_page_token: 't2' }],
      [200, { metrics: [point(4)] }]
    );
    const history = await client.getFullMetricHistory('r1', 'loss', {
      maxPoints: 3,
      pageSize: 2
    });
    expect(history.metrics.map(m => m.step)).toEqual([0, 1, 2]);
    expect(history.truncated).toBe(true);
    expect(sent).toHaveLength(2);
  });

  it('never asks for a page larger than the cap', async () => {
    const { client, sent } = fakeServer([200, { metrics: [point(0)] }]);
    await client.getFullMetricHistory('r1', 'loss', { maxPoints: 10 });
    expect(sent[0].url).toBe(historyUrl('max_results=10'));
  });

  it('cancels the request in flight and throws ABORTED', async () => {
    const controller = new AbortController();
    const hang = (request: Request) =>
      new Promise<Response>((_, reject) => {
        request.signal.addEventListener('abort', () =>
          reject(new DOMException('aborted', 'AbortError'))
        );
      });
    const { client, sent } = fakeServer(
      [200, { metrics: [point(0)], next_page_token: 't1' }],
      hang
    );
    const pending = client.getFullMetricHistory('r1', 'loss', {
      signal: controller.signal
    });
    while (sent.length < 2) {
      await new Promise(resolve => setTimeout(resolve, 1));
    }
    controller.abort();
    await expect(pending).rejects.toMatchObject({ status: 0, reason: ABORTED });
    expect(sent).toHaveLength(2);
  });
});
