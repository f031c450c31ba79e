import { Kernel } from '@jupyterlab/services';
import { pyStr } from '../snippets/pyliteral';

/**
 * Python code that tells a kernel the notebook's name as it is now.
 *
 * Jupyter gives a kernel its notebook's path once, in `JPY_SESSION_NAME`, when it starts it; a
 * rename does not reach the kernel, so runs kept the old `mlflow.source.name`. This sets that
 * variable to the path relative to the Jupyter root (never the server's absolute path: it goes
 * into a shared tracking store) and drops the name MLflow's own Jupyter context cached. It defines
 * no name in the user's namespace and prints nothing.
 *
 * @param path - the notebook's path relative to the Jupyter root
 */
export function notebookNameCode(path: string): string {
  return (
    '(lambda o, s: (o.environ.__setitem__("JPY_SESSION_NAME", ' +
    pyStr(path) +
    '), getattr(getattr(s.modules.get("mlflow.tracking.context.jupyter_notebook_context"), ' +
    '"_get_notebook_name", None), "cache_clear", lambda: None)()))' +
    '(__import__("os"), __import__("sys"))'
  );
}

/**
 * Tell the kernel the notebook's current name (silently: no output, no history, no counter).
 *
 * @param kernel - the notebook's kernel
 * @param path - the notebook's path relative to the Jupyter root
 */
export async function tellNotebookName(
  kernel: Kernel.IKernelConnection,
  path: string
): Promise<void> {
  const future = kernel.requestExecute(
    {
      code: notebookNameCode(path),
      silent: true,
      store_history: false,
      allow_stdin: false,
      stop_on_error: false
    },
    true
  );
  await future.done;
}
