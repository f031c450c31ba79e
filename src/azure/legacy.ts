import { TranslationBundle } from '@jupyterlab/translation';
import { AZURE_SDK_V1_END_OF_SUPPORT } from '../snippets/azure';
import { pyStr } from '../snippets/pyliteral';
import { azureActions } from './actions';
import {
  IDeployRequest,
  IDeployTarget,
  IModelChoice,
  ITargetEnv,
  ITargetField,
  TargetValues
} from '../deploy/targets';
import {
  cellHead,
  failureLines,
  recordLines,
  v1WorkspaceLines,
  nameMessage,
  styleField,
  text,
  validateWorkspace,
  workspaceFields
} from './common';
import { onlineName } from './online';
import { SERVICE_NAME, managedSkuForAci, parseTags, positive } from './rules';

/** What the panel lists of a web service (Python names of the cell). */
const RECORDED = { endpoint: 'service_name', auth_mode: 'auth_mode' };

/** What differs between the ACI and the AKS web service. */
export interface ILegacyKind {
  id: string;
  label: string;
  description: string;
  aks: boolean;
}

/** A legacy SDK v1 web service target (ACI or AKS). */
export function legacyTarget(kind: ILegacyKind): IDeployTarget {
  return {
    id: kind.id,
    label: kind.label,
    badge: 'legacy',
    description: `${kind.description} SDK v1 support ended on ${AZURE_SDK_V1_END_OF_SUPPORT}; prefer an online endpoint.`,
    serverManaged: false,
    actions: (trans: TranslationBundle) => azureActions('legacy', trans),
    fields: (trans: TranslationBundle, env?: ITargetEnv): ITargetField[] => [
      {
        name: 'service',
        label: trans.__('Service name'),
        type: 'text',
        required: true
      },
      ...(kind.aks
        ? [
            {
              name: 'compute',
              label: trans.__('AKS compute'),
              type: 'text' as const,
              required: true
            }
          ]
        : []),
      {
        name: 'cpu',
        label: trans.__('CPU cores'),
        type: 'number',
        required: true
      },
      {
        name: 'memory',
        label: trans.__('Memory (GB)'),
        type: 'number',
        required: true
      },
      ...(kind.aks
        ? [
            {
              name: 'minReplicas',
              label: trans.__('Autoscale: fewest replicas'),
              type: 'number' as const,
              required: true
            },
            {
              name: 'maxReplicas',
              label: trans.__('Autoscale: most replicas'),
              type: 'number' as const,
              required: true,
              help: trans.__('The same number twice for a fixed count.')
            }
          ]
        : []),
      {
        name: 'auth',
        label: trans.__('Authentication'),
        type: 'select',
        options: [
          { value: 'key', label: trans.__('Key') },
          ...(kind.aks
            ? [{ value: 'token', label: trans.__('Azure ML token (expires)') }]
            : []),
          { value: 'none', label: trans.__('None: anyone with the URL') }
        ]
      },
      {
        name: 'tags',
        label: trans.__('Tags'),
        type: 'text',
        placeholder: 'team=ml, stage=test',
        help: trans.__('Optional; key=value pairs, separated by commas.')
      },
      ...(kind.aks
        ? []
        : [
            {
              name: 'location',
              label: trans.__('Location'),
              type: 'text' as const,
              placeholder: 'westeurope',
              help: trans.__("Optional; empty means the workspace's region.")
            },
            {
              name: 'description',
              label: trans.__('Description'),
              type: 'text' as const,
              help: trans.__('Optional.')
            }
          ]),
      styleField(trans, trans.__('Azure ML SDK v1 (azureml-core)')),
      ...workspaceFields(trans, env)
    ],
    defaults: (model: IModelChoice): TargetValues => ({
      service: onlineName(model).toLowerCase(),
      ...(kind.aks ? { compute: '' } : {}),
      cpu: '1',
      memory: '1',
      ...(kind.aks
        ? { minReplicas: '1', maxReplicas: '3' }
        : { location: '', description: '' }),
      auth: 'key',
      tags: '',
      style: 'sdk',
      subscriptionId: '',
      resourceGroup: '',
      workspaceName: ''
    }),
    validate: (values: TargetValues, trans: TranslationBundle) => {
      const errors = validateWorkspace(values, trans);
      const message = nameMessage(
        text(values, 'service'),
        SERVICE_NAME,
        trans,
        trans.__(
          'Start with a letter; use lower-case letters, digits and "-"; do not end with "-".'
        )
      );
      if (message) {
        errors.service = message;
      }
      if (
        kind.aks &&
        !/^[A-Za-z][A-Za-z0-9-]{1,15}$/.test(text(values, 'compute'))
      ) {
        errors.compute = trans.__(
          'Name the AKS compute (2 to 16 letters, digits or "-", a letter first).'
        );
      }
      if (!(positive(text(values, 'cpu')) <= 4)) {
        errors.cpu = trans.__('Use a number of cores above 0, at most 4.');
      }
      if (!(positive(text(values, 'memory')) <= 16)) {
        errors.memory = trans.__('Use a memory size above 0 GB, at most 16.');
      }
      if (kind.aks) {
        const low = positive(text(values, 'minReplicas'));
        const high = positive(text(values, 'maxReplicas'));
        if (!Number.isInteger(low) || low > 100) {
          errors.minReplicas = trans.__('Use a whole number from 1 to 100.');
        }
        if (!Number.isInteger(high) || high > 100) {
          errors.maxReplicas = trans.__('Use a whole number from 1 to 100.');
        } else if (high < low) {
          errors.maxReplicas = trans.__('At least the fewest replicas.');
        }
      } else {
        const location = text(values, 'location');
        if (location && !/^[a-z][a-z0-9]{2,30}$/.test(location)) {
          errors.location = trans.__(
            'Use an Azure region name such as westeurope (lower case, no spaces).'
          );
        }
        if (text(values, 'description').length > 500) {
          errors.description = trans.__('Use at most 500 characters.');
        }
      }
      if (parseTags(text(values, 'tags')) === null) {
        errors.tags = trans.__(
          'Write key=value pairs separated by commas, e.g. team=ml, stage=test.'
        );
      }
      if (
        !(kind.aks ? ['key', 'token', 'none'] : ['key', 'none']).includes(
          text(values, 'auth')
        )
      ) {
        errors.auth = trans.__('Choose how callers authenticate.');
      }
      if (!['mlflow', 'sdk'].includes(text(values, 'style'))) {
        errors.style = trans.__('Choose a code style.');
      }
      return errors;
    },
    generate: (request: IDeployRequest) => generateLegacy(kind, request)
  };
}

function generateLegacy(kind: ILegacyKind, request: IDeployRequest): string {
  const v = request.values;
  const cpu = Number(text(v, 'cpu'));
  const memory = Number(text(v, 'memory'));
  const sku = managedSkuForAci(cpu, memory);
  const sdk = text(v, 'style') !== 'mlflow';
  const head = [
    `# Deploy as an Azure ML ${kind.aks ? 'AKS' : 'ACI'} web service (legacy, SDK v1: support ended ${AZURE_SDK_V1_END_OF_SUPPORT}).`,
    sku
      ? `# A managed online endpoint of size ${sku} is the supported replacement for this size.`
      : '# A managed online endpoint is the supported replacement.',
    '# Sign-in comes from `az login` or AZURE_* service-principal variables; no key is shown.',
    ...cellHead(request, sdk ? 'azure-v1' : 'mlflow'),
    `service_name = ${pyStr(text(v, 'service'))}`,
    `cpu_cores = ${cpu}`,
    `memory_gb = ${memory}`,
    `auth_mode = ${pyStr(text(v, 'auth') || 'key')}`,
    `tags = {${(parseTags(text(v, 'tags')) ?? []).map(([k, t]) => `${pyStr(k)}: ${pyStr(t)}`).join(', ')}}`,
    ...(kind.aks
      ? [
          `compute_name = ${pyStr(text(v, 'compute'))}`,
          `min_replicas = ${Number(text(v, 'minReplicas'))}`,
          `max_replicas = ${Number(text(v, 'maxReplicas'))}`
        ]
      : [
          `location = ${pyStr(text(v, 'location'))}`,
          `description = ${pyStr(text(v, 'description'))}`
        ]),
    ''
  ];
  const failure = failureLines();
  if (!sdk) {
    return [
      ...head,
      '# MLflow deployments client (azureml-mlflow plug-in) with an explicit deploy config;',
      '# the plug-in registers the model from its URI when needed.',
      'if not _found:',
      '    raise SystemExit("The MLflow deployments client deploys to the tracking server\'s Azure ML workspace; choose the Azure ML SDK code style for another workspace.")',
      'import json, tempfile',
      '# The keys azureml-mlflow reads for v1 web services (it ignores unknown keys).',
      'config = {',
      `    "computeType": "${kind.aks ? 'aks' : 'aci'}",`,
      '    "containerResourceRequirements": {"cpu": cpu_cores, "memoryInGB": memory_gb},',
      '    "authEnabled": auth_mode == "key",',
      '    **({"tags": tags} if tags else {}),',
      ...(kind.aks
        ? [
            '    "computeTargetName": compute_name,',
            '    "tokenAuthEnabled": auth_mode == "token",',
            '    "autoScaler": {"autoscaleEnabled": True, "minReplicas": min_replicas, "maxReplicas": max_replicas},',
            '}'
          ]
        : [
            '    **({"location": location} if location else {}),',
            '    **({"description": description} if description else {}),',
            '}'
          ]),
      'with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:',
      '    json.dump(config, f)',
      'try:',
      '    client = get_deploy_client(mlflow.get_tracking_uri())',
      '    print(f"Deploying {service_name}…")',
      '    result = client.create_deployment(service_name, model_uri, config={"deploy-config-file": f.name})',
      ...recordLines(kind.id, 'result.get("scoringUri")', RECORDED),
      ...failure
    ].join('\n');
  }
  return [
    ...head,
    'from azureml.core import Model as AzureModel',
    kind.aks
      ? 'from azureml.core.webservice import AksWebservice\nfrom azureml.core.compute import AksCompute'
      : 'from azureml.core.webservice import AciWebservice',
    '# Built before anything is sent: a value Azure would refuse fails here, with nothing created.',
    ...(kind.aks
      ? [
          'deploy_config = AksWebservice.deploy_configuration(',
          '    cpu_cores=cpu_cores, memory_gb=memory_gb,',
          '    autoscale_enabled=True, autoscale_min_replicas=min_replicas, autoscale_max_replicas=max_replicas,',
          '    auth_enabled=auth_mode == "key", token_auth_enabled=auth_mode == "token",',
          '    tags=tags or None,',
          ')'
        ]
      : [
          'deploy_config = AciWebservice.deploy_configuration(',
          '    cpu_cores=cpu_cores, memory_gb=memory_gb, auth_enabled=auth_mode == "key",',
          '    location=location or None, description=description or None,',
          '    tags=tags or None,',
          ')'
        ]),
    'try:',
    ...v1WorkspaceLines(),
    '    # Register the model from its runs:/ or models:/ URI (Azure ML needs a registered model).',
    '    print("Registering the model…")',
    '    local_path = mlflow.artifacts.download_artifacts(model_uri)',
    '    model = AzureModel.register(ws, model_path=local_path, model_name=service_name)',
    kind.aks
      ? '    target = AksCompute(ws, compute_name)'
      : '    target = None',
    '    print(f"Deploying {service_name}…")',
    '    service = AzureModel.deploy(ws, service_name, [model], deployment_config=deploy_config, deployment_target=target)',
    '    service.wait_for_deployment(show_output=True)',
    ...recordLines(kind.id, 'service.scoring_uri', RECORDED),
    ...failure
  ].join('\n');
}
