import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { IErrorBody } from './types';

/** The REST namespace of the server part. */
export const NAMESPACE = 'mlflow-workspace';

/**
 * A failed call to the server part: the HTTP status (0 when the server was not reached) and the
 * server's message, ready to show to a user.
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
 * @param init - fetch options
 * @returns the parsed JSON body
 * @throws ApiError on a network failure or a non-2xx reply
 */
export async function requestAPI<T>(
  settings: ServerConnection.ISettings,
  endPoint: string,
  init: RequestInit = {}
): Promise<T> {
  const url = URLExt.join(settings.baseUrl, NAMESPACE, endPoint);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw new ApiError(
      0,
      `Jupyter server unreachable: ${String(error)}`,
      'network'
    );
  }
  const text = await response.text();
  let body: any = null;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (!response.ok) {
    const err = (body ?? {}) as Partial<IErrorBody>;
    const message =
      typeof err.message === 'string' && err.message
        ? err.message
        : `${response.status} ${response.statusText}`.trim();
    throw new ApiError(response.status, message, err.reason ?? '');
  }
  return body as T;
}
