import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { ApiError, requestAPI } from './request';
import {
  IExperiment,
  IFullHistoryOptions,
  IListArtifactsResponse,
  IMetricHistory,
  IMetricHistoryResponse,
  IMlflowServerInfo,
  IModelVersion,
  IPageOptions,
  IRequestOptions,
  IRun,
  ISearchExperimentsOptions,
  ISearchExperimentsResponse,
  ISearchLoggedModelsOptions,
  ISearchLoggedModelsResponse,
  ISearchModelVersionsResponse,
  ISearchOptions,
  ISearchRegisteredModelsResponse,
  ISearchRunsOptions,
  ISearchRunsResponse,
  SEARCH_EXPERIMENTS_MAX_RESULTS
} from './mlflowTypes';
import {
  collectPages,
  decodeExperiment,
  decodeFileInfo,
  decodeList,
  decodeLoggedModel,
  decodeMetric,
  decodeModelVersion,
  decodePageToken,
  decodeRegisteredModel,
  decodeRun,
  encodeBody,
  encodeQuery
} from './mlflowWire';

/**
 * Every MLflow call the browser makes: (HTTP method, path below the tracking server's root).
 * The server part's proxy allowlist must hold exactly these pairs; nothing else is forwarded.
 */
export const MLFLOW_ROUTES = {
  searchExperiments: ['POST', 'api/2.0/mlflow/experiments/search'],
  getExperiment: ['GET', 'api/2.0/mlflow/experiments/get'],
  getExperimentByName: ['GET', 'api/2.0/mlflow/experiments/get-by-name'],
  createExperiment: ['POST', 'api/2.0/mlflow/experiments/create'],
  renameExperiment: ['POST', 'api/2.0/mlflow/experiments/update'],
  deleteExperiment: ['POST', 'api/2.0/mlflow/experiments/delete'],
  restoreExperiment: ['POST', 'api/2.0/mlflow/experiments/restore'],
  searchRuns: ['POST', 'api/2.0/mlflow/runs/search'],
  getRun: ['GET', 'api/2.0/mlflow/runs/get'],
  getMetricHistory: ['GET', 'api/2.0/mlflow/metrics/get-history'],
  listArtifacts: ['GET', 'api/2.0/mlflow/artifacts/list'],
  searchRegisteredModels: ['GET', 'api/2.0/mlflow/registered-models/search'],
  getLatestVersions: [
    'POST',
    'api/2.0/mlflow/registered-models/get-latest-versions'
  ],
  searchModelVersions: ['GET', 'api/2.0/mlflow/model-versions/search'],
  searchLoggedModels: ['POST', 'api/2.0/mlflow/logged-models/search'],
  getServerInfo: ['GET', 'api/3.0/mlflow/server-info']
} as const;

/**
 * A typed MLflow client for one workspace. It talks only to the server part's proxy,
 * `<base_url>/mlflow-workspace/api/workspaces/<id>/mlflow/<path>`, which adds auth and takes the
 * tracking server from the stored profile. Every method returns decoded data (`mlflowTypes.ts`)
 * and throws `ApiError`, whose `reason` is MLflow's `error_code` for errors MLflow returned,
 * our server's reason for proxy errors, and `ABORTED` when the call was cancelled.
 */
export class MlflowClient {
  /**
   * @param options - server settings and the workspace to talk to
   * @throws Error when the workspace id cannot be one URL segment
   */
  constructor(options: MlflowClient.IOptions) {
    // encodeURIComponent keeps '.', and URLExt.join would resolve '.' or '..' like a path.
    if (!options.workspaceId || /^\.{1,2}$/.test(options.workspaceId)) {
      throw new Error(`Invalid workspace id: "${options.workspaceId}"`);
    }
    this.serverSettings = options.serverSettings;
    this.workspaceId = options.workspaceId;
  }

  /** Settings of the Jupyter server this client talks to. */
  readonly serverSettings: ServerConnection.ISettings;

  /** The workspace whose tracking server the proxy forwards to. */
  readonly workspaceId: string;

  /**
   * Find experiments, one page at a time (`SEARCH_EXPERIMENTS_MAX_RESULTS` unless told).
   *
   * @param options - filter (e.g. `name LIKE 'fraud%'`), order, page, view type
   */
  searchExperiments(
    options: ISearchExperimentsOptions = {}
  ): Promise<ISearchExperimentsResponse> {
    const fields = {
      ...Private.search(options),
      max_results: options.maxResults ?? SEARCH_EXPERIMENTS_MAX_RESULTS,
      view_type: options.viewType
    };
    return this._page('searchExperiments', options, fields);
  }

  /**
   * Get one experiment by id (deleted ones too).
   *
   * @param experimentId - the experiment's id
   * @param options - cancellation
   */
  async getExperiment(
    experimentId: string,
    options: IRequestOptions = {}
  ): Promise<IExperiment> {
    const fields = { experiment_id: experimentId };
    const raw = await this._call('getExperiment', options, fields);
    return decodeExperiment(raw?.experiment);
  }

  /**
   * Get an experiment by its exact name.
   *
   * @param name - the experiment's name
   * @param options - cancellation
   * @returns the experiment, or `null` when MLflow has none by that name
   */
  async getExperimentByName(
    name: string,
    options: IRequestOptions = {}
  ): Promise<IExperiment | null> {
    const fields = { experiment_name: name };
    try {
      const raw = await this._call('getExperimentByName', options, fields);
      return decodeExperiment(raw?.experiment);
    } catch (error) {
      // Only MLflow's own error code means "absent": a 404 of the proxy itself (unknown
      // workspace) carries our server's reason and stays an error.
      if (error instanceof ApiError && error.reason === Private.NOT_FOUND) {
        return null;
      }
      throw error;
    }
  }

  /**
   * Create an experiment.
   *
   * @param name - the new experiment's name (MLflow answers RESOURCE_ALREADY_EXISTS when taken,
   *   also by a deleted experiment)
   * @param options - cancellation
   * @returns the new experiment's id
   */
  async createExperiment(
    name: string,
    options: IRequestOptions = {}
  ): Promise<string> {
    const raw = await this._call('createExperiment', options, { name });
    return String(raw?.experiment_id ?? '');
  }

  /**
   * Rename an experiment.
   *
   * @param experimentId - the experiment's id
   * @param newName - its new name
   * @param options - cancellation
   */
  async renameExperiment(
    experimentId: string,
    newName: string,
    options: IRequestOptions = {}
  ): Promise<void> {
    const fields = { experiment_id: experimentId, new_name: newName };
    await this._call('renameExperiment', options, fields);
  }

  /**
   * Delete an experiment (MLflow's soft delete: its runs go with it, restore brings them back).
   *
   * @param experimentId - the experiment's id
   * @param options - cancellation
   */
  async deleteExperiment(
    experimentId: string,
    options: IRequestOptions = {}
  ): Promise<void> {
    const fields = { experiment_id: experimentId };
    await this._call('deleteExperiment', options, fields);
  }

  /**
   * Restore a deleted experiment with its runs.
   *
   * @param experimentId - the experiment's id
   * @param options - cancellation
   */
  async restoreExperiment(
    experimentId: string,
    options: IRequestOptions = {}
  ): Promise<void> {
    const fields = { experiment_id: experimentId };
    await this._call('restoreExperiment', options, fields);
  }

  /**
   * Find runs of some experiments, one page at a time.
   *
   * @param options - experiments, filter (e.g. `metrics.rmse < 1`), order, page, view type
   */
  searchRuns(options: ISearchRunsOptions): Promise<ISearchRunsResponse> {
    const fields = {
      experiment_ids: options.experimentIds,
      ...Private.search(options),
      run_view_type: options.runViewType
    };
    return this._page('searchRuns', options, fields);
  }

  /**
   * Get a run with its latest metrics, params, tags, inputs and outputs.
   *
   * @param runId - the run's id
   * @param options - cancellation
   */
  async getRun(runId: string, options: IRequestOptions = {}): Promise<IRun> {
    const raw = await this._call('getRun', options, { run_id: runId });
    return decodeRun(raw?.run);
  }

  /**
   * Get one page of a metric's history; without `maxResults` MLflow sends all points at once.
   *
   * @param runId - the run's id
   * @param metricKey - the metric's key
   * @param options - page size and token, cancellation
   */
  getMetricHistory(
    runId: string,
    metricKey: string,
    options: IPageOptions = {}
  ): Promise<IMetricHistoryResponse> {
    const fields = {
      run_id: runId,
      metric_key: metricKey,
      max_results: options.maxResults,
      page_token: options.pageToken
    };
    return this._page('getMetricHistory', options, fields);
  }

  /**
   * Get a metric's whole history, following pages up to `maxPoints` points.
   *
   * @param runId - the run's id
   * @param metricKey - the metric's key
   * @param options - point cap (default 100 000), page size (default 25 000), cancellation
   * @returns the points in MLflow's order, and whether the cap cut them
   */
  async getFullMetricHistory(
    runId: string,
    metricKey: string,
    options: IFullHistoryOptions = {}
  ): Promise<IMetricHistory> {
    const { signal, maxPoints = 100_000 } = options;
    const pageSize = options.pageSize ?? 25_000;
    // Never ask for more than the cap, so that a small cap costs one small request.
    const maxResults = Math.max(1, Math.min(pageSize, maxPoints));
    const fetchPage = async (pageToken: string | undefined) => {
      const page = await this.getMetricHistory(runId, metricKey, {
        pageToken,
        maxResults,
        signal
      });
      return { items: page.metrics, nextPageToken: page.next_page_token };
    };
    const { items, truncated } = await collectPages(fetchPage, {
      maxItems: maxPoints,
      signal
    });
    return { metrics: items, truncated };
  }

  /**
   * List a run's artifacts in one folder.
   *
   * @param runId - the run's id
   * @param path - folder relative to the run's artifact root; the root when omitted
   * @param options - page token, cancellation
   */
  async listArtifacts(
    runId: string,
    path?: string,
    options: IPageOptions = {}
  ): Promise<IListArtifactsResponse> {
    const fields = { run_id: runId, path, page_token: options.pageToken };
    const raw = await this._call('listArtifacts', options, fields);
    return {
      ...(typeof raw?.root_uri === 'string' ? { root_uri: raw.root_uri } : {}),
      files: decodeList(raw?.files, decodeFileInfo),
      ...decodePageToken(raw)
    };
  }

  /**
   * Find registered models, one page at a time.
   *
   * @param options - filter (e.g. `name LIKE 'churn%'`), order, page
   */
  searchRegisteredModels(
    options: ISearchOptions = {}
  ): Promise<ISearchRegisteredModelsResponse> {
    const fields = Private.search(options);
    return this._page('searchRegisteredModels', options, fields);
  }

  /**
   * Get the newest version of a registered model per stage.
   *
   * @param name - the registered model's name
   * @param stages - only these stages (e.g. `['Production']`); all stages when omitted
   * @param options - cancellation
   */
  async getLatestVersions(
    name: string,
    stages?: string[],
    options: IRequestOptions = {}
  ): Promise<IModelVersion[]> {
    const fields = { name, stages };
    const raw = await this._call('getLatestVersions', options, fields);
    return decodeList(raw?.model_versions, decodeModelVersion);
  }

  /**
   * Find model versions, one page at a time.
   *
   * @param options - filter (e.g. `name = 'churn'`), order, page
   */
  searchModelVersions(
    options: ISearchOptions = {}
  ): Promise<ISearchModelVersionsResponse> {
    const fields = Private.search(options);
    return this._page('searchModelVersions', options, fields);
  }

  /**
   * Find MLflow 3 logged models of some experiments, one page at a time.
   *
   * @param options - experiments, filter (e.g. `source_run_id = '…'`), datasets, order, page
   */
  searchLoggedModels(
    options: ISearchLoggedModelsOptions
  ): Promise<ISearchLoggedModelsResponse> {
    const fields = {
      experiment_ids: options.experimentIds,
      filter: options.filter,
      datasets: options.datasets?.map(d => ({
        dataset_name: d.datasetName,
        dataset_digest: d.datasetDigest
      })),
      order_by: options.orderBy?.map(o => ({
        field_name: o.fieldName,
        ascending: o.ascending,
        dataset_name: o.datasetName,
        dataset_digest: o.datasetDigest
      })),
      max_results: options.maxResults,
      page_token: options.pageToken
    };
    return this._page('searchLoggedModels', options, fields);
  }

  /**
   * Ask the tracking server how it is set up (MLflow 3.x; older servers answer 404).
   *
   * @param options - cancellation
   */
  async getServerInfo(
    options: IRequestOptions = {}
  ): Promise<IMlflowServerInfo> {
    const raw = await this._call('getServerInfo', options, {});
    return { ...raw, workspaces_enabled: raw?.workspaces_enabled === true };
  }

  /**
   * Call a paged endpoint; decode its list (named in `Private.PAGED`) and `next_page_token`.
   */
  private async _page(
    route: keyof typeof Private.PAGED,
    options: IRequestOptions,
    fields: Record<string, any>
  ): Promise<any> {
    const [key, decode]: Private.ListSpec = Private.PAGED[route];
    const raw = await this._call(route, options, fields);
    return { [key]: decodeList(raw?.[key], decode), ...decodePageToken(raw) };
  }

  /**
   * Send one MLflow call through the proxy: GET fields as a query, others as a JSON body.
   */
  private _call(
    route: Private.Route,
    options: IRequestOptions,
    fields: Record<string, any>
  ): Promise<any> {
    const [method, path] = MLFLOW_ROUTES[route];
    const ws = encodeURIComponent(this.workspaceId);
    const url = URLExt.join('api', 'workspaces', ws, 'mlflow', path);
    const { signal } = options;
    const settings = this.serverSettings;
    if (method === 'GET') {
      return requestAPI(settings, url, { method, signal }, encodeQuery(fields));
    }
    // MLflow answers 400 to a POST body that is not declared as JSON.
    const headers = { 'Content-Type': 'application/json' };
    const body = encodeBody(fields);
    return requestAPI(settings, url, { method, signal, headers, body });
  }
}

export namespace MlflowClient {
  /** Options of the constructor. */
  export interface IOptions {
    /** The application's server settings (base URL, token, XSRF). */
    serverSettings: ServerConnection.ISettings;
    /** The id of the stored workspace profile. */
    workspaceId: string;
  }
}

namespace Private {
  /** The name of an MLflow call in `MLFLOW_ROUTES`. */
  export type Route = keyof typeof MLFLOW_ROUTES;

  /** The list field of a paged reply, and the decoder of its elements. */
  export type ListSpec = readonly [string, (raw: any) => unknown];

  /** The list field and its element decoder of each paged search reply. */
  export const PAGED = {
    searchExperiments: ['experiments', decodeExperiment],
    searchRuns: ['runs', decodeRun],
    getMetricHistory: ['metrics', decodeMetric],
    searchRegisteredModels: ['registered_models', decodeRegisteredModel],
    searchModelVersions: ['model_versions', decodeModelVersion],
    searchLoggedModels: ['models', decodeLoggedModel]
  } satisfies Partial<Record<Route, ListSpec>>;

  /** MLflow's error code for a missing entity. */
  export const NOT_FOUND = 'RESOURCE_DOES_NOT_EXIST';

  /** The wire fields shared by all searches. */
  export function search(options: ISearchOptions): Record<string, any> {
    return {
      filter: options.filter,
      order_by: options.orderBy,
      max_results: options.maxResults,
      page_token: options.pageToken
    };
  }
}
