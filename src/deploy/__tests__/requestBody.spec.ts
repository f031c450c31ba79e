import { IPreflight } from '../../api/types';
import {
  checkRequestBody,
  formatAnswer,
  initialRequestBody,
  prettyJson
} from '../requestBody';

function preflight(extra: Partial<IPreflight>): IPreflight {
  return {
    ok: true,
    message: '',
    python: '/usr/bin/python3',
    python_version: '3.11.2',
    mlflow_version: '3.17.2',
    flavors: ['python_function', 'sklearn'],
    loader_module: 'mlflow.sklearn',
    missing: [],
    warnings: [],
    error: null,
    ...extra
  };
}

describe('Call endpoint request body', () => {
  it('starts from the logged serving example', () => {
    const example = { dataframe_split: { columns: ['a'], data: [[1]] } };
    const body = initialRequestBody(preflight({ input_example: example }));
    expect(JSON.parse(body)).toEqual(example);
  });

  it('builds one row from a column signature without an example', () => {
    const inputs = JSON.stringify([
      { name: 'age', type: 'double' },
      { name: 'city', type: 'string' },
      { name: 'ok', type: 'boolean' }
    ]);
    const body = initialRequestBody(preflight({ signature: { inputs } }));
    expect(JSON.parse(body)).toEqual({
      dataframe_split: {
        columns: ['age', 'city', 'ok'],
        data: [[0, '', false]]
      }
    });
  });

  it('falls back to an empty inputs body', () => {
    expect(JSON.parse(initialRequestBody(null))).toEqual({ inputs: [] });
    const tensor = JSON.stringify([{ type: 'tensor', 'tensor-spec': {} }]);
    expect(
      JSON.parse(
        initialRequestBody(preflight({ signature: { inputs: tensor } }))
      )
    ).toEqual({ inputs: [] });
  });

  it('says what is wrong with a body before sending it', () => {
    expect(checkRequestBody('{"inputs": [1]}')).toBe('');
    expect(checkRequestBody('{"inputs": [1]')).toMatch(/^Not valid JSON/);
    expect(checkRequestBody('[1, 2]')).toMatch(/JSON object/);
    expect(checkRequestBody('{"rows": []}')).toMatch(/found: rows/);
  });

  it('pretty-prints JSON answers and keeps other text', () => {
    expect(formatAnswer('{"predictions":[1.5, 2]}')).toBe(
      '{\n  "predictions": [1.5, 2]\n}'
    );
    expect(formatAnswer('Internal Server Error')).toBe('Internal Server Error');
  });

  it('keeps rows on one line and every value exact', () => {
    const value = {
      dataframe_split: {
        columns: ['a]"b', 'c,\nd', '{e}'],
        data: [
          [1, -0.5, null],
          [true, 'x [y]', 1e-9]
        ]
      }
    };
    const text = prettyJson(value);
    expect(JSON.parse(text)).toEqual(value);
    expect(text).toContain('"columns": ["a]\\"b", "c,\\nd", "{e}"]');
    expect(text).toContain('[1, -0.5, null]');
    expect(text.split('\n')).toHaveLength(9);
  });
});
