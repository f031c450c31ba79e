/**
 * What the run details pane and the sweep view load for one run. Async functions over an
 * `IRunsApi`; the browser model keeps their results.
 */
import {
  IExperiment,
  ILoggedModel,
  IListArtifactsResponse,
  IMetricHistory,
  IMetricHistoryResponse,
  IPageOptions,
  IRun,
  ISearchLoggedModelsOptions,
  ISearchLoggedModelsResponse,
  ISearchRunsOptions,
  ISearchRunsResponse,
  IFullHistoryOptions
} from '../api/mlflowTypes';
import { ApiError } from '../api/request';
import { collectPages } from '../api/mlflowWire';
import { IExperimentsApi } from './experimentsModel';
import { PARENT_TAG } from './columns';
import { loggedModelsOfRun } from '../api/runModels';

/** The MLflow calls of the run browser: `MlflowClient` in the app, a fake in tests. */
export interface IRunsApi extends IExperimentsApi {
  getExperiment(experimentId: string): Promise<IExperiment>;
  searchRuns(options: ISearchRunsOptions): Promise<ISearchRunsResponse>;
  getRun(runId: string): Promise<IRun>;
  searchLoggedModels(
    options: ISearchLoggedModelsOptions
  ): Promise<ISearchLoggedModelsResponse>;
  listArtifacts(runId: string, path?: string): Promise<IListArtifactsResponse>;
  getFullMetricHistory(
    runId: string,
    metricKey: string,
    options?: IFullHistoryOptions
  ): Promise<IMetricHistory>;
  /** One page of a history: the compare statistics fold pages without keeping them. */
  getMetricHistory(
    runId: string,
    metricKey: string,
    options?: IPageOptions
  ): Promise<IMetricHistoryResponse>;
}

/** A model a run logged: an MLflow 3 LoggedModel, or an MLmodel folder of a 2.x run. */
export interface IRunModel {
  /** `models:/<id>` (3.x) or `runs:/<run>/<path>` (2.x): what `mlflow.pyfunc.load_model` takes. */
  uri: string;
  name: string;
  /** Flavour or model type, when known. */
  type?: string;
  source: 'logged-model' | 'artifact';
}

/** Everything the details pane shows. */
export interface IRunDetails {
  run: IRun;
  models: IRunModel[];
  /** Whether the server has MLflow 3 logged models (false on 2.x). */
  loggedModels: boolean;
}

/**
 * Load a run with its models: MLflow 3 logged models where `logged-models/search` exists,
 * otherwise (2.x, feature-detected by its 404) the run's `mlflow.log-model.history` tag and
 * MLmodel files in its artifact folders.
 *
 * @param api - the MLflow calls
 * @param runId - the run
 */
export async function loadRunDetails(
  api: IRunsApi,
  runId: string
): Promise<IRunDetails> {
  const run = await api.getRun(runId);
  try {
    const page = await api.searchLoggedModels({
      experimentIds: [run.info.experiment_id],
      filter: `source_run_id = '${runId.replace(/'/g, '')}'`,
      maxResults: 50
    });
    return {
      run,
      models: page.models.map(Private.fromLoggedModel),
      loggedModels: true
    };
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) {
      throw error;
    }
  }
  return {
    run,
    models: await Private.artifactModels(api, run),
    loggedModels: false
  };
}

/**
 * Every child of a sweep parent (runs tagged `mlflow.parentRunId = <parent>`), all pages.
 *
 * @param api - the MLflow calls
 * @param parent - the parent run
 * @param maxRuns - at most this many (default 2000)
 */
export async function loadSweepChildren(
  api: IRunsApi,
  parent: IRun,
  maxRuns = 2000
): Promise<{ runs: IRun[]; truncated: boolean }> {
  const id = parent.info.run_id.replace(/'/g, '');
  const { items, truncated } = await collectPages(
    async pageToken => {
      const page = await api.searchRuns({
        experimentIds: [parent.info.experiment_id],
        filter: `tags.\`${PARENT_TAG}\` = '${id}'`,
        orderBy: ['attributes.start_time ASC'],
        maxResults: 1000,
        pageToken
      });
      return { items: page.runs, nextPageToken: page.next_page_token };
    },
    { maxItems: maxRuns }
  );
  return { runs: items, truncated };
}

namespace Private {
  export function fromLoggedModel(model: ILoggedModel): IRunModel {
    return {
      uri: `models:/${model.info.model_id}`,
      name: model.info.name,
      type: model.info.model_type || undefined,
      source: 'logged-model'
    };
  }

  /** 2.x: the log-model history tag names each model's artifact path and flavours. */
  export async function artifactModels(
    api: IRunsApi,
    run: IRun
  ): Promise<IRunModel[]> {
    const runId = run.info.run_id;
    const models = new Map<string, IRunModel>();
    for (const entry of loggedModelsOfRun(run)) {
      models.set(entry.path, {
        uri: entry.uri,
        name: entry.path,
        type: entry.flavors.find(f => f !== 'python_function'),
        source: 'artifact'
      });
    }
    if (models.size === 0) {
      const root = await api.listArtifacts(runId).catch(() => null);
      const dirs = (root?.files ?? []).filter(f => f.is_dir).slice(0, 20);
      for (const dir of dirs) {
        const inside = await api
          .listArtifacts(runId, dir.path)
          .catch(() => null);
        if (inside?.files.some(f => f.path.split('/').pop() === 'MLmodel')) {
          models.set(dir.path, {
            uri: `runs:/${runId}/${dir.path}`,
            name: dir.path,
            source: 'artifact'
          });
        }
      }
    }
    return [...models.values()];
  }
}
