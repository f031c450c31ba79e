/**
 * MLflow entities as `MlflowClient` returns them (and, at the end, the options its calls take): MLflow's own snake_case field names (so they
 * read like MLflow's REST docs), after decoding by `mlflowWire.ts`:
 * - int64 fields (times in ms, steps, sizes) are numbers, even when a server sent strings;
 * - metric values are numbers, `NaN`/`Infinity`/`-Infinity` included;
 * - repeated fields are always arrays (MLflow omits empty lists on the wire).
 * Fields that MLflow may omit stay optional. Shapes follow MLflow 3.x `service.proto` and
 * `model_registry.proto`.
 */

/** Which entities a search includes, by lifecycle stage. */
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

/** Lifecycle stage of an experiment or run. */
export type LifecycleStage = 'active' | 'deleted';

/** Status of a run. */
export type RunStatus =
  'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

/** Status of a logged model (MLflow 3). */
export type LoggedModelStatus =
  | 'LOGGED_MODEL_STATUS_UNSPECIFIED'
  | 'LOGGED_MODEL_PENDING'
  | 'LOGGED_MODEL_READY'
  | 'LOGGED_MODEL_UPLOAD_FAILED';

/** Status of a model version's registration. */
export type ModelVersionStatus =
  'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY';

/** A key/value tag (runs, experiments, registered models, model versions, logged models). */
export interface ITag {
  key: string;
  value: string;
}

/** A run tag. */
export type IRunTag = ITag;

/** A run or logged-model parameter. */
export interface IParam {
  key: string;
  value: string;
}

/** One logged metric value. */
export interface IMetric {
  key: string;
  /** May be `NaN`, `Infinity` or `-Infinity`. */
  value: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
  /** 0 when MLflow omitted it. */
  step: number;
  dataset_name?: string;
  dataset_digest?: string;
  /** The logged model the value belongs to (MLflow 3). */
  model_id?: string;
  run_id?: string;
}

/** An experiment. */
export interface IExperiment {
  experiment_id: string;
  name: string;
  artifact_location?: string;
  lifecycle_stage: LifecycleStage;
  creation_time?: number;
  last_update_time?: number;
  tags: ITag[];
  /** MLflow 3.10+ workspace the experiment belongs to. */
  workspace?: string;
}

/** Run metadata. */
export interface IRunInfo {
  run_id: string;
  run_name?: string;
  experiment_id: string;
  user_id?: string;
  status: RunStatus;
  start_time?: number;
  /** Absent while the run is running. */
  end_time?: number;
  artifact_uri?: string;
  lifecycle_stage: LifecycleStage;
}

/** Logged values of a run: `metrics` holds the latest value per key. */
export interface IRunData {
  metrics: IMetric[];
  params: IParam[];
  tags: IRunTag[];
}

/** A dataset description as MLflow stores it. */
export interface IDataset {
  name: string;
  digest: string;
  source_type?: string;
  source?: string;
  schema?: string;
  profile?: string;
}

/** A dataset used by a run, with its context tags. */
export interface IDatasetInput {
  tags: ITag[];
  dataset: IDataset;
}

/** What a run consumed. */
export interface IRunInputs {
  dataset_inputs: IDatasetInput[];
  model_inputs: { model_id: string }[];
}

/** What a run produced (MLflow 3): logged models and the step they were logged at. */
export interface IRunOutputs {
  model_outputs: { model_id: string; step: number }[];
}

/** A run. */
export interface IRun {
  info: IRunInfo;
  data: IRunData;
  inputs: IRunInputs;
  outputs: IRunOutputs;
}

/** A version of a registered model. `version` is a string on the wire ("1"). */
export interface IModelVersion {
  name: string;
  version: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  user_id?: string;
  current_stage?: string;
  description?: string;
  source?: string;
  run_id?: string;
  status?: ModelVersionStatus;
  status_message?: string;
  tags: ITag[];
  run_link?: string;
  /** Alias names (plain strings here, unlike `IRegisteredModel.aliases`). */
  aliases: string[];
  /** The logged model this version was registered from (MLflow 3). */
  model_id?: string;
  /** Note `name`, not `key`, as on the wire. */
  model_params: { name: string; value: string }[];
  model_metrics: IMetric[];
}

/** A registered model. */
export interface IRegisteredModel {
  name: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  user_id?: string;
  description?: string;
  latest_versions: IModelVersion[];
  tags: ITag[];
  aliases: { alias: string; version: string }[];
}

/** Metadata of a logged model (MLflow 3). */
export interface ILoggedModelInfo {
  model_id: string;
  experiment_id: string;
  name: string;
  creation_timestamp_ms?: number;
  last_updated_timestamp_ms?: number;
  artifact_uri?: string;
  status?: LoggedModelStatus;
  creator_id?: number;
  model_type?: string;
  source_run_id?: string;
  status_message?: string;
  tags: ITag[];
  registrations: { name: string; version: string }[];
}

/** A logged model (MLflow 3): `data.metrics` are run metrics logged with its `model_id`. */
export interface ILoggedModel {
  info: ILoggedModelInfo;
  data: { params: IParam[]; metrics: IMetric[] };
}

/** An artifact entry; `path` is relative to the run's artifact root. */
export interface IFileInfo {
  path: string;
  is_dir: boolean;
  /** Absent for directories. */
  file_size?: number;
}

/** A page of a paged MLflow search: `next_page_token` is absent on the last page. */
export interface IPaged {
  next_page_token?: string;
}

/** `experiments/search` */
export interface ISearchExperimentsResponse extends IPaged {
  experiments: IExperiment[];
}

/** `runs/search` */
export interface ISearchRunsResponse extends IPaged {
  runs: IRun[];
}

/** `metrics/get-history` */
export interface IMetricHistoryResponse extends IPaged {
  metrics: IMetric[];
}

/** All pages of a metric's history, up to a cap. */
export interface IMetricHistory {
  metrics: IMetric[];
  /** True when the cap stopped the paging before the last page. */
  truncated: boolean;
}

/** `registered-models/search` */
export interface ISearchRegisteredModelsResponse extends IPaged {
  registered_models: IRegisteredModel[];
}

/** `model-versions/search` */
export interface ISearchModelVersionsResponse extends IPaged {
  model_versions: IModelVersion[];
}

/** `logged-models/search` (MLflow 3) */
export interface ISearchLoggedModelsResponse extends IPaged {
  models: ILoggedModel[];
}

/** `artifacts/list` */
export interface IListArtifactsResponse extends IPaged {
  root_uri?: string;
  files: IFileInfo[];
}

/** `GET /api/3.0/mlflow/server-info` (MLflow 3.x; older servers answer 404). */
export interface IMlflowServerInfo {
  /** "SqlStore", "FileStore", or null for other stores. */
  store_type?: string | null;
  /** Whether the MLflow 3.10+ workspaces feature is on. */
  workspaces_enabled: boolean;
}

/** Options every `MlflowClient` call accepts. */
export interface IRequestOptions {
  /** Cancels the request; the call then throws `ApiError` with reason `ABORTED`. */
  signal?: AbortSignal;
}

/** Paging of one call. */
export interface IPageOptions extends IRequestOptions {
  /** Page size; MLflow's default when omitted. */
  maxResults?: number;
  /** `next_page_token` of the previous page; the first page when omitted. */
  pageToken?: string;
}

/** Filter and order of a search, in MLflow's search syntax (mlflow-rest.md §3). */
export interface ISearchOptions extends IPageOptions {
  /** E.g. `metrics.rmse < 1 AND tags.team = 'a'`. */
  filter?: string;
  /** E.g. `['metrics.rmse ASC', 'start_time DESC']`. */
  orderBy?: string[];
}

/**
 * The largest `experiments/search` page every MLflow server accepts: the REST reference
 * guarantees at least 1000 (open-source MLflow's default), Databricks caps at 3000. A search
 * without `maxResults` asks for this many, so its size never depends on the server's default.
 */
export const SEARCH_EXPERIMENTS_MAX_RESULTS = 1000;

/** Options of `MlflowClient.searchExperiments`. */
export interface ISearchExperimentsOptions extends ISearchOptions {
  viewType?: ViewType;
}

/** Options of `MlflowClient.searchRuns`. */
export interface ISearchRunsOptions extends ISearchOptions {
  experimentIds: string[];
  runViewType?: ViewType;
}

/** Options of `MlflowClient.searchLoggedModels`; its order is structured, not a string. */
export interface ISearchLoggedModelsOptions extends IPageOptions {
  experimentIds: string[];
  filter?: string;
  /** Restrict metric clauses to metrics logged on these datasets. */
  datasets?: { datasetName: string; datasetDigest?: string }[];
  orderBy?: {
    /** An attribute or `metrics.<key>`. */
    fieldName: string;
    ascending?: boolean;
    datasetName?: string;
    datasetDigest?: string;
  }[];
}

/** Options of `MlflowClient.getFullMetricHistory`. */
export interface IFullHistoryOptions extends IRequestOptions {
  /** Stop after this many points (default 100 000). */
  maxPoints?: number;
  /** Points per request (default 25 000). */
  pageSize?: number;
}
