/**
 * Azure ML workspaces: the offline-built MLflow tracking URI, `config.json` parsing, form
 * validation, and the setup cells (SDK v2, the default; SDK v1, legacy).
 *
 * Every user value reaches generated Python through `pyStr`/`pyOptStr` (see `pyliteral.ts`), as
 * an assignment near the top of the cell; the rest of the cell only names those variables. No
 * secret ever appears in a cell: credentials come from `az login`, `AZURE_*` service-principal
 * environment variables or a managed identity on the machine that runs the kernel.
 *
 * Facts used here were checked against the SDK sources (azure-ai-ml 1.35.2, azureml-core
 * 1.61.0.post4, azureml-mlflow 1.60.0–1.62.0.post6, mlflow-skinny 2.19–3.15); see
 * tests/python/AZURE.md.
 */

import { pyOptStr, pyStr } from './pyliteral';

/** The identity of one Azure ML workspace, as the panel's form and `config.json` give it. */
export interface IAzureWorkspace {
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
  /** The workspace's Azure region, short form (`eastus`, `westeurope`, `usgovvirginia`…). */
  region: string;
  /** The Microsoft Entra tenant, when the workspace is not in the user's home tenant. */
  tenantId?: string;
}

/** Which SDK the setup cell uses. */
export type AzureVariant = 'azure-v2' | 'azure-v1';

/** The Azure clouds the SDKs know without a metadata lookup. */
export type AzureCloud = 'AzureCloud' | 'AzureUSGovernment' | 'AzureChinaCloud';

/** The install hint each cell prints when the kernel lacks an SDK (one line). */
export const AZURE_PIP_HINT: Record<AzureVariant, string> = {
  'azure-v2': '%pip install azure-ai-ml azure-identity azureml-mlflow',
  'azure-v1': '%pip install azureml-core azureml-mlflow'
};

/** The date SDK v1 (azureml-core) support ended. */
export const AZURE_SDK_V1_END_OF_SUPPORT = '2026-06-30';

const GUID =
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
// ARM: 1–90 letters (Unicode included), digits, '_', '-', '.', '(' and ')'; no trailing '.'.
const RESOURCE_GROUP = /^[\p{L}\p{N}_.()-]{1,90}$/u;
// azureml-core says 2–32 characters, ARM says 3–33: accept the union. Alphanumerics, '-', '_',
// starting with an alphanumeric.
const WORKSPACE = /^[A-Za-z0-9][A-Za-z0-9_-]{1,32}$/;
const REGION = /^[a-z0-9]{2,40}$/;

/**
 * The short region name Azure uses in host names: lower case, no spaces (`East US` → `eastus`).
 *
 * @param region - a region as typed or as found in `config.json`
 */
export function normalizeAzureRegion(region: string): string {
  return region.replace(/\s+/g, '').toLowerCase();
}

/**
 * The cloud a region belongs to: Azure Government (`usgov…`, `usdod…`), Azure China (`china…`)
 * or the public cloud.
 *
 * @param region - a region name
 */
export function azureCloudForRegion(region: string): AzureCloud {
  const r = normalizeAzureRegion(region);
  if (r.startsWith('usgov') || r.startsWith('usdod')) {
    return 'AzureUSGovernment';
  }
  if (r.startsWith('china')) {
    return 'AzureChinaCloud';
  }
  return 'AzureCloud';
}

const API_DOMAIN: Record<AzureCloud, string> = {
  AzureCloud: 'api.azureml.ms',
  AzureUSGovernment: 'api.ml.azure.us',
  AzureChinaCloud: 'api.ml.azure.cn'
};

/**
 * The workspace's MLflow tracking URI, built offline, in the form Azure Resource Manager returns
 * as the workspace property `mlFlowTrackingUri` (and the documented manual template):
 * `azureml://<region>.api.azureml.ms/mlflow/v1.0/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.MachineLearningServices/workspaces/<ws>`.
 *
 * azureml-mlflow rewrites `/mlflow/v1.0` to `/mlflow/v2.0` under MLflow ≥ 2 and only ever uses
 * the host and the `/subscriptions/…/workspaces/<ws>` part, so both forms reach the same
 * workspace. Not valid for private-link workspaces (their host holds the workspace GUID, which
 * needs a lookup): the setup cells therefore ask Azure for the URI and compare.
 *
 * @param ws - the workspace
 */
export function azureTrackingUri(ws: IAzureWorkspace): string {
  const region = normalizeAzureRegion(ws.region);
  const host = `${encodeURIComponent(region)}.${API_DOMAIN[azureCloudForRegion(region)]}`;
  const seg = (value: string) => encodeURIComponent(value.trim());
  return (
    `azureml://${host}/mlflow/v1.0` +
    `/subscriptions/${seg(ws.subscriptionId)}` +
    `/resourceGroups/${seg(ws.resourceGroup)}` +
    `/providers/Microsoft.MachineLearningServices/workspaces/${seg(ws.workspaceName)}`
  );
}

/**
 * Field → message for every problem in a (possibly partial) workspace form; empty when valid.
 *
 * @param ws - the form's values
 */
export function validateAzureWorkspace(
  ws: Partial<IAzureWorkspace>
): Record<string, string> {
  const errors: Record<string, string> = {};
  const sub = (ws.subscriptionId ?? '').trim();
  if (!sub) {
    errors.subscriptionId = 'Subscription ID is required.';
  } else if (!GUID.test(sub)) {
    errors.subscriptionId =
      'Subscription ID must be a GUID like 00000000-0000-0000-0000-000000000000.';
  }
  const rg = (ws.resourceGroup ?? '').trim();
  if (!rg) {
    errors.resourceGroup = 'Resource group is required.';
  } else if (!RESOURCE_GROUP.test(rg) || rg.endsWith('.')) {
    errors.resourceGroup =
      "Resource group: 1–90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.'.";
  }
  const name = (ws.workspaceName ?? '').trim();
  if (!name) {
    errors.workspaceName = 'Workspace name is required.';
  } else if (!WORKSPACE.test(name)) {
    errors.workspaceName =
      "Workspace name: 2–33 letters, digits, '-' or '_', starting with a letter or digit.";
  }
  const region = (ws.region ?? '').trim();
  if (!region) {
    errors.region =
      "Region is required to build the tracking URI offline (the workspace's Overview page shows it).";
  } else if (!REGION.test(region)) {
    const short = normalizeAzureRegion(region);
    errors.region = REGION.test(short)
      ? `Use the short region name: "${short}".`
      : 'Region: a short lower-case name such as "eastus" or "westeurope".';
  }
  const tenant = (ws.tenantId ?? '').trim();
  if (tenant && !GUID.test(tenant)) {
    errors.tenantId =
      'Tenant ID must be a GUID like 00000000-0000-0000-0000-000000000000.';
  }
  return errors;
}

const ARM_SCOPE =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)\/?$/i;

function stringField(
  obj: Record<string, unknown>,
  key: string
): string | undefined | null {
  if (!(key in obj) || obj[key] === null) {
    return undefined;
  }
  const value = obj[key];
  return typeof value === 'string' ? value.trim() : null;
}

/**
 * Reads a `config.json` as downloaded from Azure ML studio or written by `ws.write_config()`:
 * `subscription_id`, `resource_group`, `workspace_name`, or the `Scope` ARM id that azure-ai-ml
 * also accepts. The region is optional (studio's file has none; `location` or `region` is read
 * when present), and so is `tenant_id`. Returns `{ error }` for bad JSON or missing keys; the
 * values are not validated here (use `validateAzureWorkspace`).
 *
 * @param text - the file's content
 */
export function parseAzureConfigJson(
  text: string
): IAzureWorkspace | { error: string } {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\ufeff/, ''));
  } catch (e) {
    return { error: `config.json is not valid JSON: ${(e as Error).message}` };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { error: 'config.json must hold a JSON object.' };
  }
  const obj = data as Record<string, unknown>;
  const keys = [
    'subscription_id',
    'resource_group',
    'workspace_name',
    'Scope',
    'location',
    'region',
    'tenant_id'
  ];
  const values: Record<string, string | undefined> = {};
  for (const key of keys) {
    const value = stringField(obj, key);
    if (value === null) {
      return { error: `config.json: "${key}" must be a string.` };
    }
    values[key] = value;
  }
  let subscriptionId = values.subscription_id;
  let resourceGroup = values.resource_group;
  let workspaceName = values.workspace_name;
  if (!(subscriptionId && resourceGroup && workspaceName) && values.Scope) {
    const m = ARM_SCOPE.exec(values.Scope);
    if (!m) {
      return {
        error:
          'config.json: "Scope" is not a workspace id (/subscriptions/…/resourceGroups/…/providers/Microsoft.MachineLearningServices/workspaces/…).'
      };
    }
    [subscriptionId, resourceGroup, workspaceName] = [m[1], m[2], m[3]].map(s =>
      decodeURIComponent(s)
    );
  }
  const missing = (
    [
      ['subscription_id', subscriptionId],
      ['resource_group', resourceGroup],
      ['workspace_name', workspaceName]
    ] as const
  )
    .filter(([, value]) => !value)
    .map(([key]) => key);
  if (missing.length) {
    return { error: `config.json lacks ${missing.join(', ')}.` };
  }
  const ws: IAzureWorkspace = {
    subscriptionId: subscriptionId as string,
    resourceGroup: resourceGroup as string,
    workspaceName: workspaceName as string,
    region: normalizeAzureRegion(values.location ?? values.region ?? '')
  };
  if (values.tenant_id) {
    ws.tenantId = values.tenant_id;
  }
  return ws;
}

// ---------------------------------------------------------------------------------------------
// Generated Python. Fixed text only below: user values enter through the assignments that
// `workspaceAssignments` renders with pyStr/pyOptStr.

const AUTHORITY: Record<AzureCloud, string> = {
  AzureCloud: '',
  AzureUSGovernment: 'AzureAuthorityHosts.AZURE_GOVERNMENT',
  AzureChinaCloud: 'AzureAuthorityHosts.AZURE_CHINA'
};

function workspaceAssignments(
  ws: IAzureWorkspace,
  experimentName?: string
): string[] {
  return [
    `SUBSCRIPTION_ID = ${pyStr(ws.subscriptionId.trim())}`,
    `RESOURCE_GROUP = ${pyStr(ws.resourceGroup.trim())}`,
    `WORKSPACE_NAME = ${pyStr(ws.workspaceName.trim())}`,
    `TENANT_ID = ${pyOptStr(ws.tenantId?.trim())}`,
    `CLOUD = ${pyStr(azureCloudForRegion(ws.region))}`,
    `EXPERIMENT_NAME = ${pyOptStr(experimentName)}`,
    '# The URI the panel built offline from the region; compared below with what Azure reports.',
    `PANEL_TRACKING_URI = ${pyStr(azureTrackingUri(ws))}`
  ];
}

function requirementsCheck(
  modules: [string, string][],
  hint: string
): string[] {
  const pairs = modules.map(([m, p]) => `    (${pyStr(m)}, ${pyStr(p)}),`);
  return [
    '# Fail fast, in one line, when the kernel lacks a package.',
    '_missing = []',
    'for _module, _package in (',
    ...pairs,
    '):',
    '    try:',
    '        importlib.import_module(_module)',
    '    except ImportError:',
    '        _missing.append(_package)',
    'if _missing:',
    '    raise ImportError(',
    '        "This kernel lacks " + ", ".join(_missing)',
    `        + ${pyStr(`. Run:  ${hint}  then restart the kernel.`)}`,
    '    ) from None'
  ];
}

/**
 * The version check shared by both cells. Sources, each checked against the packages' code:
 * - MLflow ≥ 3.0 logs models through `POST /api/2.0/mlflow/logged-models` (mlflow-skinny 3.0.0
 *   `Model.log` → `initialize_logged_model`; no 2.x release up to 2.22 has that endpoint). Azure ML
 *   answers 404 (Azure/azure-sdk-for-python#44896, mlflow 3.5/3.8, azureml-mlflow 1.60/1.61); no
 *   azureml-mlflow up to 1.62.0.post6 handles it. Microsoft's samples pin mlflow 2.16.2 or use
 *   `autolog(log_models=False)` + `save_model` + `log_artifacts` (azureml-examples #3885, #3902).
 * - MLflow ≥ 3.1.2 passes `tracking_uri` to artifact-repository builders; azureml-mlflow ≤ 1.60
 *   does not accept it, so artifact logging fails (#43661, #42626). 1.61.0 accepts it.
 * - azureml-mlflow ≥ 1.61 caps mlflow-skinny (1.61.0.post1: ≤3.5.0, 1.62.0: ≤3.9.0, 1.62.0.post6:
 *   ≤3.15.0): read from the installed package's own metadata.
 */
const VERSION_CHECK = [
  'def _azureml_mlflow_warnings():',
  '    """Known MLflow / azureml-mlflow combinations whose logging fails against Azure ML."""',
  '    from importlib.metadata import requires, version',
  '',
  '    from packaging.requirements import Requirement',
  '    from packaging.version import Version',
  '',
  '    found = []',
  '    mlflow_version = Version(mlflow.__version__)',
  '    plugin_version = Version(version("azureml-mlflow"))',
  '    if mlflow_version.major >= 3:',
  '        found.append(',
  '            "mlflow " + str(mlflow_version) + ": log_model() and autolog model logging call"',
  '            " /api/2.0/mlflow/logged-models, which Azure ML answers with 404"',
  '            " (Azure/azure-sdk-for-python#44896). Metrics, params and artifacts work; for models"',
  '            " use autolog(log_models=False) with save_model() + log_artifacts(), or mlflow<3."',
  '        )',
  '    if mlflow_version >= Version("3.1.2") and plugin_version < Version("1.61"):',
  '        found.append(',
  '            "azureml-mlflow " + str(plugin_version) + " cannot log artifacts with mlflow "',
  '            + str(mlflow_version) + ": its artifact builder takes no tracking_uri"',
  '            " (Azure/azure-sdk-for-python#43661). %pip install -U azureml-mlflow"',
  '        )',
  '    for line in requires("azureml-mlflow") or []:',
  '        req = Requirement(line)',
  '        if req.name in ("mlflow", "mlflow-skinny") and req.marker is None and req.specifier:',
  '            if not req.specifier.contains(mlflow_version, prereleases=True):',
  '                found.append(',
  '                    "mlflow " + str(mlflow_version) + " is outside what azureml-mlflow "',
  '                    + str(plugin_version) + " declares (" + str(req) + ")"',
  '                )',
  '    return found',
  '',
  '',
  'for _warning in _azureml_mlflow_warnings():',
  '    print("WARNING: " + _warning, file=sys.stderr)'
];

const URI_KEY = [
  'def _workspace_key(uri):',
  '    """Host and workspace path of a tracking URI, ignoring /mlflow/v1.0 vs v2.0 and the query."""',
  '    parts = urlsplit(uri)',
  '    return parts.netloc.lower(), parts.path.split("/subscriptions/", 1)[-1].lower()'
];

const URI_COMPARE = [
  'if _workspace_key(tracking_uri) != _workspace_key(PANEL_TRACKING_URI):',
  '    print(',
  '        "Note: Azure reports " + tracking_uri.split("?")[0] + ", not the URI the panel built"',
  '        " offline (" + PANEL_TRACKING_URI + "): a private-link workspace, or another region?",',
  '        file=sys.stderr,',
  '    )'
];

const FINISH = [
  'mlflow.set_tracking_uri(tracking_uri)',
  'if EXPERIMENT_NAME:',
  '    mlflow.set_experiment(EXPERIMENT_NAME)',
  'print("MLflow now tracks to Azure ML workspace " + WORKSPACE_NAME + ":")',
  'print(tracking_uri.split("?")[0])'
];

function v2Cell(ws: IAzureWorkspace, experimentName?: string): string {
  const cloud = azureCloudForRegion(ws.region);
  const authority = AUTHORITY[cloud];
  const authorityArg = authority ? `authority=${authority}` : '';
  const identityImports = ['DefaultAzureCredential'];
  if (authority) {
    identityImports.push('AzureAuthorityHosts');
  }
  identityImports.push('AzureCliCredential', 'ChainedTokenCredential');
  identityImports.push('EnvironmentCredential', 'InteractiveBrowserCredential');
  identityImports.sort();
  const credentialArgs = authorityArg ? `(${authorityArg})` : '()';
  return [
    '# Azure ML workspace -> MLflow tracking, with the Azure ML SDK v2 (azure-ai-ml).',
    '# Generated by jupyterlab-mlflow-workspace. No secrets in this cell: the credential comes from',
    '# `az login`, AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET or a managed identity on the',
    '# machine that runs this kernel.',
    'import importlib',
    'import os',
    'import sys',
    'from urllib.parse import urlsplit',
    '',
    ...workspaceAssignments(ws, experimentName),
    '',
    "# The workspace's cloud, for azureml-mlflow too (unset, it looks it up on management.azure.com).",
    'os.environ["AZUREML_CURRENT_CLOUD"] = CLOUD',
    '',
    ...requirementsCheck(
      [
        ['mlflow', 'mlflow'],
        ['azureml.mlflow', 'azureml-mlflow'],
        ['azure.ai.ml', 'azure-ai-ml'],
        ['azure.identity', 'azure-identity']
      ],
      AZURE_PIP_HINT['azure-v2']
    ),
    '',
    'from importlib.metadata import version as _version',
    '',
    'import azureml.mlflow  # noqa: F401  (handles azureml:// tracking URIs)',
    'import mlflow',
    'from azure.ai.ml import MLClient',
    'from azure.identity import (',
    ...identityImports.map(name => `    ${name},`),
    ')',
    '',
    'print(',
    '    "mlflow " + mlflow.__version__ + ", azureml-mlflow " + _version("azureml-mlflow")',
    '    + ", azure-ai-ml " + _version("azure-ai-ml") + ", azure-identity " + _version("azure-identity")',
    ')',
    '',
    '',
    ...VERSION_CHECK,
    '',
    '',
    ...URI_KEY,
    '',
    '',
    'if TENANT_ID:',
    '    # A workspace outside your home tenant: every token must come from TENANT_ID. Tried in',
    '    # turn: AZURE_* service-principal variables, `az login --tenant <TENANT_ID>`, a browser',
    '    # on the machine that runs this kernel.',
    '    credential = ChainedTokenCredential(',
    `        EnvironmentCredential(${authorityArg}),`,
    '        AzureCliCredential(tenant_id=TENANT_ID),',
    `        InteractiveBrowserCredential(tenant_id=TENANT_ID${authorityArg ? ', ' + authorityArg : ''}),`,
    '    )',
    'else:',
    '    # `az login`, AZURE_* service-principal variables or a managed identity.',
    `    credential = DefaultAzureCredential${credentialArgs}`,
    '',
    '# Offline: builds the client, contacts nothing.',
    'ml_client = MLClient(',
    '    credential,',
    '    subscription_id=SUBSCRIPTION_ID,',
    '    resource_group_name=RESOURCE_GROUP,',
    '    workspace_name=WORKSPACE_NAME,',
    '    cloud=CLOUD,',
    ')',
    '',
    '# The first network call: a token for Azure Resource Manager, then GET the workspace.',
    'print(',
    '    "Asking Azure ML for the MLflow tracking URI of workspace " + WORKSPACE_NAME',
    '    + " (resource group " + RESOURCE_GROUP + ", subscription " + SUBSCRIPTION_ID + ")...",',
    '    flush=True,',
    ')',
    'tracking_uri = ml_client.workspaces.get(WORKSPACE_NAME).mlflow_tracking_uri',
    ...URI_COMPARE,
    ...FINISH,
    ''
  ].join('\n');
}

function v1Cell(ws: IAzureWorkspace, experimentName?: string): string {
  return [
    '# Azure ML workspace -> MLflow tracking, with the Azure ML SDK v1 (azureml-core): LEGACY.',
    `# SDK v1 support ended ${AZURE_SDK_V1_END_OF_SUPPORT}; prefer the SDK v2 (azure-ai-ml) setup cell.`,
    '# Generated by jupyterlab-mlflow-workspace. No secrets in this cell: the credential comes from',
    '# AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET when all three are set, else from',
    '# `az login` (or an interactive sign-in).',
    'import importlib',
    'import os',
    'import sys',
    'from urllib.parse import urlsplit',
    '',
    ...workspaceAssignments(ws, experimentName),
    '',
    'print(',
    `    "Azure ML SDK v1 is legacy: its support ended ${AZURE_SDK_V1_END_OF_SUPPORT}."`,
    '    " Prefer the SDK v2 (azure-ai-ml) setup cell.",',
    '    file=sys.stderr,',
    ')',
    "# The workspace's cloud, for azureml-mlflow too (unset, it looks it up on management.azure.com).",
    'os.environ["AZUREML_CURRENT_CLOUD"] = CLOUD',
    '',
    ...requirementsCheck(
      [
        ['mlflow', 'mlflow'],
        ['azureml.mlflow', 'azureml-mlflow'],
        ['azureml.core', 'azureml-core']
      ],
      AZURE_PIP_HINT['azure-v1']
    ),
    '',
    'from importlib.metadata import version as _version',
    '',
    'import azureml.mlflow  # noqa: F401  (handles azureml:// tracking URIs)',
    'import mlflow',
    'from azureml.core import Workspace',
    'from azureml.core.authentication import (',
    '    InteractiveLoginAuthentication,',
    '    ServicePrincipalAuthentication,',
    ')',
    '',
    'print(',
    '    "mlflow " + mlflow.__version__ + ", azureml-mlflow " + _version("azureml-mlflow")',
    '    + ", azureml-core " + _version("azureml-core")',
    ')',
    '',
    '',
    ...VERSION_CHECK,
    '',
    '',
    ...URI_KEY,
    '',
    '',
    'print(',
    '    "Getting Azure ML workspace " + WORKSPACE_NAME + " (resource group " + RESOURCE_GROUP',
    '    + ", subscription " + SUBSCRIPTION_ID + ")...",',
    '    flush=True,',
    ')',
    '_sp = [os.environ.get(v) for v in ("AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET")]',
    'if all(_sp):',
    '    # Offline: the service principal signs in on first use.',
    '    auth = ServicePrincipalAuthentication(',
    '        tenant_id=_sp[0],',
    '        service_principal_id=_sp[1],',
    '        service_principal_password=_sp[2],',
    '        cloud=CLOUD,',
    '    )',
    'elif TENANT_ID:',
    '    # Signs in to TENANT_ID now (az login --tenant, else an interactive login).',
    '    auth = InteractiveLoginAuthentication(tenant_id=TENANT_ID, cloud=CLOUD)',
    'else:',
    '    auth = None  # Workspace.get signs in: az login, else an interactive login',
    'del _sp',
    '',
    '# The first network call (unless the sign-in above made one): GET the workspace from Azure.',
    'ws = Workspace.get(',
    '    name=WORKSPACE_NAME,',
    '    subscription_id=SUBSCRIPTION_ID,',
    '    resource_group=RESOURCE_GROUP,',
    '    auth=auth,',
    '    cloud=CLOUD,',
    ')',
    'tracking_uri = ws.get_mlflow_tracking_uri()',
    ...URI_COMPARE,
    ...FINISH,
    ''
  ].join('\n');
}

/**
 * The setup cell: points MLflow in the kernel at the workspace. SDK v2 (`azure-v2`) is the
 * default; SDK v1 (`azure-v1`) is legacy, as in the classic docs.
 *
 * Both cells check their packages first (one-line `%pip install` hint), print the versions and
 * warn about MLflow / azureml-mlflow combinations whose logging is known to fail, then build
 * the credential and client offline, and only then call Azure (token + workspace GET) for the
 * workspace's own tracking URI.
 *
 * @param variant - which SDK
 * @param ws - the workspace
 * @param options - `experimentName`: `mlflow.set_experiment` after connecting
 */
export function azureSetupCell(
  variant: AzureVariant,
  ws: IAzureWorkspace,
  options: { experimentName?: string } = {}
): string {
  const experiment = options.experimentName?.trim() || undefined;
  return variant === 'azure-v1'
    ? v1Cell(ws, experiment)
    : v2Cell(ws, experiment);
}

/**
 * The separate, explicit action "write config.json next to this notebook": the file both SDKs'
 * `from_config()` read (`subscription_id`, `resource_group`, `workspace_name`). It is written to
 * the kernel's working directory, which Jupyter sets to the notebook's folder. An existing
 * config.json with other values is left alone (the cell says so and stops).
 *
 * @param ws - the workspace
 */
export function azureConfigJsonCell(ws: IAzureWorkspace): string {
  return [
    '# Write the Azure ML workspace config.json next to this notebook (read by',
    '# MLClient.from_config() and Workspace.from_config()). It holds no secret.',
    'import json',
    'import os',
    '',
    'config = {',
    `    "subscription_id": ${pyStr(ws.subscriptionId.trim())},`,
    `    "resource_group": ${pyStr(ws.resourceGroup.trim())},`,
    `    "workspace_name": ${pyStr(ws.workspaceName.trim())},`,
    '}',
    'path = os.path.abspath("config.json")',
    'if os.path.exists(path):',
    '    with open(path, encoding="utf-8") as f:',
    '        try:',
    '            existing = json.load(f)',
    '        except ValueError:',
    '            existing = None',
    '    if existing != config:',
    '        raise FileExistsError(path + " already exists with other content; move it away first.")',
    '    print(path + " is already up to date.")',
    'else:',
    '    with open(path, "w", encoding="utf-8") as f:',
    '        json.dump(config, f, indent=2)',
    '        f.write("\\n")',
    '    print("Wrote " + path)',
    ''
  ].join('\n');
}
