import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { IErrorBody } from './types';

/** The REST namespace of the server part. */
export const NAMESPACE = 'mlflow-workspace';

/** `ApiError.reason` of a request that was cancelled through its `AbortSignal`. */
export const ABORTED = 'aborted';

/**
 * A failed call to the server part: the HTTP status (0 when the server was not reached or the
 * request was cancelled) and the server's message, ready to show to a user. `reason` is our
 * server's `reason` or, for errors MLflow returned through the proxy, MLflow's `error_code`.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason: string = ''
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * Call a route of the server part and parse its JSON reply.
 *
 * @param settings - the server settings of the application (carry base URL, token, XSRF)
 * @param endPoint - path below `<base_url>/mlflow-workspace/`
 * @param init - fetch options (`init.signal` cancels the request)
 * @param query - an already encoded query string without `?`; kept out of `URLExt.join`, which
 *   would normalise it like a path
 * @returns the parsed JSON body
 * @throws ApiError on a network failure, a cancelled request (reason `ABORTED`) or a non-2xx reply
 */
export async function requestAPI<T>(
  settings: ServerConnection.ISettings,
  endPoint: string,
  init: RequestInit = {},
  query = ''
): Promise<T> {
  const url =
    URLExt.join(settings.baseUrl, NAMESPACE, endPoint) +
    (query ? `?${query}` : '');
  let response: Response;
  let text: string;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
    text = await response.text();
  } catch (error) {
    // makeRequest wraps an abort in a NetworkError; callers need to tell "cancelled" from "down".
    if (init.signal?.aborted) {
      throw new ApiError(0, 'Request cancelled', ABORTED);
    }
    throw new ApiError(
      0,
      `Jupyter server unreachable: ${String(error)}`,
      'network'
    );
  }
  let body: any = null;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (!response.ok) {
    // MLflow's own errors pass through the proxy as `{error_code, message}`.
    const err = (body ?? {}) as Partial<IErrorBody> & { error_code?: string };
    const message =
      typeof err.message === 'string' && err.message
        ? err.message
        : `${response.status} ${response.statusText}`.trim();
    throw new ApiError(
      response.status,
      message,
      err.reason ?? err.error_code ?? ''
    );
  }
  return body as T;
}
