import { IExperiment, IMetric, IRun } from '../../api/mlflowTypes';
import { ApiError } from '../../api/request';
import { IWorkspace } from '../../api/types';
import { RunsBrowserModel } from '../browserModel';
import { IRunsApi, loadRunDetails, loadSweepChildren } from '../detailsModel';
import { uiLink } from '../links';
import { fakeSearch, makeRun } from './fakeRuns';
import { workspace as makeWorkspace } from '../../__tests__/fixtures';

function fakeApi(
  runs: IRun[],
  options: {
    mlflow2?: boolean;
    artifacts?: Record<string, string[]>;
    /** Histories by `run/key`; else steps 0..2 with values 10, 9, 8. Values 'fail' throw. */
    histories?: Record<string, IMetric[] | 'fail'>;
    /** Points the chart's full read keeps before it reports truncation. */
    fullCap?: number;
  } = {}
): IRunsApi & { calls: string[] } {
  const calls: string[] = [];
  const history = (runId: string, key: string): IMetric[] => {
    const given = options.histories?.[`${runId}/${key}`];
    if (given === 'fail') {
      throw new ApiError(500, 'history broke', 'INTERNAL_ERROR');
    }
    return (
      given ??
      [2, 1, 0].map(step => ({
        key,
        value: 10 - step,
        timestamp: step,
        step
      }))
    );
  };
  const experiments: IExperiment[] = [
    {
      experiment_id: '0',
      name: 'Default',
      lifecycle_stage: 'active',
      tags: []
    },
    { experiment_id: '1', name: 'mine', lifecycle_stage: 'active', tags: [] }
  ];
  const { search } = fakeSearch(runs);
  return {
    calls,
    searchExperiments: async () => ({ experiments }),
    getExperiment: async id => experiments.find(e => e.experiment_id === id)!,
    createExperiment: async () => '2',
    renameExperiment: async () => undefined,
    deleteExperiment: async () => undefined,
    restoreExperiment: async () => undefined,
    searchRuns: async o => {
      calls.push(`search ${o.experimentIds.join(',')} ${o.filter ?? ''}`);
      if (o.filter?.startsWith('tags.`mlflow.parentRunId`')) {
        const parent = o.filter.match(/'(.*)'/)![1];
        return {
          runs: runs.filter(r =>
            r.data.tags.some(
              t => t.key === 'mlflow.parentRunId' && t.value === parent
            )
          )
        };
      }
      return search(o);
    },
    getRun: async id => runs.find(r => r.info.run_id === id)!,
    searchLoggedModels: async o => {
      calls.push(`logged-models ${o.filter}`);
      if (options.mlflow2) {
        throw new ApiError(404, 'Not Found', 'ENDPOINT_NOT_FOUND');
      }
      return {
        models: [
          {
            info: {
              model_id: 'm-1',
              experiment_id: '1',
              name: 'model',
              model_type: 'sklearn',
              tags: [],
              registrations: []
            },
            data: { params: [], metrics: [] }
          }
        ]
      };
    },
    listArtifacts: async (_runId, path) => ({
      files: (options.artifacts?.[path ?? ''] ?? []).map(p => ({
        path: p.replace(/\/$/, ''),
        is_dir: p.endsWith('/')
      }))
    }),
    getFullMetricHistory: async (runId, key) => {
      calls.push(`history ${runId} ${key}`);
      const all = history(runId, key);
      const cap = options.fullCap ?? Infinity;
      return { metrics: all.slice(0, cap), truncated: all.length > cap };
    },
    getMetricHistory: async (runId, key, page = {}) => {
      calls.push(`page ${runId} ${key} ${page.pageToken ?? ''}`);
      const all = history(runId, key);
      const from = Number(page.pageToken ?? 0);
      const to = from + (page.maxResults ?? all.length);
      return {
        metrics: all.slice(from, to),
        next_page_token: to < all.length ? String(to) : undefined
      };
    }
  };
}

const workspace: IWorkspace = makeWorkspace('team', 'mlflow', {
  name: 'Team',
  url: 'https://mlflow.example.com/prefix/',
  tracking_uri: 'https://mlflow.example.com/prefix'
});

const flush = () => new Promise(resolve => setTimeout(resolve, 0));

/** Wait (a few timer turns at most) until the condition holds. */
async function wait(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 50 && !condition(); i++) {
    await new Promise(resolve => setTimeout(resolve, 5));
  }
  expect(condition()).toBe(true);
}

describe('run details', () => {
  const run = makeRun('r1', {
    tags: {
      'mlflow.log-model.history': JSON.stringify([
        {
          artifact_path: 'model',
          flavors: { python_function: {}, sklearn: {} }
        }
      ])
    }
  });

  it('lists MLflow 3 logged models of the run', async () => {
    const api = fakeApi([run]);
    const details = await loadRunDetails(api, 'r1');
    expect(details.loggedModels).toBe(true);
    expect(details.models).toEqual([
      {
        uri: 'models:/m-1',
        name: 'model',
        type: 'sklearn',
        source: 'logged-model'
      }
    ]);
    expect(api.calls).toContain("logged-models source_run_id = 'r1'");
  });

  it('falls back to the log-model history tag on MLflow 2.x', async () => {
    const details = await loadRunDetails(
      fakeApi([run], { mlflow2: true }),
      'r1'
    );
    expect(details.loggedModels).toBe(false);
    expect(details.models).toEqual([
      {
        uri: 'runs:/r1/model',
        name: 'model',
        type: 'sklearn',
        source: 'artifact'
      }
    ]);
  });

  it('on 2.x without the tag, finds MLmodel folders in the artifacts', async () => {
    const api = fakeApi([makeRun('r2')], {
      mlflow2: true,
      artifacts: {
        '': ['clf/', 'plots/', 'notes.txt'],
        clf: ['clf/MLmodel', 'clf/model.pkl'],
        plots: ['plots/a.png']
      }
    });
    const details = await loadRunDetails(api, 'r2');
    expect(details.models.map(m => m.uri)).toEqual(['runs:/r2/clf']);
  });

  it('does not hide other errors of the logged-model search', async () => {
    const api = fakeApi([run]);
    api.searchLoggedModels = () =>
      Promise.reject(new ApiError(502, 'Bad gateway', 'upstream'));
    await expect(loadRunDetails(api, 'r1')).rejects.toThrow('Bad gateway');
  });

  it('finds every child of a sweep parent', async () => {
    const parent = makeRun('p');
    const runs = [
      parent,
      makeRun('c1', { tags: { 'mlflow.parentRunId': 'p' } }),
      makeRun('c2', { tags: { 'mlflow.parentRunId': 'p' } })
    ];
    const { runs: children } = await loadSweepChildren(fakeApi(runs), parent);
    expect(children.map(r => r.info.run_id)).toEqual(['c1', 'c2']);
  });
});

describe('RunsBrowserModel', () => {
  const runs = [
    makeRun('a', { metrics: { loss: 1 }, params: { lr: '0.1' } }),
    makeRun('b', { metrics: { loss: 2 }, params: { lr: '0.2' } })
  ];

  it("opens the notebook's experiment, picks columns and compares the selection", async () => {
    const api = fakeApi(runs);
    const model = new RunsBrowserModel({ apiFor: () => api });
    model.setNotebookExperiment('mine');
    model.setWorkspace(workspace);
    await flush();
    await flush();
    expect(model.experimentId).toBe('1');
    expect(model.table.metricKeys).toEqual(['loss']);
    expect(model.table.paramKeys).toEqual(['lr']);
    model.table.setSelection(['b', 'a']);
    await model.openCompare();
    expect(model.view).toBe('compare');
    const compare = model.compare;
    expect(compare?.kind).toBe('ready');
    if (compare?.kind === 'ready') {
      expect(compare.value.metricKey).toBe('loss');
      expect(compare.value.series.map(s => s.run.info.run_id)).toEqual([
        'b',
        'a'
      ]);
    }
    // Unselecting a run in the table updates the open compare view.
    model.table.toggleSelected('a');
    await flush();
    const again = model.compare;
    expect(
      again?.kind === 'ready' && again.value.series.map(s => s.run.info.run_id)
    ).toEqual(['b']);
    model.dispose();
  });

  it('compare reads each history once: the chart metric from the chart, the others by page', async () => {
    const two = [
      makeRun('a', { metrics: { loss: 1, acc: 0.5 } }),
      makeRun('b', { metrics: { loss: 2, acc: 0.6 } })
    ];
    const point = (step: number, value: number) => ({
      key: 'acc',
      value,
      timestamp: step,
      step
    });
    const api = fakeApi(two, {
      histories: {
        // A spike between NaN and Inf.
        'a/acc': [
          point(0, 0.1),
          point(1, NaN),
          point(2, 0.9),
          point(3, Infinity),
          point(4, 0.5)
        ],
        'b/acc': 'fail'
      }
    });
    const model = new RunsBrowserModel({ apiFor: () => api });
    model.setWorkspace(workspace);
    await flush();
    await flush();
    model.table.setSelection(['a', 'b']);
    await model.openCompare('loss');
    await wait(
      () => model.compareStats.progress(two, ['acc', 'loss']).loading === 0
    );
    // loss is the chart's: read once in full, never by page for the table.
    expect(api.calls.filter(c => c.includes(' loss'))).toEqual([
      'history a loss',
      'history b loss'
    ]);
    const [a, b] = two;
    const loss = model.compareStats.get(a, 'loss');
    expect(loss?.kind === 'ready' && [loss.value.min, loss.value.max]).toEqual([
      8, 10
    ]);
    const acc = model.compareStats.get(a, 'acc');
    expect(acc?.kind === 'ready' && acc.value).toMatchObject({
      count: 5,
      skipped: 2,
      min: 0.1,
      minStep: 0,
      max: 0.9,
      maxStep: 2
    });
    // b's acc failed; the rest is there and the failure is counted.
    expect(model.compareStats.get(b, 'acc')?.kind).toBe('error');
    expect(model.compareStats.progress(two, ['acc', 'loss'])).toEqual({
      loading: 0,
      failed: 1,
      message: 'history broke'
    });
    model.dispose();
  });

  it('compare reads in full a chart history that the chart cut short', async () => {
    const api = fakeApi(runs, { fullCap: 2 });
    const model = new RunsBrowserModel({ apiFor: () => api });
    model.setWorkspace(workspace);
    await flush();
    await flush();
    model.table.setSelection(['a']);
    await model.openCompare('loss');
    await wait(() => model.compareStats.progress(runs, ['loss']).loading === 0);
    expect(api.calls.filter(c => c.startsWith('page a loss'))).toHaveLength(1);
    const loss = model.compareStats.get(runs[0], 'loss');
    expect(loss?.kind === 'ready' && loss.value.min).toBe(8);
    model.dispose();
  });

  it('compare reads no history for the table when only last is shown', async () => {
    const api = fakeApi(runs);
    const model = new RunsBrowserModel({ apiFor: () => api });
    model.setWorkspace(workspace);
    await flush();
    await flush();
    model.setCompareStatistic('best', false);
    expect(model.compareStats.statistics).toEqual(['last']);
    // The last one shown stays.
    model.setCompareStatistic('last', false);
    expect(model.compareStats.statistics).toEqual(['last']);
    model.table.setSelection(['a', 'b']);
    await model.openCompare('loss');
    await flush();
    expect(api.calls.filter(c => c.startsWith('page'))).toEqual([]);
    model.setCompareStatistic('max', true);
    expect(model.compareStats.statistics).toEqual(['last', 'max']);
    model.dispose();
  });

  it('compare reads the statistics of the first 100 metrics, the rest when asked', async () => {
    const keys = Array.from(
      { length: 102 },
      (_, i) => `k${String(i).padStart(3, '0')}`
    );
    const wide = [
      makeRun('a', { metrics: Object.fromEntries(keys.map(k => [k, 1])) })
    ];
    const api = fakeApi(wide);
    const model = new RunsBrowserModel({ apiFor: () => api });
    model.setWorkspace(workspace);
    await flush();
    await flush();
    model.table.setSelection(['a']);
    await model.openCompare('k000');
    await wait(() => model.compareStats.progress(wide, keys).loading === 0);
    const pages = () => api.calls.filter(c => c.startsWith('page'));
    // k000 came with the chart; k001…k099 by page; k100 and k101 not yet.
    expect(pages()).toHaveLength(99);
    expect(model.compareStats.get(wide[0], 'k099')?.kind).toBe('ready');
    expect(model.compareStats.get(wide[0], 'k100')).toBeUndefined();
    model.readAllCompareStats();
    await wait(() => model.compareStats.get(wide[0], 'k101')?.kind === 'ready');
    expect(pages()).toHaveLength(101);
    model.dispose();
  });

  it("a sweep reads its trials' histories of the chosen metric for the band", async () => {
    const parent = makeRun('p');
    const kids = ['c1', 'c2'].map((id, i) =>
      makeRun(id, {
        metrics: { loss: 1, acc: 1 },
        params: { lr: String(i) },
        tags: { 'mlflow.parentRunId': 'p' },
        start: i
      })
    );
    const api = fakeApi([parent, ...kids], { histories: { 'c2/acc': 'fail' } });
    const model = new RunsBrowserModel({ apiFor: () => api });
    model.setWorkspace(workspace);
    await flush();
    await flush();
    await model.showSweep(parent);
    expect(model.sweepMetric).toBe('acc');
    await wait(() => model.sweepHistories.state?.kind === 'ready');
    const state = model.sweepHistories.state;
    expect(state?.kind === 'ready' && state.value).toMatchObject({
      key: 'acc',
      failed: 1,
      message: 'history broke'
    });
    expect(
      state?.kind === 'ready' && state.value.trials.map(t => t.run.info.run_id)
    ).toEqual(['c1']);
    model.setSweepMetric('loss');
    await wait(() => model.sweepHistories.state?.kind === 'ready');
    const loss = model.sweepHistories.state;
    expect(loss?.kind === 'ready' && loss.value.trials[1].values).toEqual({
      steps: [0, 1, 2],
      values: [10, 9, 8]
    });
    model.closeSweep();
    expect(model.sweepHistories.state).toBeNull();
    model.dispose();
  });

  it('loads sparklines of the run in the details, ordered by step', async () => {
    const api = fakeApi(runs);
    const model = new RunsBrowserModel({ apiFor: () => api });
    model.setWorkspace(workspace);
    await flush();
    await model.showDetails('a');
    await flush();
    expect(model.details?.state.kind).toBe('ready');
    expect(model.sparklines.get('loss')).toEqual([10, 9, 8]);
    model.dispose();
  });

  it('opens a restored experiment once its workspace is browsed', async () => {
    const api = fakeApi(runs);
    const model = new RunsBrowserModel({ apiFor: () => api });
    // After a reload the restorer names the experiment before the workspace list is loaded.
    model.setWorkspace(null);
    model.requestExperiment('0', 'team');
    model.setNotebookExperiment('mine');
    expect(model.experimentId).toBeNull();
    model.setWorkspace(workspace);
    await flush();
    await flush();
    expect(model.experimentId).toBe('0');
    model.dispose();
  });

  it('ignores a restored experiment of another workspace, and one no longer listed', async () => {
    const api = fakeApi(runs);
    const other = new RunsBrowserModel({ apiFor: () => api });
    other.requestExperiment('0', 'elsewhere');
    other.setNotebookExperiment('mine');
    other.setWorkspace(workspace);
    await flush();
    await flush();
    expect(other.experimentId).toBe('1');
    other.dispose();
    const gone = new RunsBrowserModel({ apiFor: () => api });
    gone.requestExperiment('42', 'team');
    gone.setWorkspace(workspace);
    await flush();
    await flush();
    expect(gone.experimentId).toBe('0');
    gone.dispose();
  });

  it('opens a requested experiment of the browsed workspace at once', async () => {
    const api = fakeApi(runs);
    const model = new RunsBrowserModel({ apiFor: () => api });
    model.setWorkspace(workspace);
    await flush();
    await flush();
    expect(model.experimentId).toBe('0');
    model.requestExperiment('1');
    expect(model.experimentId).toBe('1');
    model.dispose();
  });

  it("never opens an experiment from the previous workspace's list", async () => {
    const first = fakeApi(runs);
    let answer: () => void = () => undefined;
    const second: IRunsApi = {
      ...fakeApi(runs),
      // The second workspace's list is slow and names other experiments.
      searchExperiments: () =>
        new Promise(resolve => {
          answer = () =>
            resolve({
              experiments: [
                {
                  experiment_id: '7',
                  name: 'theirs',
                  lifecycle_stage: 'active',
                  tags: []
                }
              ]
            });
        })
    };
    const model = new RunsBrowserModel({
      apiFor: id => (id === 'team' ? first : second)
    });
    model.setWorkspace(workspace);
    await flush();
    await flush();
    expect(model.experimentId).toBe('0');
    model.setWorkspace({ ...workspace, id: 'other', url: 'http://other' });
    // The notebook's experiment is in the old list ('mine' = '1'), not in the new one.
    model.setNotebookExperiment('mine');
    await flush();
    expect(model.experimentId).toBeNull();
    answer();
    await flush();
    await flush();
    expect(model.experimentId).toBe('7');
    model.dispose();
  });

  it('opens a restored experiment when two reads of its list overlap', async () => {
    // After a reload: the browser opens on a running local server, the restorer names an
    // experiment of another workspace, selecting it reads its list and opening the browser reads
    // it again. The first read answers first; the list is still the old workspace's then.
    const local = fakeApi(runs);
    const answers: (() => void)[] = [];
    const team: IRunsApi = {
      ...fakeApi(runs),
      searchExperiments: () =>
        new Promise(resolve => {
          answers.push(() =>
            resolve({
              experiments: [
                {
                  experiment_id: '7',
                  name: 'theirs',
                  lifecycle_stage: 'active',
                  tags: []
                }
              ]
            })
          );
        })
    };
    const model = new RunsBrowserModel({
      apiFor: id => (id === 'local' ? local : team)
    });
    model.setWorkspace({ ...workspace, id: 'local', url: 'http://local' });
    await flush();
    await flush();
    model.requestExperiment('7', 'other');
    model.setWorkspace({ ...workspace, id: 'other', url: 'http://other' });
    void model.reloadExperiments();
    expect(answers).toHaveLength(2);
    answers[0]();
    await flush();
    await flush();
    expect(model.experimentId).toBeNull();
    answers[1]();
    await flush();
    await flush();
    expect(model.experimentId).toBe('7');
    expect(model.userChosen).toBe(true);
    model.dispose();
  });

  describe("the notebook's experiment, created after the list was read", () => {
    /** An API whose experiment list grows when the setup cell creates 'diabetes'. */
    function growingApi() {
      const api = fakeApi(runs);
      const listed: IExperiment[] = [
        {
          experiment_id: '0',
          name: 'Default',
          lifecycle_stage: 'active',
          tags: []
        }
      ];
      let reads = 0;
      return {
        api: {
          ...api,
          searchExperiments: async () => {
            reads++;
            return { experiments: [...listed] };
          }
        } as IRunsApi,
        create: () =>
          listed.push({
            experiment_id: '5',
            name: 'diabetes',
            lifecycle_stage: 'active',
            tags: []
          }),
        reads: () => reads
      };
    }

    it('opens it when the browser is opened again', async () => {
      const fake = growingApi();
      const model = new RunsBrowserModel({ apiFor: () => fake.api });
      model.setNotebookExperiment('diabetes');
      model.setWorkspace(workspace);
      await flush();
      await flush();
      // Read at start-up, before the setup cell ran: only Default exists.
      expect(model.experimentId).toBe('0');
      fake.create();
      await model.reloadExperiments();
      await flush();
      expect(model.experimentId).toBe('5');
      expect(model.experiments.find('5')?.name).toBe('diabetes');
      model.dispose();
    });

    it('reads the list again when the notebook names an unlisted experiment', async () => {
      const fake = growingApi();
      const model = new RunsBrowserModel({ apiFor: () => fake.api });
      model.setWorkspace(workspace);
      await flush();
      await flush();
      const before = fake.reads();
      fake.create();
      model.setNotebookExperiment('diabetes');
      await flush();
      await flush();
      expect(fake.reads()).toBe(before + 1);
      expect(model.experimentId).toBe('5');
      model.dispose();
    });

    it('keeps an experiment the user chose', async () => {
      const fake = growingApi();
      const model = new RunsBrowserModel({ apiFor: () => fake.api });
      model.setWorkspace(workspace);
      await flush();
      await flush();
      await model.openExperiment('0');
      fake.create();
      model.setNotebookExperiment('diabetes');
      await model.reloadExperiments();
      await flush();
      expect(model.experimentId).toBe('0');
      expect(model.experiments.find('5')).toBeDefined();
      model.dispose();
    });
  });

  it('does not browse a workspace the server cannot reach', () => {
    const api = fakeApi(runs);
    const model = new RunsBrowserModel({ apiFor: () => api });
    model.setWorkspace({ ...workspace, kind: 'azureml', url: '' });
    expect(model.unavailable).toBe(true);
    expect(model.experiments.state.kind).toBe('idle');
    model.dispose();
  });
});

describe('uiLink', () => {
  it.each([
    [
      workspace,
      '1',
      'r 1',
      'https://mlflow.example.com/prefix/#/experiments/1/runs/r%201'
    ],
    [
      workspace,
      '1',
      undefined,
      'https://mlflow.example.com/prefix/#/experiments/1'
    ],
    [{ ...workspace, url: '' }, '1', 'r', null],
    [
      {
        ...workspace,
        kind: 'azureml' as const,
        url: '',
        azure: {
          subscription_id: 'sub',
          resource_group: 'rg',
          workspace_name: 'ws',
          region: 'westeurope',
          tenant_id: 't'
        }
      },
      '1',
      'run_1',
      'https://ml.azure.com/runs/run_1?wsid=/subscriptions/sub/resourcegroups/rg/workspaces/ws&tid=t'
    ]
  ])('%#', (ws, experimentId, runId, expected) => {
    expect(uiLink(ws, experimentId, runId)).toBe(expected);
  });
});
