import { TranslationBundle } from '@jupyterlab/translation';
import { AZURE_PIP_HINT, validateAzureWorkspace } from '../snippets/azure';
import { pyStr } from '../snippets/pyliteral';
import {
  IDeployRequest,
  ITargetEnv,
  ITargetField,
  TargetValues
} from '../deploy/targets';
import { NAME_MAX, nameProblem } from './rules';

/**
 * The workspace fields every Azure target shares; used when the model's workspace is not Azure.
 * With Azure ML workspaces in the panel, a picker fills them (and starts on the notebook's
 * workspace when that is one of them).
 */
export function workspaceFields(
  trans: TranslationBundle,
  env?: ITargetEnv
): ITargetField[] {
  const help = trans.__(
    "Used when the model's workspace is not an Azure ML workspace."
  );
  const azure = (env?.workspaces ?? []).filter(w => w.azure);
  const picker: ITargetField[] = azure.length
    ? [
        {
          name: 'azureWorkspace',
          label: trans.__('Azure ML workspace from the panel'),
          type: 'select',
          options: [
            { value: '', label: trans.__('None: type it below') },
            ...azure.map(w => ({
              value: w.id,
              label: `${w.name} (${w.azure!.resource_group})`
            }))
          ],
          help: trans.__(
            'Fills the subscription, resource group and workspace below.'
          ),
          fills: (id: string): TargetValues => {
            const a = azure.find(w => w.id === id)?.azure;
            return a
              ? {
                  subscriptionId: a.subscription_id,
                  resourceGroup: a.resource_group,
                  workspaceName: a.workspace_name
                }
              : {};
          }
        }
      ]
    : [];
  return [
    ...picker,
    {
      name: 'subscriptionId',
      label: trans.__('Subscription ID'),
      type: 'text',
      help
    },
    {
      name: 'resourceGroup',
      label: trans.__('Resource group'),
      type: 'text',
      help
    },
    {
      name: 'workspaceName',
      label: trans.__('Azure ML workspace'),
      type: 'text',
      help
    }
  ];
}

/** The code-style choice: MLflow deployments client, or the Azure ML SDK. */
export function styleField(
  trans: TranslationBundle,
  sdkLabel: string
): ITargetField {
  return {
    name: 'style',
    label: trans.__('Code style'),
    type: 'select',
    options: [
      { value: 'mlflow', label: trans.__('MLflow deployments client') },
      { value: 'sdk', label: sdkLabel }
    ]
  };
}

const text = (values: TargetValues, key: string): string =>
  String(values[key] ?? '').trim();

/** Messages for the workspace fields (only the ones filled in are checked). */
export function validateWorkspace(
  values: TargetValues,
  trans: TranslationBundle
): Record<string, string> {
  const ws = {
    subscriptionId: text(values, 'subscriptionId'),
    resourceGroup: text(values, 'resourceGroup'),
    workspaceName: text(values, 'workspaceName'),
    region: 'eastus'
  };
  const all = validateAzureWorkspace(ws);
  const errors: Record<string, string> = {};
  for (const key of ['subscriptionId', 'resourceGroup', 'workspaceName']) {
    if (ws[key as keyof typeof ws] && all[key]) {
      errors[key] = all[key];
    }
  }
  return errors;
}

/** A message for a name that breaks an Azure name rule, or ''. */
export function nameMessage(
  name: string,
  rule: RegExp,
  trans: TranslationBundle,
  ruleText: string
): string {
  const problem = nameProblem(name, rule);
  if (problem === 'length') {
    return trans.__('Use 3 to %1 characters.', NAME_MAX);
  }
  return problem ? ruleText : '';
}

/**
 * The start of every Azure deploy cell: user values as literals, the workspace (the tracking
 * server's when it is Azure ML, else the form's), and the model URI.
 */
export function cellHead(
  request: IDeployRequest,
  variant: 'azure-v2' | 'azure-v1' | 'mlflow'
): string[] {
  const v = request.values;
  return [
    `model_uri = ${pyStr(request.model.uri)}`,
    `subscription_id = ${pyStr(text(v, 'subscriptionId'))}`,
    `resource_group = ${pyStr(text(v, 'resourceGroup'))}`,
    `workspace_name = ${pyStr(text(v, 'workspaceName'))}`,
    '',
    'import re',
    ...importLines(variant),
    '',
    "# The model's workspace when the tracking server is Azure ML, else the form's workspace.",
    '_found = re.search(',
    '    r"/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft.MachineLearningServices/workspaces/([^/?]+)",',
    '    mlflow.get_tracking_uri(),',
    ')',
    'if _found:',
    '    subscription_id, resource_group, workspace_name = _found.groups()',
    'if not (subscription_id and resource_group and workspace_name):',
    '    raise SystemExit("Choose an Azure ML workspace in the Deploy dialog.")',
    'print(f"Workspace: {workspace_name} ({resource_group})")',
    'if mlflow.__version__.startswith("3.7."):',
    '    print("Note: models logged with MLflow 3.7 fail Azure ML\'s liveness probe (502) when deployed without code; pin mlflow==3.6.0 in the model\'s environment.")',
    '',
    '',
    ...problemLines(),
    'def _record_azure(**fields):',
    "    # Listed under Deployments in the panel, through this kernel's Jupyter server. No key is",
    '    # sent (the server refuses one); without the extension in this kernel it is only not listed.',
    '    try:',
    '        from jupyterlab_mlflow_workspace import record_azure_deployment',
    '    except ImportError:',
    '        print("(Not listed under Deployments in the panel: jupyterlab_mlflow_workspace is not in this kernel.)")',
    '        return',
    '    record_azure_deployment(',
    '        subscription_id=subscription_id, resource_group=resource_group,',
    '        workspace_name=workspace_name, model_uri=model_uri, **fields,',
    '    )',
    ''
  ];
}

/**
 * The success end of a deploy cell (inside its `try`): print the scoring URI and list the
 * deployment in the panel. `fields` are Python expressions by record field.
 */
export function recordLines(
  target: string,
  scoringUri: string,
  fields: Record<string, string>
): string[] {
  const args = Object.entries(fields)
    .map(([key, expr]) => `${key}=${expr}`)
    .join(', ');
  return [
    `    scoring_uri = ${scoringUri}`,
    '    print("Scoring URI:", scoring_uri)',
    `    _record_azure(target=${pyStr(target)}, scoring_uri=scoring_uri, ${args})`
  ];
}

/** `_azure_problem(err)`: a sign-in or network failure down an exception chain, in plain words. */
export function problemLines(): string[] {
  return [
    'def _azure_problem(err):',
    '    # The SDKs wrap failures (MLflow: "Error while creating deployment"): look down the chain.',
    '    chain = []',
    '    while err is not None and len(chain) < 20:',
    '        chain.append(err)',
    '        err = err.__cause__ or err.__context__',
    '    names = " ".join(type(e).__name__.lower() for e in chain)',
    '    if "authentication" in names or "credential" in names:',
    `        return ${pyStr(SIGN_IN_HINT)}`,
    '    # azure-core reports a request that could not be sent as ServiceRequestError (no cause).',
    '    if "connection" in names or "servicerequest" in names or any(isinstance(e, OSError) for e in chain):',
    `        return ${pyStr(UNREACHABLE_HINT)} + " (" + str(chain[-1])[:200] + ")"`,
    '    text = " ".join(str(e) for e in chain)',
    '    if "resourceexists" in names or "already exists" in text.lower():',
    `        return ${pyStr(NAME_TAKEN_HINT)}`,
    '    if "quota" in text.lower():',
    `        return ${pyStr(QUOTA_HINT)}`,
    '    if "logged-models" in text:',
    `        return ${pyStr(LOGGED_MODELS_HINT)}.format(getattr(mlflow, "__version__", "?"))`,
    '    if "unexpected keyword argument \'tracking_uri\'" in text:',
    `        return ${pyStr(OLD_PLUGIN_HINT)}`,
    '    return None',
    '',
    ''
  ];
}

/** An endpoint, deployment or service of that name exists already (or is being deleted). */
export const NAME_TAKEN_HINT =
  'That name is taken: an endpoint, deployment or web service of that name exists (or is still being deleted). Choose another name in the Deploy dialog, or delete the old one.';

/** The subscription has no capacity left for the size asked for. */
export const QUOTA_HINT =
  'Azure refused for quota: the subscription has no capacity left for that size in this region. Choose a smaller instance type or size, another region, or request more quota (Azure portal → Quotas).';

/** MLflow ≥ ~2.17 calls /logged-models, which Azure ML answers with 404 (the reference's hazards). */
export const LOGGED_MODELS_HINT =
  'MLflow {} calls /api/2.0/mlflow/logged-models, which Azure ML does not serve (404). Use MLflow below 2.19 in this kernel (e.g. %pip install "mlflow==2.16.2"), or log with autolog(log_models=False) and register the model, then deploy again.';

/** Older azureml-mlflow with MLflow 3.5+. */
export const OLD_PLUGIN_HINT =
  'azureml-mlflow is older than this MLflow expects (tracking_uri argument). Run: %pip install -U azureml-mlflow, restart the kernel, then run this cell again.';

/** The guarded imports of a cell, with the one `%pip install` line that fixes a missing SDK. */
export function importLines(
  variant: 'azure-v2' | 'azure-v1' | 'mlflow'
): string[] {
  const imports = {
    'azure-v2':
      '    from azure.ai.ml import MLClient\n    from azure.identity import DefaultAzureCredential',
    'azure-v1': '    from azureml.core import Workspace',
    // The MLflow style needs only MLflow and the plug-in that adds the "azureml" target.
    mlflow:
      '    from mlflow.deployments import get_deploy_client\n    import azureml.mlflow  # noqa: F401 - the "azureml" deployment target'
  }[variant];
  const pip =
    variant === 'mlflow' ? MLFLOW_PLUGIN_PIP_HINT : AZURE_PIP_HINT[variant];
  return [
    'try:',
    '    import mlflow',
    imports,
    'except ImportError as err:',
    `    raise SystemExit(f"Azure ML SDK missing ({err}). Run: ${pip}") from None`
  ];
}

/**
 * SDK v1 sign-in inside a `try`: a service principal from the environment, else `az login`
 * (read through azure-cli in the kernel), never an interactive login waiting for a device code.
 */
export function v1WorkspaceLines(): string[] {
  return [
    '    import os',
    '    from azureml.core.authentication import AzureCliAuthentication, ServicePrincipalAuthentication',
    '    _sp_names = ("AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET")',
    '    auth = (',
    '        ServicePrincipalAuthentication(*(os.environ[v] for v in _sp_names))',
    '        if all(os.environ.get(v) for v in _sp_names) else AzureCliAuthentication()',
    '    )',
    '    ws = Workspace(subscription_id, resource_group, workspace_name, auth=auth)'
  ];
}

/** The end of every Azure deploy cell: a failed sign-in in plain words, anything else as is. */
export function failureLines(): string[] {
  return [
    'except Exception as err:',
    '    _problem = _azure_problem(err)',
    '    if _problem:',
    '        raise SystemExit(_problem) from None',
    '    raise'
  ];
}

/** How a network failure on the way to Azure is reported (the cause follows in brackets). */
export const UNREACHABLE_HINT =
  'Cannot reach Azure from this kernel: check its network or proxy, then run this cell again.';

/** What the MLflow code style needs in the kernel: the plug-in (it brings its Azure clients). */
export const MLFLOW_PLUGIN_PIP_HINT = '%pip install azureml-mlflow';

/** How a sign-in failure is reported (no secret is printed). */
export const SIGN_IN_HINT =
  'Not signed in to Azure. Run `az login` in a terminal, or set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET for a service principal, then run this cell again.';

export { text };
