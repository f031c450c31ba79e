import { ILoggedModel, IRun } from '../../api/mlflowTypes';
import {
  choicesFromLoggedModels,
  choicesFromRegistry,
  choicesFromRunTags
} from '../modelChoices';

function run(
  id: string,
  name: string,
  tags: Record<string, string> = {}
): IRun {
  return {
    info: {
      run_id: id,
      run_name: name,
      experiment_id: '1',
      status: 'FINISHED',
      lifecycle_stage: 'active'
    },
    data: {
      metrics: [],
      params: [],
      tags: Object.entries(tags).map(([key, value]) => ({ key, value }))
    },
    inputs: { dataset_inputs: [], model_inputs: [] },
    outputs: { model_outputs: [] }
  } as unknown as IRun;
}

describe('deployable models', () => {
  it('reads MLflow 2.x log-model history, once per path', () => {
    const history = JSON.stringify([
      { artifact_path: 'model', flavors: { sklearn: {}, python_function: {} } },
      { artifact_path: 'model', flavors: {} },
      { artifact_path: 'other' }
    ]);
    const choices = choicesFromRunTags([
      run('r1', 'train', { 'mlflow.log-model.history': history }),
      run('r2', 'broken', { 'mlflow.log-model.history': '[{"artifact' }),
      run('r3', 'none')
    ]);
    expect(choices.map(c => c.uri)).toEqual([
      'runs:/r1/model',
      'runs:/r1/other'
    ]);
    expect(choices[0]).toMatchObject({
      label: 'train / model',
      runId: 'r1',
      flavors: ['python_function', 'sklearn']
    });
  });

  it('names MLflow 3 logged models after their run and skips failed uploads', () => {
    const logged = (id: string, runId: string, status = 'LOGGED_MODEL_READY') =>
      ({
        info: {
          model_id: id,
          experiment_id: '1',
          name: 'model',
          source_run_id: runId,
          status,
          tags: [],
          registrations: []
        },
        data: { params: [], metrics: [] }
      }) as unknown as ILoggedModel;
    const choices = choicesFromLoggedModels(
      [
        logged('m-1', 'r1'),
        logged('m-2', 'gone1234567'),
        logged('m-3', 'r1', 'LOGGED_MODEL_UPLOAD_FAILED')
      ],
      [run('r1', 'train')]
    );
    expect(choices).toEqual([
      {
        uri: 'models:/m-1',
        label: 'train / model',
        source: 'logged',
        runId: 'r1',
        runName: 'train'
      },
      {
        uri: 'models:/m-2',
        label: 'gone1234 / model',
        source: 'logged',
        runId: 'gone1234567'
      }
    ]);
  });

  it('offers aliases first, then versions newest first', () => {
    const choices = choicesFromRegistry(
      [
        {
          name: 'churn',
          latest_versions: [],
          tags: [],
          aliases: [{ alias: 'champion', version: '2' }]
        }
      ],
      [
        {
          name: 'churn',
          version: '1',
          tags: [],
          aliases: [],
          model_params: [],
          model_metrics: []
        },
        {
          name: 'churn',
          version: '10',
          tags: [],
          aliases: [],
          model_params: [],
          model_metrics: []
        }
      ]
    );
    expect(choices.map(c => c.uri)).toEqual([
      'models:/churn@champion',
      'models:/churn/10',
      'models:/churn/1'
    ]);
    expect(choices[0].label).toBe('churn @champion (v2)');
  });
});
