import { IRun } from '../mlflowTypes';
import { loggedModelsOfRun } from '../runModels';

function run(history: string | null): IRun {
  return {
    info: { run_id: 'r1' },
    data: {
      metrics: [],
      params: [],
      tags:
        history === null
          ? []
          : [{ key: 'mlflow.log-model.history', value: history }]
    }
  } as unknown as IRun;
}

describe('loggedModelsOfRun', () => {
  it('reads each logged artifact path once, with its flavours', () => {
    const history = JSON.stringify([
      { artifact_path: 'model', flavors: { sklearn: {}, python_function: {} } },
      { artifact_path: 'model', flavors: { sklearn: {} } },
      { artifact_path: 'models/clf "x"', flavors: null },
      { artifact_path: '' },
      { artifact_path: 7 },
      null
    ]);
    expect(loggedModelsOfRun(run(history))).toEqual([
      {
        path: 'model',
        uri: 'runs:/r1/model',
        flavors: ['python_function', 'sklearn']
      },
      { path: 'models/clf "x"', uri: 'runs:/r1/models/clf "x"', flavors: [] }
    ]);
  });

  it.each([null, '', 'not json', '{"artifact_path": "model"}', '[1, 2'])(
    'yields nothing for a missing or malformed tag (%j)',
    raw => {
      expect(loggedModelsOfRun(run(raw))).toEqual([]);
    }
  );
});
