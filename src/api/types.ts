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
