import {
  IExperiment,
  SEARCH_EXPERIMENTS_MAX_RESULTS
} from '../../api/mlflowTypes';
import { ExperimentsModel, IExperimentsApi } from '../experimentsModel';

function fakeApi(): IExperimentsApi & { log: string[] } {
  const experiments: IExperiment[] = [
    { experiment_id: '0', name: 'Default', lifecycle_stage: 'active', tags: [] }
  ];
  const log: string[] = [];
  let next = 1;
  return {
    log,
    searchExperiments: async options => {
      log.push(`search ${options.viewType} ${options.filter ?? ''}`);
      const stage = options.viewType === 'DELETED_ONLY' ? 'deleted' : 'active';
      return {
        experiments: experiments.filter(e => e.lifecycle_stage === stage)
      };
    },
    createExperiment: async name => {
      if (experiments.some(e => e.name === name)) {
        throw new Error(`Experiment '${name}' already exists.`);
      }
      const id = String(next++);
      experiments.push({
        experiment_id: id,
        name,
        lifecycle_stage: 'active',
        tags: []
      });
      return id;
    },
    renameExperiment: async (id, name) => {
      experiments.find(e => e.experiment_id === id)!.name = name;
    },
    deleteExperiment: async id => {
      experiments.find(e => e.experiment_id === id)!.lifecycle_stage =
        'deleted';
    },
    restoreExperiment: async id => {
      experiments.find(e => e.experiment_id === id)!.lifecycle_stage = 'active';
    }
  };
}

const names = (model: ExperimentsModel) =>
  model.state.kind === 'ready' ? model.state.experiments.map(e => e.name) : [];

describe('ExperimentsModel', () => {
  it.each([
    ['', undefined],
    ['  fraud ', "name ILIKE '%fraud%'"],
    ["it's", "name ILIKE '%its%'"],
    ['\'"`\\', undefined]
  ])('searches %p with the filter %p', (text, filter) => {
    expect(ExperimentsModel.filterFor(text)).toBe(filter);
  });

  it('creates, renames, deletes and restores, listing after each', async () => {
    const api = fakeApi();
    const model = new ExperimentsModel({ api });
    await model.refresh();
    expect(names(model)).toEqual(['Default']);
    const id = await model.create(' sweep ');
    expect(names(model)).toEqual(['Default', 'sweep']);
    await model.rename(id, 'sweep-2');
    expect(model.find(id)?.name).toBe('sweep-2');
    await model.remove(id);
    expect(names(model)).toEqual(['Default']);
    await model.setShowDeleted(true);
    expect(names(model)).toEqual(['sweep-2']);
    await model.restore(id);
    expect(names(model)).toEqual([]);
    await model.setShowDeleted(false);
    expect(names(model)).toEqual(['Default', 'sweep-2']);
    expect(api.log).toContain('search DELETED_ONLY ');
  });

  it('passes a name conflict on to the caller', async () => {
    const model = new ExperimentsModel({ api: fakeApi() });
    await expect(model.create('Default')).rejects.toThrow('already exists');
  });

  it('an error of the search is the state', async () => {
    const api = fakeApi();
    api.searchExperiments = () => Promise.reject(new Error('refused'));
    const model = new ExperimentsModel({ api });
    await model.refresh();
    expect(model.state).toEqual({ kind: 'error', message: 'refused' });
  });

  it('asks for one bounded page and says when MLflow has more', async () => {
    const api = fakeApi();
    const sent: (number | undefined)[] = [];
    const many: IExperiment[] = Array.from(
      { length: ExperimentsModel.LIMIT },
      (_, i) => ({
        experiment_id: String(i),
        name: `e${i}`,
        lifecycle_stage: 'active',
        tags: []
      })
    );
    api.searchExperiments = async options => {
      sent.push(options.maxResults);
      return { experiments: many, next_page_token: 'more' };
    };
    const model = new ExperimentsModel({ api });
    await model.refresh();
    expect(sent).toEqual([ExperimentsModel.LIMIT]);
    expect(ExperimentsModel.LIMIT).toBeLessThanOrEqual(
      SEARCH_EXPERIMENTS_MAX_RESULTS
    );
    expect(model.state).toMatchObject({ kind: 'ready', more: true });
    api.searchExperiments = async () => ({ experiments: many.slice(0, 3) });
    await model.refresh();
    expect(model.state).toMatchObject({ kind: 'ready', more: false });
  });
});
