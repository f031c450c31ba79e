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
