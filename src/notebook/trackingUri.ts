import { Kernel } from '@jupyterlab/services';

/**
 * Python expression that reads the tracking URI the kernel's MLflow uses, without importing
 * MLflow (importing it is slow and has side effects): None until the notebook imported it.
 */
const EXPRESSION =
  "__import__('sys').modules['mlflow'].get_tracking_uri() " +
  "if 'mlflow' in __import__('sys').modules else None";

/**
 * Ask an idle kernel which tracking URI its MLflow uses.
 *
 * @param kernel - the notebook's kernel
 * @returns the URI (credentials in it masked), or null when MLflow is not imported or unknown
 */
export async function askTrackingUri(
  kernel: Kernel.IKernelConnection
): Promise<string | null> {
  const future = kernel.requestExecute(
    {
      code: '',
      silent: true,
      store_history: false,
      allow_stdin: false,
      stop_on_error: false,
      user_expressions: { uri: EXPRESSION }
    },
    true
  );
  const reply = await future.done;
  const content = reply.content as any;
  const result = content?.user_expressions?.uri;
  if (!result || result.status !== 'ok') {
    return null;
  }
  return parsePythonStr(String(result.data?.['text/plain'] ?? 'None'));
}

/**
 * Turn the repr of a Python str (or None) into a display string with credentials masked.
 *
 * @param repr - `'http://…'`, `"…"` or `None`
 */
export function parsePythonStr(repr: string): string | null {
  const text = repr.trim();
  if (text === 'None' || text.length < 2) {
    return null;
  }
  const quote = text[0];
  if ((quote !== "'" && quote !== '"') || text[text.length - 1] !== quote) {
    return null;
  }
  const value = text.slice(1, -1).replace(/\\(['"\\])/g, '$1');
  return maskCredentials(value);
}

/**
 * Hide `user:password@` in a URI before it is shown.
 *
 * @param uri - any URI
 */
export function maskCredentials(uri: string): string {
  return uri.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1***@');
}

/**
 * Whether two tracking URIs name the same server (ignoring a trailing slash and case of host).
 */
export function sameTrackingUri(a: string, b: string): boolean {
  const norm = (u: string) => u.trim().replace(/\/+$/, '').toLowerCase();
  return norm(a) === norm(b);
}
