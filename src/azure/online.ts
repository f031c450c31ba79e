import { TranslationBundle } from '@jupyterlab/translation';
import { defaultName } from '../deploy/localTarget';
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
  nameMessage,
  styleField,
  text,
  validateWorkspace,
  workspaceFields
} from './common';
import { NAME_MAX, ONLINE_NAME, kubeCpu, kubeMemory, positive } from './rules';

/** A name that fits the online endpoint rule, derived from the model. */
export function onlineName(model: IModelChoice): string {
  const base = defaultName(model)
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, NAME_MAX)
    .replace(/-+$/, '');
  return base.length >= 3 ? base : `model-${base}`.replace(/-+$/, '');
}

/** What differs between the managed and the Kubernetes online endpoint. */
export interface IOnlineKind {
  id: string;
  label: string;
  description: string;
  /** The MLflow plug-in's `compute` / the SDK classes. */
  kubernetes: boolean;
  defaultSize: string;
}

/** An online endpoint target (SDK v2 MLClient, or MLflow's `azureml` deployments client). */
export function onlineTarget(kind: IOnlineKind): IDeployTarget {
  const ruleText = (trans: TranslationBundle) =>
    trans.__(
      'Start with a letter; use letters, digits and "-"; do not end with "-".'
    );
  return {
    id: kind.id,
    label: kind.label,
    description: kind.description,
    serverManaged: false,
    actions: (trans: TranslationBundle) => azureActions('online', trans),
    fields: (trans: TranslationBundle, env?: ITargetEnv): ITargetField[] => [
      {
        name: 'endpoint',
        label: trans.__('Endpoint name'),
        type: 'text',
        required: true,
        help: trans.__('Unique in the region.')
      },
      {
        name: 'deployment',
        label: trans.__('Deployment name'),
        type: 'text',
        required: true
      },
      ...(kind.kubernetes
        ? [
            {
              name: 'compute',
              label: trans.__('Kubernetes compute'),
              type: 'text' as const,
              required: true,
              help: trans.__('The attached Kubernetes compute target.')
            }
          ]
        : []),
      {
        name: 'instanceType',
        label: trans.__('Instance type'),
        type: 'text',
        required: true
      },
      {
        name: 'instanceCount',
        label: trans.__('Instance count'),
        type: 'number',
        required: true
      },
      {
        name: 'authMode',
        label: trans.__('Authentication'),
        type: 'select',
        options: [
          { value: 'key', label: trans.__('Key (does not expire)') },
          { value: 'aml_token', label: trans.__('Azure ML token (expires)') },
          ...(kind.kubernetes
            ? []
            : [
                {
                  value: 'aad_token',
                  label: trans.__('Microsoft Entra ID token')
                }
              ])
        ]
      },
      ...(kind.kubernetes
        ? [
            {
              name: 'cpuRequest',
              label: trans.__('CPU request'),
              type: 'text' as const,
              required: true,
              help: trans.__('Cores per instance, e.g. 0.5 or 500m.')
            },
            {
              name: 'memoryRequest',
              label: trans.__('Memory request'),
              type: 'text' as const,
              required: true,
              help: trans.__('Per instance, e.g. 512Mi or 1Gi.')
            },
            {
              name: 'cpuLimit',
              label: trans.__('CPU limit'),
              type: 'text' as const,
              help: trans.__('Optional; at least the request.')
            },
            {
              name: 'memoryLimit',
              label: trans.__('Memory limit'),
              type: 'text' as const,
              help: trans.__('Optional; at least the request.')
            }
          ]
        : []),
      {
        name: 'traffic',
        label: trans.__('Traffic when the endpoint exists'),
        type: 'select',
        options: [
          {
            value: '0',
            label: trans.__('None until I move it (0 %)')
          },
          { value: '100', label: trans.__('All of it (100 %)') }
        ],
        help: trans.__(
          'A new endpoint sends all its traffic to its first deployment. Send all traffic later from Deployments in the panel.'
        )
      },
      ...ADVANCED.map(([name, label, help]) => ({
        name,
        label: trans.__(label),
        type: 'number' as const,
        required: true,
        advanced: true,
        help: trans.__(help)
      })),
      // The azureml-mlflow plug-in reaches managed endpoints only, so Kubernetes is SDK-only.
      kind.kubernetes
        ? {
            ...styleField(trans, trans.__('Azure ML SDK v2 (MLClient)')),
            options: [
              { value: 'sdk', label: trans.__('Azure ML SDK v2 (MLClient)') }
            ]
          }
        : styleField(trans, trans.__('Azure ML SDK v2 (MLClient)')),
      ...workspaceFields(trans, env)
    ],
    defaults: (model: IModelChoice): TargetValues => ({
      endpoint: onlineName(model),
      deployment: 'blue',
      ...(kind.kubernetes
        ? {
            compute: '',
            cpuRequest: '0.5',
            memoryRequest: '1Gi',
            cpuLimit: '',
            memoryLimit: ''
          }
        : {}),
      instanceType: kind.defaultSize,
      instanceCount: '1',
      authMode: 'key',
      traffic: '0',
      ...Object.fromEntries(ADVANCED.map(([name, , , value]) => [name, value])),
      style: 'sdk',
      subscriptionId: '',
      resourceGroup: '',
      workspaceName: ''
    }),
    validate: (values: TargetValues, trans: TranslationBundle) => {
      const errors = validateWorkspace(values, trans);
      for (const key of ['endpoint', 'deployment']) {
        const message = nameMessage(
          text(values, key),
          ONLINE_NAME,
          trans,
          ruleText(trans)
        );
        if (message) {
          errors[key] = message;
        }
      }
      if (
        kind.kubernetes &&
        !/^[A-Za-z][A-Za-z0-9-]{1,31}$/.test(text(values, 'compute'))
      ) {
        errors.compute = trans.__(
          'Name the Kubernetes compute (2 to 32 letters, digits or "-", a letter first).'
        );
      }
      if (kind.kubernetes) {
        Object.assign(errors, validateResources(values, trans));
      }
      if (!/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(text(values, 'instanceType'))) {
        errors.instanceType = trans.__(
          'Use an Azure VM size such as Standard_DS3_v2.'
        );
      }
      const count = positive(text(values, 'instanceCount'));
      if (!Number.isInteger(count) || count > 100) {
        errors.instanceCount = trans.__('Use a whole number from 1 to 100.');
      }
      if (!['0', '100'].includes(text(values, 'traffic') || '0')) {
        errors.traffic = trans.__('Choose 0 % or 100 %.');
      }
      for (const [name, , , , max] of ADVANCED) {
        const value = positive(text(values, name));
        if (!Number.isInteger(value) || value > max) {
          errors[name] = trans.__('Use a whole number from 1 to %1.', max);
        }
      }
      // Entra ID tokens are for managed endpoints only (Azure refuses them on Kubernetes).
      if (
        !(
          kind.kubernetes
            ? ['key', 'aml_token']
            : ['key', 'aml_token', 'aad_token']
        ).includes(text(values, 'authMode'))
      ) {
        errors.authMode = trans.__('Choose how callers authenticate.');
      }
      if (
        !(kind.kubernetes ? ['sdk'] : ['mlflow', 'sdk']).includes(
          text(values, 'style')
        )
      ) {
        errors.style = trans.__('Choose a code style.');
      }
      return errors;
    },
    generate: (request: IDeployRequest) => generateOnline(kind, request)
  };
}

/** Kubernetes requests and limits: valid quantities, and a limit never below its request. */
function validateResources(
  values: TargetValues,
  trans: TranslationBundle
): Record<string, string> {
  const errors: Record<string, string> = {};
  const pairs: [string, string, (t: string) => number, string][] = [
    [
      'cpuRequest',
      'cpuLimit',
      kubeCpu,
      trans.__('Use cores (0.5) or millicores (500m).')
    ],
    [
      'memoryRequest',
      'memoryLimit',
      kubeMemory,
      trans.__('Use a Kubernetes quantity such as 512Mi or 1Gi.')
    ]
  ];
  for (const [requestKey, limitKey, parse, message] of pairs) {
    const request = parse(text(values, requestKey));
    if (Number.isNaN(request)) {
      errors[requestKey] = message;
    }
    const limitText = text(values, limitKey);
    if (limitText) {
      const limit = parse(limitText);
      if (Number.isNaN(limit)) {
        errors[limitKey] = message;
      } else if (limit < request) {
        errors[limitKey] = trans.__('A limit below the request is refused.');
      }
    }
  }
  return errors;
}

/**
 * Request and probe settings (Azure ML SDK style), with Azure's own defaults: name, label, help,
 * default, and the largest value Azure takes. Both probes (liveness, readiness) take the same.
 */
const ADVANCED: [string, string, string, string, number][] = [
  [
    'requestTimeoutMs',
    'Request timeout (ms)',
    'Scoring requests longer than this fail. Azure ML SDK style.',
    '5000',
    180000
  ],
  [
    'maxConcurrentRequests',
    'Concurrent requests per instance',
    'Azure ML SDK style.',
    '1',
    1000
  ],
  [
    'probeInitialDelay',
    'Probe initial delay (s)',
    'Before the first liveness and readiness probe. Azure ML SDK style.',
    '10',
    3600
  ],
  [
    'probePeriod',
    'Probe period (s)',
    'Between probes. Azure ML SDK style.',
    '10',
    3600
  ],
  [
    'probeTimeout',
    'Probe timeout (s)',
    'A probe slower than this fails. Azure ML SDK style.',
    '2',
    3600
  ],
  [
    'probeFailureThreshold',
    'Probe failures before restart',
    'Consecutive failures. Azure ML SDK style.',
    '30',
    1000
  ]
];

/** What the panel lists of an online deployment (Python names of the cell). */
const RECORDED = {
  endpoint: 'endpoint_name',
  deployment: 'deployment_name',
  auth_mode: 'auth_mode'
};

function generateOnline(kind: IOnlineKind, request: IDeployRequest): string {
  const v = request.values;
  const count = Number(text(v, 'instanceCount'));
  const sdk = kind.kubernetes || text(v, 'style') !== 'mlflow';
  const head = [
    `# Deploy to an Azure ML ${kind.kubernetes ? 'Kubernetes' : 'managed'} online endpoint.`,
    '# Sign-in comes from `az login` or AZURE_* service-principal variables; no key is shown.',
    ...cellHead(request, sdk ? 'azure-v2' : 'mlflow'),
    `endpoint_name = ${pyStr(text(v, 'endpoint'))}`,
    `deployment_name = ${pyStr(text(v, 'deployment'))}`,
    `instance_type = ${pyStr(text(v, 'instanceType'))}`,
    `instance_count = ${count}`,
    `auth_mode = ${pyStr(text(v, 'authMode') || 'key')}`,
    '# Traffic for this deployment when the endpoint already takes traffic (a new one gets all).',
    `traffic_percent = ${text(v, 'traffic') === '100' ? 100 : 0}`,
    ...(kind.kubernetes
      ? [
          `compute_name = ${pyStr(text(v, 'compute'))}`,
          `cpu_request = ${pyStr(text(v, 'cpuRequest'))}`,
          `memory_request = ${pyStr(text(v, 'memoryRequest'))}`,
          `cpu_limit = ${pyStr(text(v, 'cpuLimit'))} or None`,
          `memory_limit = ${pyStr(text(v, 'memoryLimit'))} or None`
        ]
      : []),
    ''
  ];
  if (!sdk) {
    return [
      ...head,
      '# MLflow deployments client (azureml-mlflow plug-in) with an explicit config:',
      '# the model URI is registered by the plug-in when it is not registered yet.',
      'if not _found:',
      '    raise SystemExit("The MLflow deployments client deploys to the tracking server\'s Azure ML workspace; choose the Azure ML SDK code style for another workspace.")',
      'import json, tempfile',
      'config = {"instance_type": instance_type, "instance_count": instance_count}',
      'with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:',
      '    json.dump(config, f)',
      '# The auth mode chosen (the plug-in would pick aml_token without a config).',
      'with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as endpoint_file:',
      '    json.dump({"auth_mode": auth_mode}, endpoint_file)',
      'with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as traffic_file:',
      '    json.dump({"traffic": {deployment_name: 100}}, traffic_file)',
      'try:',
      '    client = get_deploy_client(mlflow.get_tracking_uri())',
      '    try:',
      '        existing = client.get_endpoint(endpoint_name)',
      '    except Exception as err:  # the plug-in wraps "not found" in an MlflowException',
      '        if _azure_problem(err):',
      '            raise',
      '        existing = None',
      '    if existing is None:',
      '        print(f"Creating endpoint {endpoint_name}…")',
      '        client.create_endpoint(endpoint_name, config={"endpoint-config-file": endpoint_file.name})',
      '    print(f"Creating deployment {deployment_name}…")',
      '    client.create_deployment(deployment_name, model_uri, config={"deploy-config-file": f.name}, endpoint=endpoint_name)',
      '    # A new deployment on an explicit endpoint gets no traffic until it is given some: a new',
      '    # endpoint sends it all; one in use only when asked (traffic_percent).',
      '    if existing is None or traffic_percent == 100:',
      '        client.update_endpoint(endpoint_name, config={"endpoint-config-file": traffic_file.name})',
      '    else:',
      '        print(f"{deployment_name} gets 0 % of {endpoint_name} until you send it traffic (Deployments in the panel).")',
      ...recordLines(
        kind.id,
        'client.get_endpoint(endpoint_name)["properties"]["scoringUri"]',
        RECORDED
      ),
      ...failureLines()
    ].join('\n');
  }
  const cls = kind.kubernetes ? 'Kubernetes' : 'Managed';
  const int = (name: string) => Number(text(v, name));
  return [
    ...head,
    `request_timeout_ms = ${int('requestTimeoutMs')}`,
    `max_concurrent_requests = ${int('maxConcurrentRequests')}`,
    `probe = dict(initial_delay=${int('probeInitialDelay')}, period=${int('probePeriod')}, timeout=${int('probeTimeout')}, failure_threshold=${int('probeFailureThreshold')})`,
    '',
    `from azure.ai.ml.entities import ${cls}OnlineEndpoint, ${cls}OnlineDeployment, Model`,
    'from azure.ai.ml.entities import OnlineRequestSettings, ProbeSettings',
    '# Built before anything is sent: a value Azure would refuse fails here, with nothing created.',
    kind.kubernetes
      ? 'endpoint = KubernetesOnlineEndpoint(name=endpoint_name, compute=compute_name, auth_mode=auth_mode)'
      : 'endpoint = ManagedOnlineEndpoint(name=endpoint_name, auth_mode=auth_mode)',
    ...(kind.kubernetes
      ? [
          'from azure.ai.ml.entities import ResourceRequirementsSettings, ResourceSettings',
          'resources = ResourceRequirementsSettings(',
          '    requests=ResourceSettings(cpu=cpu_request, memory=memory_request),',
          '    limits=ResourceSettings(cpu=cpu_limit, memory=memory_limit) if cpu_limit or memory_limit else None,',
          ')'
        ]
      : []),
    `deployment = ${cls}OnlineDeployment(`,
    '    name=deployment_name, endpoint_name=endpoint_name,',
    '    instance_type=instance_type, instance_count=instance_count,',
    ...(kind.kubernetes ? ['    resources=resources,'] : []),
    '    request_settings=OnlineRequestSettings(',
    '        request_timeout_ms=request_timeout_ms,',
    '        max_concurrent_requests_per_instance=max_concurrent_requests,',
    '    ),',
    '    liveness_probe=ProbeSettings(**probe), readiness_probe=ProbeSettings(**probe),',
    ')',
    'from azure.core.exceptions import ResourceNotFoundError',
    'ml_client = MLClient(DefaultAzureCredential(), subscription_id, resource_group, workspace_name)',
    'try:',
    '    # Register the model from its runs:/ or models:/ URI when it is not an Azure ML model yet.',
    '    if not model_uri.startswith("azureml:"):',
    '        print("Registering the model…")',
    '        local_path = mlflow.artifacts.download_artifacts(model_uri)',
    '        deployment.model = ml_client.models.create_or_update(',
    '            Model(path=local_path, type="mlflow_model", name=endpoint_name)',
    '        )',
    '    else:',
    '        deployment.model = model_uri',
    '    try:',
    '        existing = ml_client.online_endpoints.get(endpoint_name)',
    '    except ResourceNotFoundError:',
    '        existing = None',
    '    if existing is None:',
    '        print(f"Creating endpoint {endpoint_name}…")',
    '        ml_client.online_endpoints.begin_create_or_update(endpoint).result()',
    '    print(f"Creating deployment {deployment_name}…")',
    '    ml_client.online_deployments.begin_create_or_update(deployment).result()',
    '    if existing is None or not any((existing.traffic or {}).values()):',
    '        # A new endpoint routes nothing until told: all of its traffic goes to this deployment.',
    '        endpoint.traffic = {deployment_name: 100}',
    '        ml_client.online_endpoints.begin_create_or_update(endpoint).result()',
    '    elif traffic_percent == 100:',
    '        existing.traffic = {deployment_name: 100}',
    '        ml_client.online_endpoints.begin_create_or_update(existing).result()',
    '        print(f"All traffic of {endpoint_name} now goes to {deployment_name}.")',
    '    else:',
    '        # An endpoint in use keeps its split: the new deployment gets 0 % until you move it.',
    '        print(f"Traffic stays {existing.traffic}; {deployment_name} gets 0 % until you send it traffic (Deployments in the panel: Send all traffic).")',
    ...recordLines(
      kind.id,
      'ml_client.online_endpoints.get(endpoint_name).scoring_uri',
      RECORDED
    ),
    ...failureLines()
  ].join('\n');
}
