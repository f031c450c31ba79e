import { ApiError } from './request';
import { IServerInfo } from './types';

/**
 * What the handshake with the server part found.
 */
export type Handshake =
  | { kind: 'ready'; info: IServerInfo }
  | { kind: 'mismatch'; info: IServerInfo; frontendVersion: string }
  | { kind: 'missing'; frontendVersion: string }
  | { kind: 'error'; message: string };

/**
 * Classify the result of `GET /info` against the frontend's version.
 *
 * @param frontendVersion - the version of this labextension
 * @param result - the server info, or the error the request threw
 */
export function classifyHandshake(
  frontendVersion: string,
  result: IServerInfo | unknown
): Handshake {
  if (result instanceof ApiError) {
    // 404 on our namespace: the Python package is not installed or not enabled in this server.
    if (result.status === 404) {
      return { kind: 'missing', frontendVersion };
    }
    return { kind: 'error', message: result.message };
  }
  if (result instanceof Error) {
    return { kind: 'error', message: result.message };
  }
  const info = result as IServerInfo;
  if (info.version !== frontendVersion) {
    return { kind: 'mismatch', info, frontendVersion };
  }
  return { kind: 'ready', info };
}

/**
 * The pip command that installs the server part matching this frontend.
 */
export function pipInstallCommand(frontendVersion: string): string {
  return `pip install jupyterlab-mlflow-workspace==${frontendVersion}`;
}
