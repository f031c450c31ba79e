/**
 * Tracking setup cells: pure functions of (variant, options) → Python source.
 *
 * User text reaches the source only through `pyliteral.ts`: as a string literal, or (in the first
 * comment line) as the same escaped literal. No f-strings, no `.format()`, no `%`, no secrets: the
 * kernel reads credentials from its environment or from our package's `connect()`.
 */

import { pyOptStr, pyStr } from './pyliteral';

/**
 * `plain`: MLflow only (runs anywhere: papermill, CI, colleagues without the extension).
 * `connected`: through our package's kernel-side `connect()`.
 */
export type SetupVariant = 'plain' | 'connected';

/**
 * What a setup cell needs to know about the workspace.
 */
export interface ISetupCellOptions {
  /** Our workspace id, passed to `connect()`. */
  workspaceId: string;
  /** The workspace's display name, shown in the first comment line. */
  workspaceName: string;
  /** The tracking URI, e.g. `http://127.0.0.1:5000` or `https://mlflow.example/prefix`. */
  trackingUri: string;
  /** `mlflow.set_experiment(...)` only when given (and not empty). */
  experimentName?: string;
  /** Plain only: a non-empty `MLFLOW_TRACKING_URI` in the kernel's environment wins. */
  deferToEnvironment: boolean;
  /** Plain only: the server wants a token or basic auth; the cell says where MLflow reads them. */
  needsToken?: boolean;
  /** MLflow 3.10+ workspace: `MLFLOW_WORKSPACE` (plain) or `mlflow_workspace=` (connected). */
  mlflowWorkspace?: string | null;
  /**
   * Connected only: the notebook's `metadata.mlflow_workspace.notebook_id`, passed to
   * `connect(notebook_id=…)` so that runs are tagged with it (the Live metrics view finds them).
   */
  notebookId?: string;
}

/** The exact install hint printed by the connected cell when our package is missing. */
export const PIP_INSTALL_HINT = '%pip install jupyterlab-mlflow-workspace';

const CREDENTIAL_HELP = [
  '# The server needs credentials. MLflow reads them from the kernel environment, never from a cell:',
  '# MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD.',
  'if not (os.environ.get("MLFLOW_TRACKING_TOKEN") or os.environ.get("MLFLOW_TRACKING_USERNAME")):',
  '    print("MLflow: set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, in the kernel\'s environment")'
];

/**
 * The first line: `# MLflow workspace "<name>": <what>`, the name as an escaped Python literal
 * (one line, controls/separators/bidi escaped). `coding:`/`coding=` is escaped as well: on line 1
 * or 2 of a .py copy of the cell it would be a PEP 263 encoding declaration (`coding: utf-7`).
 */
function header(workspaceName: string, what: string): string {
  const name = pyStr(workspaceName).replace(
    /(coding)([:=])/gi,
    (_m, word: string, sep: string) => `${word}\\x${sep === ':' ? '3a' : '3d'}`
  );
  return `# MLflow workspace ${name}: ${what}`;
}

/** `", experiment: <name>, MLflow workspace: <name>"` for the one-line summary, or nothing. */
function summaryTail(options: ISetupCellOptions): string {
  let tail = options.experimentName
    ? `, experiment: ${options.experimentName}`
    : '';
  if (options.mlflowWorkspace) {
    tail += `, MLflow workspace: ${options.mlflowWorkspace}`;
  }
  return tail;
}

/**
 * Plain cells push too when they can: a kernel that has this package sends logged values to
 * Live Metrics at once (p50 ~0.1 s) instead of being polled (~1 s behind, 2 s jumps). Without
 * the package the cell runs on as plain MLflow.
 */
const LIVE_PUSH_IF_AVAILABLE = [
  '# Live Metrics: with jupyterlab-mlflow-workspace in this kernel, values show the moment they are logged.',
  'try:',
  '    from jupyterlab_mlflow_workspace.kernel.live import activate as _mlflow_live',
  'except ImportError:',
  '    pass',
  'else:',
  '    _mlflow_live()'
];

function plainCell(options: ISetupCellOptions): string {
  const { trackingUri, experimentName, deferToEnvironment, needsToken } =
    options;
  if (!trackingUri.trim()) {
    // mlflow.set_tracking_uri("") sends runs silently to MLflow's default local store.
    throw new Error(
      `The workspace "${options.workspaceName}" has no tracking URI yet: no setup cell written.`
    );
  }
  const lines = [
    header(
      options.workspaceName,
      'tracking setup in plain MLflow (runs without the extension)'
    )
  ];
  if (deferToEnvironment || needsToken || options.mlflowWorkspace) {
    lines.push('import os', '');
  }
  lines.push('import mlflow', '');
  if (needsToken) {
    lines.push(...CREDENTIAL_HELP);
  }
  if (options.mlflowWorkspace) {
    lines.push(
      `os.environ["MLFLOW_WORKSPACE"] = ${pyStr(options.mlflowWorkspace)}`
    );
  }
  if (deferToEnvironment) {
    lines.push(
      '# MLFLOW_TRACKING_URI from the kernel environment wins. As mlflow.set_tracking_uri sets it too,',
      '# a value that this cell set on an earlier run does not count.',
      '_mlflow_uri = os.environ.get("MLFLOW_TRACKING_URI")',
      'if _mlflow_uri and _mlflow_uri != globals().get("_mlflow_setup_uri"):',
      '    _mlflow_where = _mlflow_uri + " (from MLFLOW_TRACKING_URI)"',
      '    if "@" in _mlflow_uri:  # user:password@host: credentials are not shown',
      '        _mlflow_where = _mlflow_uri.split(":")[0] + "://***@" + _mlflow_where.rpartition("@")[2]',
      'else:',
      `    _mlflow_uri = _mlflow_setup_uri = ${pyStr(trackingUri)}`,
      '    _mlflow_where = _mlflow_uri',
      'mlflow.set_tracking_uri(_mlflow_uri)'
    );
  } else {
    lines.push(`mlflow.set_tracking_uri(${pyStr(trackingUri)})`);
  }
  if (experimentName) {
    lines.push(
      '# MLflow says "Experiment ... does not exist. Creating" at INFO on stderr (a red box): quiet it.',
      'import logging',
      '_mlflow_log = logging.getLogger("mlflow.tracking.fluent")',
      '_mlflow_level = _mlflow_log.level',
      '_mlflow_log.setLevel(max(_mlflow_level, logging.WARNING))',
      'try:',
      `    mlflow.set_experiment(${pyStr(experimentName)})`,
      'finally:',
      '    _mlflow_log.setLevel(_mlflow_level)'
    );
  }
  lines.push(...LIVE_PUSH_IF_AVAILABLE);
  if (deferToEnvironment) {
    lines.push(
      `print("MLflow: runs go to " + _mlflow_where + ${pyStr(summaryTail(options))})`
    );
  } else {
    lines.push(
      `print(${pyStr(`MLflow: runs go to ${trackingUri}${summaryTail(options)}`)})`
    );
  }
  return lines.join('\n') + '\n';
}

function connectedCell(options: ISetupCellOptions): string {
  const args = [
    `workspace=${pyStr(options.workspaceId)}`,
    `experiment=${pyOptStr(options.experimentName)}`
  ];
  if (options.mlflowWorkspace) {
    args.push(`mlflow_workspace=${pyStr(options.mlflowWorkspace)}`);
  }
  if (options.notebookId) {
    args.push(`notebook_id=${pyStr(options.notebookId)}`);
  }
  // The cell prints its own one-line summary; connect() stays quiet so it is said once.
  args.push('quiet=True');
  return [
    header(
      options.workspaceName,
      'tracking setup through jupyterlab-mlflow-workspace'
    ),
    'try:',
    '    from jupyterlab_mlflow_workspace import connect',
    'except ImportError:',
    '    print("MLflow: this cell needs the jupyterlab-mlflow-workspace package in the kernel. Run")',
    `    print(${pyStr(PIP_INSTALL_HINT)})`,
    '    print("then restart the kernel, or insert the plain MLflow setup cell instead.")',
    '    raise',
    '',
    '# Starts the local server if needed; credentials go into the environment, never into output.',
    '# Also tags runs with this notebook and shows their metrics live (Live metrics view).',
    `_mlflow_uri = connect(${args.join(', ')})`,
    `print("MLflow: runs go to " + _mlflow_uri + ${pyStr(summaryTail(options))})`,
    ''
  ].join('\n');
}

/**
 * The Python source of a tracking setup cell.
 *
 * @param variant - `plain` (imports only `os` and `mlflow`) or `connected` (our `connect()`)
 * @param options - the workspace; every string is escaped with `pyStr`
 * @returns source ending in a newline; deterministic for equal inputs
 */
export function setupCell(
  variant: SetupVariant,
  options: ISetupCellOptions
): string {
  switch (variant) {
    case 'plain':
      return plainCell(options);
    case 'connected':
      return connectedCell(options);
    default:
      throw new Error(`unknown setup cell variant: ${String(variant)}`);
  }
}
