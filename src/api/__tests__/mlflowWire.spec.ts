import { ABORTED, ApiError } from '../request';
import {
  collectPages,
  decodeDouble,
  decodeExperiment,
  decodeFileInfo,
  decodeInt64,
  decodeLoggedModel,
  decodeMetric,
  decodePageToken,
  decodeRegisteredModel,
  decodeRun,
  encodeBody,
  encodeDouble,
  encodeQuery,
  IPage,
  QueryFields
} from '../mlflowWire';

describe('encodeQuery', () => {
  it.each<[string, QueryFields, string]>([
    ['repeats keys for lists', { run_ids: ['a', 'b'] }, 'run_ids=a&run_ids=b'],
    [
      'omits undefined, null and empty lists',
      { a: undefined, b: null, c: [], d: 'x' },
      'd=x'
    ],
    ['is empty without fields', {}, ''],
    [
      'writes booleans in lower case',
      { allow_deleted: true },
      'allow_deleted=true'
    ],
    [
      'writes numbers, non-finite ones as MLflow spells them',
      { max_results: 10, a: NaN, b: -Infinity },
      'max_results=10&a=NaN&b=-Infinity'
    ],
    [
      'percent-encodes spaces as %20 and reserved characters',
      { filter: "name LIKE 'a%' AND x=1&y+z" },
      'filter=name%20LIKE%20%27a%25%27%20AND%20x%3D1%26y%2Bz'
    ],
    [
      'encodes slashes so a path stays one value',
      { path: '../a/b' },
      'path=..%2Fa%2Fb'
    ],
    [
      'keeps the order of fields and of list items',
      { order_by: ['name ASC', 'creation_time DESC'], max_results: 5 },
      'order_by=name%20ASC&order_by=creation_time%20DESC&max_results=5'
    ]
  ])('%s', (_, fields, expected) => {
    expect(encodeQuery(fields)).toBe(expected);
  });
});

describe('encodeBody', () => {
  it('drops undefined, null and empty lists but keeps false, 0 and empty strings', () => {
    const body = encodeBody({
      a: undefined,
      b: null,
      c: [],
      d: ['1'],
      e: false,
      f: 0,
      g: ''
    });
    expect(body).toBe('{"d":["1"],"e":false,"f":0,"g":""}');
  });

  it('sends non-finite numbers as strings, also when nested', () => {
    const body = encodeBody({
      metrics: [
        { value: NaN },
        { value: Infinity },
        { value: -Infinity },
        { value: 1.5 }
      ]
    });
    expect(body).toBe(
      '{"metrics":[{"value":"NaN"},{"value":"Infinity"},{"value":"-Infinity"},{"value":1.5}]}'
    );
  });

  it('sends an empty object for no fields', () => {
    expect(encodeBody({})).toBe('{}');
  });
});

describe('doubles', () => {
  it.each<[unknown, number]>([
    [1.5, 1.5],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['2.5', 2.5],
    [undefined, 0],
    [null, 0],
    ['abc', NaN],
    ['', NaN],
    [true, NaN]
  ])('decodes %p as %p', (raw, expected) => {
    expect(decodeDouble(raw)).toBe(expected);
  });

  it.each([NaN, Infinity, -Infinity, 0, -2.25])(
    'round-trips %p through the wire spelling',
    value => {
      const wire = JSON.parse(JSON.stringify(encodeDouble(value)));
      expect(decodeDouble(wire)).toBe(value);
    }
  );
});

describe('decodeInt64', () => {
  it.each<[unknown, number | undefined]>([
    [1712345678901, 1712345678901],
    ['1712345678901', 1712345678901],
    ['-5', -5],
    [0, 0],
    [undefined, undefined],
    ['1.5', undefined],
    ['12abc', undefined],
    [NaN, undefined]
  ])('decodes %p as %p', (raw, expected) => {
    expect(decodeInt64(raw)).toBe(expected);
  });
});

describe('entity decoders', () => {
  it('decodes a metric with string int64 fields and a NaN value', () => {
    expect(
      decodeMetric({ key: 'loss', value: 'NaN', timestamp: '1700000000000' })
    ).toEqual({
      key: 'loss',
      value: NaN,
      timestamp: 1700000000000,
      step: 0
    });
  });

  it('decodes a run as a protobuf server sends it, filling omitted lists', () => {
    const run = decodeRun({
      info: {
        run_uuid: 'r1',
        experiment_id: '0',
        status: 'RUNNING',
        start_time: '1700000000000',
        lifecycle_stage: 'active'
      },
      data: {
        metrics: [{ key: 'acc', value: 'Infinity', timestamp: 1, step: '3' }]
      },
      outputs: { model_outputs: [{ model_id: 'm-1', step: '3' }] }
    });
    expect(run.info.run_id).toBe('r1');
    expect(run.info.start_time).toBe(1700000000000);
    expect('end_time' in run.info).toBe(false);
    expect(run.data).toEqual({
      metrics: [{ key: 'acc', value: Infinity, timestamp: 1, step: 3 }],
      params: [],
      tags: []
    });
    expect(run.inputs).toEqual({ dataset_inputs: [], model_inputs: [] });
    expect(run.outputs.model_outputs).toEqual([{ model_id: 'm-1', step: 3 }]);
  });

  it('decodes an experiment, passing the other fields through', () => {
    expect(
      decodeExperiment({
        experiment_id: '1',
        name: 'e',
        lifecycle_stage: 'active',
        creation_time: '10',
        last_update_time: 20,
        workspace: 'default'
      })
    ).toEqual({
      experiment_id: '1',
      name: 'e',
      lifecycle_stage: 'active',
      creation_time: 10,
      last_update_time: 20,
      workspace: 'default',
      tags: []
    });
  });

  it('decodes a registered model with its latest versions', () => {
    const model = decodeRegisteredModel({
      name: 'churn',
      creation_timestamp: '5',
      aliases: [{ alias: 'champion', version: '2' }],
      latest_versions: [
        {
          name: 'churn',
          version: '2',
          last_updated_timestamp: '7',
          aliases: ['champion'],
          model_metrics: [{ key: 'auc', value: '-Infinity', timestamp: 1 }]
        }
      ]
    });
    expect(model.creation_timestamp).toBe(5);
    expect(model.tags).toEqual([]);
    expect(model.latest_versions[0]).toEqual({
      name: 'churn',
      version: '2',
      last_updated_timestamp: 7,
      aliases: ['champion'],
      tags: [],
      model_params: [],
      model_metrics: [{ key: 'auc', value: -Infinity, timestamp: 1, step: 0 }]
    });
  });

  it('decodes a logged model', () => {
    const model = decodeLoggedModel({
      info: {
        model_id: 'm-1',
        experiment_id: '1',
        name: 'model',
        creator_id: '42'
      },
      data: { metrics: [{ key: 'acc', value: 'NaN', timestamp: 1, step: 1 }] }
    });
    expect(model.info).toEqual({
      model_id: 'm-1',
      experiment_id: '1',
      name: 'model',
      creator_id: 42,
      tags: [],
      registrations: []
    });
    expect(model.data.params).toEqual([]);
    expect(model.data.metrics[0].value).toBeNaN();
  });

  it.each([
    [
      { path: 'model', is_dir: true },
      { path: 'model', is_dir: true }
    ],
    [
      { path: 'model/MLmodel', file_size: '512' },
      { path: 'model/MLmodel', is_dir: false, file_size: 512 }
    ]
  ])('decodes the file info %p', (raw, expected) => {
    expect(decodeFileInfo(raw)).toEqual(expected);
  });

  it.each<[unknown, object]>([
    [{ next_page_token: 'abc' }, { next_page_token: 'abc' }],
    [{ next_page_token: '' }, {}],
    [{}, {}],
    [null, {}]
  ])('reads the page token of %p', (raw, expected) => {
    expect(decodePageToken(raw)).toStrictEqual(expected);
  });
});

describe('collectPages', () => {
  /** A paged source of the numbers 0..total-1, recording the tokens it was asked for. */
  function source(total: number, pageSize: number) {
    const tokens: (string | undefined)[] = [];
    const fetchPage = async (
      token: string | undefined
    ): Promise<IPage<number>> => {
      tokens.push(token);
      const start = token ? Number(token) : 0;
      const end = Math.min(start + pageSize, total);
      const items = Array.from({ length: end - start }, (_, i) => start + i);
      return { items, nextPageToken: end < total ? String(end) : '' };
    };
    return { tokens, fetchPage };
  }

  it('follows next_page_token to the last page', async () => {
    const { tokens, fetchPage } = source(5, 2);
    const result = await collectPages(fetchPage);
    expect(result).toEqual({ items: [0, 1, 2, 3, 4], truncated: false });
    expect(tokens).toEqual([undefined, '2', '4']);
  });

  it('stops at maxItems without asking for another page', async () => {
    const { tokens, fetchPage } = source(10, 2);
    const result = await collectPages(fetchPage, { maxItems: 3 });
    expect(result).toEqual({ items: [0, 1, 2], truncated: true });
    expect(tokens).toHaveLength(2);
  });

  it('is not truncated when the last page ends exactly at the cap', async () => {
    const { fetchPage } = source(4, 2);
    expect(await collectPages(fetchPage, { maxItems: 4 })).toEqual({
      items: [0, 1, 2, 3],
      truncated: false
    });
  });

  it('stops after maxPages requests', async () => {
    const { tokens, fetchPage } = source(100, 1);
    const result = await collectPages(fetchPage, { maxPages: 3 });
    expect(result).toEqual({ items: [0, 1, 2], truncated: true });
    expect(tokens).toHaveLength(3);
  });

  it('stops when the server hands back the token it was given', async () => {
    const tokens: (string | undefined)[] = [];
    const result = await collectPages(async token => {
      tokens.push(token);
      return { items: token ? [] : [1], nextPageToken: 'same' };
    });
    expect(result).toEqual({ items: [1], truncated: true });
    expect(tokens).toEqual([undefined, 'same']);
  });

  it('does not start when the signal has already fired', async () => {
    const { tokens, fetchPage } = source(5, 2);
    const controller = new AbortController();
    controller.abort();
    const error = await collectPages(fetchPage, {
      signal: controller.signal
    }).catch(e => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.reason).toBe(ABORTED);
    expect(tokens).toEqual([]);
  });

  it('stops between pages when the signal fires', async () => {
    const { tokens, fetchPage } = source(10, 2);
    const controller = new AbortController();
    const aborting = async (token: string | undefined) => {
      const page = await fetchPage(token);
      controller.abort();
      return page;
    };
    await expect(
      collectPages(aborting, { signal: controller.signal })
    ).rejects.toMatchObject({ status: 0, reason: ABORTED });
    expect(tokens).toEqual([undefined]);
  });
});
