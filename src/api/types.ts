/**
 * Wire types of the server part's routes (mirrored by the Python handlers).
 */

/** `GET /mlflow-workspace/info` */
export interface IServerInfo {
  /** Version of the Python package that runs in the Jupyter server. */
  version: string;
  /** Capabilities the server part offers, by name. */
  features: string[];
}

/** The JSON body of every error reply of our routes. */
export interface IErrorBody {
  message: string;
  reason?: string;
}

/** A workspace as the browser sees it: never a secret, only whether one is set. */
export interface IWorkspace {
  id: string;
  kind: 'environment' | 'local' | 'mlflow' | 'azureml';
  name: string;
  url: string;
  tracking_uri: string;
  read_only: boolean;
  mlflow_workspace: string | null;
  has_token: boolean;
  username: string | null;
  has_password: boolean;
  note: string;
  /** Azure ML ids, for Azure workspaces. */
  azure: IAzureFields | null;
}

/** `POST /api/workspaces/<id>/test` */
export interface ITestResult {
  ok: boolean;
  /** ready | unauthorized | forbidden | not_mlflow | dns | refused | timeout | tls | redirect | … */
  reason: string;
  message: string;
  status: number;
  mlflow_version: string | null;
}

/** The lifecycle of the local MLflow server. */
export type LocalState = 'stopped' | 'starting' | 'ready' | 'failed';

/** `GET /api/local` */
export interface ILocalStatus {
  state: LocalState;
  url: string | null;
  tracking_uri: string;
  local_dir: string;
  port: number | null;
  pid: number | null;
  restarts: number;
  message: string;
  mlflow_version: string | null;
  needs_upgrade: boolean;
  /** The last lines of the server's log, secrets redacted. */
  log?: string[];
  /** Set after an upgrade: where the database was backed up. */
  backup?: string | null;
}

/** What the local server can be asked to do. */
export type LocalAction = 'start' | 'stop' | 'restart' | 'upgrade';

/** Azure ML workspace identity (no secret). */
export interface IAzureFields {
  subscription_id: string;
  resource_group: string;
  workspace_name: string;
  region: string;
  tenant_id?: string | null;
}

/**
 * What the browser sends to create or edit a workspace. Secrets travel only in request bodies;
 * an empty `token`/`password` keeps the stored value, `remove_secrets` clears them.
 */
export interface IWorkspaceDraft {
  kind: 'mlflow' | 'azureml';
  name: string;
  url?: string;
  token?: string;
  username?: string;
  password?: string;
  mlflow_workspace?: string;
  remove_secrets?: boolean;
  subscription_id?: string;
  resource_group?: string;
  workspace_name?: string;
  region?: string;
  tenant_id?: string;
}

/** The lifecycle of a deployment the server part runs. */
export type DeploymentState =
  | 'validating'
  | 'starting'
  | 'ready'
  | 'restarting'
  | 'failed'
  | 'stopped'
  /** A cloud deployment the deploying cell recorded; its live state is asked by a cell. */
  | 'deployed';

/** What a deploying cell recorded of an Azure deployment (no secret: the server refuses one). */
export interface IAzureRecord {
  target: string;
  subscription_id: string;
  resource_group: string;
  workspace_name: string;
  /** The online endpoint, or the legacy web service. */
  endpoint: string;
  /** The online deployment (absent for a legacy web service). */
  deployment: string | null;
  scoring_uri: string | null;
  auth_mode: string | null;
}

/** What the pre-flight found out about a model in the interpreter that would serve it. */
export interface IPreflight {
  ok: boolean;
  message: string;
  python: string | null;
  python_version: string | null;
  mlflow_version: string | null;
  flavors: string[];
  loader_module: string | null;
  missing: string[];
  warnings: string[];
  error: string | null;
  /** MLflow's signature as `Model.signature.to_dict()` (inputs/outputs are JSON strings). */
  signature?: { inputs?: string; outputs?: string; params?: string } | null;
  /** The model's `serving_input_example.json`: a ready /invocations body. */
  input_example?: unknown;
  /** `server` when the Jupyter server's interpreter was checked, `kernel` for a kernel's. */
  python_source?: string;
  log?: string[];
}

/** `GET /api/deployments/<id>`: one deployment (a local web service). */
export interface IDeployment {
  id: string;
  name: string;
  target: string;
  model_uri: string;
  workspace: { id: string; name: string };
  python: string;
  python_source: string;
  env_manager: string;
  state: DeploymentState;
  message: string;
  port: number | null;
  scoring_uri: string | null;
  url: string | null;
  pid: number | null;
  restarts: number;
  created_at: number;
  ready_at: number | null;
  started_in: number | null;
  preflight: IPreflight | null;
  /** Set on a recorded Azure deployment (id `az-…`). */
  azure?: IAzureRecord;
}

/** The model's own answer to a call of `/invocations`, passed through unchanged. */
export interface IInvocationResult {
  status: number;
  contentType: string;
  /** The body as text (JSON predictions, or MLflow's error body). */
  text: string;
  /** False when the answer came from the Jupyter server, not from the scoring server. */
  fromModel: boolean;
}

/** Latency percentiles in milliseconds (null: no request in the window). */
export interface ILatency {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** Traffic of a local web service over a window (`GET api/deployments/<id>/monitor`). */
export interface IMonitorSummary extends ILatency {
  id: string;
  name: string;
  state: DeploymentState;
  /** Whether a baseline profile was found with the model's run. */
  baseline: boolean;
  window_s: number;
  bucket_s: number;
  requests: number;
  per_minute: number;
  errors: number;
  error_rate: number;
  latency_ms: ILatency;
  bytes_in: number;
  bytes_out: number;
  /** One point per bucket, oldest first; `t` is the bucket's end in seconds since the epoch. */
  series: Array<{ t: number; requests: number; errors: number } & ILatency>;
  /** Newest first. */
  last_errors: Array<{
    t: number;
    status: number;
    path: string;
    error: string | null;
  }>;
  sampled_rows: number;
  limits: {
    rows_per_window: number;
    window_seconds: number;
    rows_total: number;
  };
}

/** One feature (or the prediction) against the baseline. */
export interface IFeatureDrift {
  name: string;
  kind: 'numeric' | 'categorical';
  rows: number;
  missing: number;
  null_rate: number | null;
  baseline_null_rate: number | null;
  method: 'ks' | 'wasserstein' | 'chi2' | 'jensenshannon' | null;
  statistic: number | null;
  p_value: number | null;
  threshold: number | null;
  drifted: boolean | null;
  status: 'drift' | 'no drift' | 'insufficient data';
  type_errors?: number;
  nonfinite?: number;
  out_of_range?: number;
  unseen?: number;
  unseen_rate?: number | null;
  baseline?: {
    quantiles?: number[];
    counts?: Record<string, number>;
    other?: number;
    min?: number;
    max?: number;
  };
  current?: {
    quantiles?: number[];
    counts?: Record<string, number>;
    count?: number;
  };
}

/** The sampled rows against the model's signature (no baseline needed). */
export interface ISignatureQuality {
  rows: number;
  columns: Array<{
    name: string;
    type: string;
    required: boolean;
    missing: number;
    nulls: number;
    type_errors: number;
  }>;
  extra_columns: string[];
  problems: number;
}

/** Drift and quality of the sampled rows (`GET api/deployments/<id>/drift`). */
export interface IDriftReport {
  id: string;
  window_s: number;
  rows: number;
  /** null when the model has no column signature. */
  quality?: ISignatureQuality | null;
  /** null: no baseline profile; `how` says how to log one. */
  baseline: true | null;
  how?: string;
  error?: string;
  features?: IFeatureDrift[];
  prediction?: IFeatureDrift | null;
  drifted?: string[];
  share_drifted?: number | null;
  dataset_drift?: boolean | null;
  dataset_rule?: string;
  extra_columns?: string[];
  methods?: Record<string, string>;
  min_rows?: number;
}
