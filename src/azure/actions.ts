import { TranslationBundle } from '@jupyterlab/translation';
import { IDeployment } from '../api/types';
import { IDeploymentAction } from '../deploy/targets';
import { pyStr } from '../snippets/pyliteral';
import {
  failureLines,
  importLines,
  problemLines,
  v1WorkspaceLines
} from './common';

/**
 * What the panel's Deployments list offers on a recorded Azure deployment: state and logs, a
 * call with the model's input example, and deletion. Each is a reviewable cell that runs in the
 * notebook's kernel with the user's Azure sign-in (the design keeps cloud calls there): the
 * endpoint's key is fetched by the SDK inside the kernel and never printed, stored or sent to
 * the browser.
 */
export function azureActions(
  kind: 'online' | 'legacy',
  trans: TranslationBundle
): IDeploymentAction[] {
  const legacy = kind === 'legacy';
  return [
    {
      id: 'state',
      label: trans.__('State and logs'),
      caption: trans.__(
        'Insert and run a cell that shows the deployment’s state and its latest log lines'
      ),
      generate: d => (legacy ? legacyState(d) : onlineState(d))
    },
    {
      id: 'call',
      label: trans.__('Call endpoint'),
      caption: trans.__(
        'Insert and run a cell that sends the model’s input example to the endpoint'
      ),
      generate: d => (legacy ? legacyCall(d) : onlineCall(d))
    },
    ...(legacy
      ? []
      : [
          {
            id: 'traffic',
            label: trans.__('Send all traffic…'),
            caption: trans.__(
              'Insert and run a cell that sends all of the endpoint’s traffic to this deployment'
            ),
            confirm: trans.__(
              'Send all of the endpoint’s traffic to this deployment? Its other deployments get none from then on.'
            ),
            generate: onlineTraffic
          },
          {
            id: 'monitor',
            label: trans.__('Turn on monitoring'),
            caption: trans.__(
              'Insert a cell that turns on data collection and creates an Azure ML model monitor (data drift, prediction drift, data quality) with the Monitor view’s thresholds; set your training data asset in it first'
            ),
            generate: onlineMonitor,
            // The cell needs the training data asset's name: inserted for review, not run.
            runs: false
          }
        ]),
    {
      id: 'delete',
      label: trans.__('Delete…'),
      caption: trans.__(
        'Insert and run a cell that deletes the deployment in Azure (it stops billing)'
      ),
      confirm: trans.__(
        'Delete this deployment in Azure? Callers of its scoring URI get errors from then on. The cell runs in the notebook’s kernel with your Azure sign-in.'
      ),
      generate: d => (legacy ? legacyDelete(d) : onlineDelete(d))
    }
  ];
}

/** The record's fields as Python literals (every value through the one escaper). */
function head(d: IDeployment, title: string, legacy: boolean): string[] {
  const a = d.azure!;
  return [
    `# ${title}`,
    '# Runs with your Azure sign-in (`az login` or AZURE_* service-principal variables); no key is printed.',
    `deployment_id = ${pyStr(d.id)}`,
    `subscription_id = ${pyStr(a.subscription_id)}`,
    `resource_group = ${pyStr(a.resource_group)}`,
    `workspace_name = ${pyStr(a.workspace_name)}`,
    legacy
      ? `service_name = ${pyStr(a.endpoint)}`
      : `endpoint_name = ${pyStr(a.endpoint)}`,
    ...(legacy ? [] : [`deployment_name = ${pyStr(a.deployment ?? '')}`]),
    `model_uri = ${pyStr(d.model_uri)}`,
    '',
    ...importLines(legacy ? 'azure-v1' : 'azure-v2'),
    '',
    '',
    ...problemLines()
  ];
}

/** The model's input example in Azure's `input_data` shape (split orient), before any call. */
function exampleLines(): string[] {
  return [
    'import json',
    '# The request: the input example logged with the model, in Azure ML\'s "input_data" shape.',
    'try:',
    '    _local = mlflow.artifacts.download_artifacts(model_uri)',
    '    from mlflow.models import Model as _MlflowModel',
    '    example = _MlflowModel.load(_local).load_input_example(_local)',
    'except Exception as err:',
    '    _problem = _azure_problem(err)',
    '    raise SystemExit(_problem or f"Could not read the model\'s input example ({err}).") from None',
    'if example is None:',
    '    raise SystemExit("The model was logged without an input example: write the request yourself, as {\\"input_data\\": {\\"columns\\": [...], \\"data\\": [[...]]}}.")',
    'import pandas as pd',
    'frame = example if isinstance(example, pd.DataFrame) else pd.DataFrame(example)',
    'payload = {"input_data": json.loads(frame.to_json(orient="split", index=False))}',
    'print("Request:", json.dumps(payload)[:1000])'
  ];
}

/** A registry line that takes the deployment off the panel's list once it is gone in Azure. */
function forgetLines(indent: string): string[] {
  return [
    `${indent}try:`,
    `${indent}    from jupyterlab_mlflow_workspace import forget_azure_deployment`,
    `${indent}    forget_azure_deployment(deployment_id)`,
    `${indent}except ImportError:`,
    `${indent}    print("Deleted; remove it from Deployments in the panel.")`
  ];
}

const V2_CLIENT =
  '    ml_client = MLClient(DefaultAzureCredential(), subscription_id, resource_group, workspace_name)';

function onlineState(d: IDeployment): string {
  return [
    ...head(d, 'State and logs of an Azure ML online deployment.', false),
    'try:',
    V2_CLIENT,
    '    endpoint = ml_client.online_endpoints.get(endpoint_name)',
    '    print(f"Endpoint {endpoint.name}: {endpoint.provisioning_state}, traffic {endpoint.traffic}")',
    '    print("Scoring URI:", endpoint.scoring_uri)',
    '    deployment = ml_client.online_deployments.get(deployment_name, endpoint_name=endpoint_name)',
    '    print(f"Deployment {deployment.name}: {deployment.provisioning_state}, {deployment.instance_count} x {deployment.instance_type}")',
    '    print("--- latest log lines ---")',
    '    print(ml_client.online_deployments.get_logs(deployment_name, endpoint_name, lines=50))',
    ...failureLines()
  ].join('\n');
}

function onlineCall(d: IDeployment): string {
  return [
    ...head(
      d,
      'Call an Azure ML online endpoint with the model’s input example.',
      false
    ),
    ...exampleLines(),
    'import tempfile',
    'with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as request_file:',
    '    json.dump(payload, request_file)',
    'try:',
    V2_CLIENT,
    '    # The SDK fetches the key or token itself; it stays in this kernel.',
    '    answer = ml_client.online_endpoints.invoke(',
    '        endpoint_name=endpoint_name, request_file=request_file.name,',
    '        deployment_name=deployment_name or None,',
    '    )',
    '    print("Predictions:", answer)',
    ...failureLines()
  ].join('\n');
}

function onlineTraffic(d: IDeployment): string {
  return [
    ...head(
      d,
      'Send all traffic of an Azure ML online endpoint to one deployment.',
      false
    ),
    'try:',
    V2_CLIENT,
    '    endpoint = ml_client.online_endpoints.get(endpoint_name)',
    '    print(f"Traffic was {endpoint.traffic}")',
    '    endpoint.traffic = {deployment_name: 100}',
    '    ml_client.online_endpoints.begin_create_or_update(endpoint).result()',
    '    print(f"All traffic of {endpoint_name} now goes to {deployment_name}.")',
    ...failureLines()
  ].join('\n');
}

function onlineDelete(d: IDeployment): string {
  return [
    ...head(
      d,
      'Delete an Azure ML online deployment (and its endpoint when it is the last one).',
      false
    ),
    'try:',
    V2_CLIENT,
    '    others = [x.name for x in ml_client.online_deployments.list(endpoint_name) if x.name != deployment_name]',
    '    if others:',
    '        # Azure refuses to delete a deployment that still takes traffic: move it first.',
    '        print(f"Deleting deployment {deployment_name}; endpoint {endpoint_name} keeps {others}…")',
    '        ml_client.online_deployments.begin_delete(name=deployment_name, endpoint_name=endpoint_name).result()',
    '    else:',
    '        print(f"Deleting endpoint {endpoint_name} with its deployment {deployment_name}…")',
    '        ml_client.online_endpoints.begin_delete(name=endpoint_name).result()',
    '    print("Deleted.")',
    ...forgetLines('    '),
    ...failureLines()
  ].join('\n');
}

/**
 * Azure ML model monitoring (v2) for an online deployment: the monitor is built first, offline,
 * with the local Monitor view's thresholds (normalised Wasserstein and Jensen–Shannon distance
 * 0.1); then the deployment's data collector is turned on and the monitor schedule created.
 */
function onlineMonitor(d: IDeployment): string {
  return [
    ...head(
      d,
      'Turn on Azure ML model monitoring for an online deployment: data collection, then a daily monitor.',
      false
    ),
    '# Edit: your training data, registered in the workspace as an MLTable data asset, and the',
    '# label column in it (for prediction drift; None leaves that signal out).',
    'training_data = "azureml:<training-data-asset>:1"',
    'target_column = None',
    'ml_task = "regression"  # or "classification"',
    '',
    'import re',
    'from azure.ai.ml import Input',
    'from azure.ai.ml.entities import (',
    '    CategoricalDriftMetrics, DataCollector, DataDriftMetricThreshold, DataDriftSignal,',
    '    DataQualitySignal, DeploymentCollection, MonitorDefinition, MonitoringTarget,',
    '    MonitorSchedule, NumericalDriftMetrics, PredictionDriftMetricThreshold,',
    '    PredictionDriftSignal, RecurrenceTrigger, ReferenceData, ServerlessSparkCompute,',
    ')',
    'if training_data.startswith("azureml:<"):',
    '    raise SystemExit("Set training_data at the top of this cell to your training data asset (an MLTable registered in the workspace, e.g. azureml:diabetes-train:1), then run the cell again.")',
    '# The thresholds of the Monitor view in JupyterLab, so both say "drift" at the same distance.',
    'numerical = NumericalDriftMetrics(normalized_wasserstein_distance=0.1)',
    'categorical = CategoricalDriftMetrics(jensen_shannon_distance=0.1)',
    'reference = ReferenceData(input_data=Input(path=training_data, type="mltable"), data_context="training")',
    'signals = {',
    '    "data-drift": DataDriftSignal(reference_data=reference, features="all_features", metric_thresholds=DataDriftMetricThreshold(numerical=numerical, categorical=categorical)),',
    '    "data-quality": DataQualitySignal(reference_data=reference, features="all_features"),',
    '}',
    'if target_column:',
    '    labelled = ReferenceData(input_data=Input(path=training_data, type="mltable"), data_context="training", data_column_names={"target_column": target_column})',
    '    signals["prediction-drift"] = PredictionDriftSignal(reference_data=labelled, metric_thresholds=PredictionDriftMetricThreshold(numerical=numerical, categorical=categorical))',
    'schedule_name = re.sub(r"[^A-Za-z0-9_-]", "-", f"{endpoint_name}-{deployment_name}-monitor")[:64]',
    'monitor = MonitorSchedule(',
    '    name=schedule_name,',
    '    trigger=RecurrenceTrigger(frequency="day", interval=1),',
    '    create_monitor=MonitorDefinition(',
    '        compute=ServerlessSparkCompute(runtime_version="3.4", instance_type="standard_e4s_v3"),',
    '        monitoring_target=MonitoringTarget(ml_task=ml_task, endpoint_deployment_id=f"azureml:{endpoint_name}:{deployment_name}"),',
    '        monitoring_signals=signals,',
    '    ),',
    ')',
    'signal_names = ", ".join(signals)',
    'print(f"Monitor {schedule_name}: {signal_names} against {training_data}, daily, on serverless Spark.")',
    'try:',
    V2_CLIENT,
    '    deployment = ml_client.online_deployments.get(deployment_name, endpoint_name=endpoint_name)',
    '    collector = deployment.data_collector',
    '    if collector is None or not all(name in (collector.collections or {}) for name in ("model_inputs", "model_outputs")):',
    '        print("Turning on data collection of inputs and outputs (the deployment is updated; minutes)…")',
    '        deployment.data_collector = DataCollector(collections={"model_inputs": DeploymentCollection(enabled="true"), "model_outputs": DeploymentCollection(enabled="true")})',
    '        ml_client.online_deployments.begin_create_or_update(deployment).result()',
    '    ml_client.schedules.begin_create_or_update(monitor).result()',
    '    print(f"Created. Its results: Azure ML studio → Monitoring → {schedule_name}.")',
    ...failureLines()
  ].join('\n');
}

function legacyState(d: IDeployment): string {
  return [
    ...head(
      d,
      'State and logs of an Azure ML web service (legacy, SDK v1).',
      true
    ),
    'from azureml.core.webservice import Webservice',
    'try:',
    ...v1WorkspaceLines(),
    '    service = Webservice(ws, service_name)',
    '    print(f"Service {service.name}: {service.state}")',
    '    print("Scoring URI:", service.scoring_uri)',
    '    print("--- latest log lines ---")',
    '    print("\\n".join(service.get_logs().splitlines()[-50:]))',
    ...failureLines()
  ].join('\n');
}

function legacyCall(d: IDeployment): string {
  return [
    ...head(
      d,
      'Call an Azure ML web service (legacy) with the model’s input example.',
      true
    ),
    'from azureml.core.webservice import Webservice',
    'try:',
    ...v1WorkspaceLines(),
    '    service = Webservice(ws, service_name)',
    ...failureLines(),
    ...exampleLines(),
    'try:',
    '    # The SDK sends the service key itself; it stays in this kernel.',
    '    print("Predictions:", service.run(json.dumps(payload)))',
    ...failureLines()
  ].join('\n');
}

function legacyDelete(d: IDeployment): string {
  return [
    ...head(d, 'Delete an Azure ML web service (legacy).', true),
    'from azureml.core.webservice import Webservice',
    'try:',
    ...v1WorkspaceLines(),
    '    print(f"Deleting {service_name}…")',
    '    Webservice(ws, service_name).delete()',
    '    print("Deleted.")',
    ...forgetLines('    '),
    ...failureLines()
  ].join('\n');
}
