"""Azure deploy cells (issue 14), run with the real SDKs from PyPI up to their first network call.

Every target and code style of the Deploy dialog generates its cell through the BUILT TypeScript
(``tests/node/azure_deploy_cli.js``); the cell runs in the SDK's own virtualenv with the network
blocked (the same ``sitecustomize`` and clean environment as the setup cells, see
``test_azure_cells.py`` and AZURE.md). A cell passes when

- it stops on exactly the line that first calls Azure (or the tracking server, which is Azure ML
  here), every blocked attempt comes from that line, and the error is not one of ours;
- the SDK objects it built before that line hold exactly the form's values (the v2 entities'
  own ``_to_dict()``, the v1 deploy configuration's attributes);
- for the MLflow code style, the config it wrote is read by azureml-mlflow's own parser into
  exactly those values (the plug-in silently ignores keys it does not know).

Nothing on the Azure side is faked: no response, no mocked REST layer.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_azure_cells import (
    HARNESS,
    ensure_azure_venv,
    offline_folder,
    run_cell,
)
from test_azure_deploy import bridge  # noqa: F401 - fixture

SUB = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
RG, WS = "rg-ml", "ws-demo"
TRACKING = (
    "azureml://westeurope.api.azureml.ms/mlflow/v2.0/subscriptions/"
    f"{SUB}/resourceGroups/{RG}/providers/Microsoft.MachineLearningServices/workspaces/{WS}"
)
MODEL = {"uri": "models:/diabetes/3", "label": "diabetes v3", "source": "registered"}

# What the harness reports after the cell stopped: the objects built before the network call.
REPORT = """
def _plain(obj):
    try:
        return json.loads(json.dumps(obj, default=str))
    except Exception:  # noqa: BLE001
        return repr(obj)


def _attrs(obj):
    return {
        k: _plain(v)
        for k, v in vars(obj).items()
        if isinstance(v, (str, int, float, bool, type(None), dict))
    }


built = {}
for _key in ("endpoint", "deployment"):
    _obj = ns.get(_key)
    if _obj is not None and hasattr(_obj, "_to_dict"):
        built[_key] = _plain(_obj._to_dict())
        built[_key + "_type"] = type(_obj).__name__
_dc = ns.get("deploy_config")
if _dc is not None:
    built["deploy_config"] = _attrs(_dc)
    built["deploy_config_type"] = type(_dc).__name__
_cfg = ns.get("config")
if isinstance(_cfg, dict):
    built["config"] = _cfg
    if "computeType" in _cfg:
        # azureml-mlflow's own parser, as its create_deployment calls it.
        from azureml.mlflow.deploy._mms.webservice.aci.aci import AciServiceDeploymentConfiguration
        from azureml.mlflow.deploy._mms.webservice.aks.aks import AksServiceDeploymentConfiguration

        _cls = {"aks": AksServiceDeploymentConfiguration, "aci": AciServiceDeploymentConfiguration}
        _parsed = _cls[_cfg["computeType"]]._create_deploy_config_from_dict(
            deploy_config_dict=_cfg
        )
        built["plugin_config"] = _attrs(_parsed)
_ef = ns.get("endpoint_file")
if _ef is not None:
    with open(_ef.name, encoding="utf-8") as _fh:
        built["endpoint_config"] = json.load(_fh)
res["built"] = built
"""
DEPLOY_HARNESS = HARNESS.replace(
    'with open(out_path, "w", encoding="utf-8") as f:',
    REPORT + 'with open(out_path, "w", encoding="utf-8") as f:',
)
assert DEPLOY_HARNESS != HARNESS


@pytest.fixture(scope="module")
def deploy_blocker(tmp_path_factory) -> Path:
    return offline_folder(tmp_path_factory.mktemp("azure-deploy-offline"), DEPLOY_HARNESS)


@pytest.fixture(scope="module")
def deploy_gen(bridge):  # noqa: F811 - the node bridge of test_azure_deploy
    def call(target: str, op: str, values: dict | None = None):
        return bridge(target=target, op=op, model=MODEL, values=values or {})

    return call


SIGN_IN = (
    "Not signed in to Azure. Run `az login` in a terminal, or set AZURE_CLIENT_ID, AZURE_TENANT_ID"
    " and AZURE_CLIENT_SECRET for a service principal, then run this cell again."
)
UNREACHABLE = "Cannot reach Azure from this kernel: check its network or proxy"
SP_ENV = {
    "AZURE_TENANT_ID": "11111111-2222-4333-8444-555555555555",
    "AZURE_CLIENT_ID": SUB,
    "AZURE_CLIENT_SECRET": "not-a-secret",
}
MANAGED = {
    "endpoint": "diabetes-ep",
    "deployment": "green",
    "instanceType": "Standard_DS2_v2",
    "instanceCount": "2",
    "authMode": "aad_token",
    # Under "Advanced": request and probe settings, other than Azure's defaults.
    "requestTimeoutMs": "9000",
    "maxConcurrentRequests": "4",
    "probeInitialDelay": "30",
    "probePeriod": "15",
    "probeTimeout": "5",
    "probeFailureThreshold": "6",
}
PROBE = {"initial_delay": 30, "period": 15, "timeout": 5, "failure_threshold": 6}
KUBERNETES = {
    "endpoint": "diabetes-k8s",
    "deployment": "blue",
    "compute": "k8s-compute",
    "instanceType": "defaultinstancetype",
    "instanceCount": "3",
    "authMode": "aml_token",
    "cpuRequest": "250m",
    "memoryRequest": "512Mi",
    "cpuLimit": "1",
    "memoryLimit": "1Gi",
}
ACI = {
    "service": "diabetes-aci",
    "cpu": "0.5",
    "memory": "1.5",
    "auth": "key",
    "location": "westeurope",
    "description": 'diabetes "lr"\nfrom the notebook',
    "tags": 'team=ml, note=a "quoted" value',
}
AKS = {
    "service": "diabetes-aks",
    "compute": "aks-prod",
    "cpu": "2",
    "memory": "4",
    "auth": "token",
    "minReplicas": "2",
    "maxReplicas": "5",
    "tags": "stage=prod",
}
ACI_BUILT = {
    "cpu_cores": 0.5,
    "memory_gb": 1.5,
    "auth_enabled": True,
    "location": "westeurope",
    "description": 'diabetes "lr"\nfrom the notebook',
    "tags": {"team": "ml", "note": 'a "quoted" value'},
}
AKS_BUILT = {
    "cpu_cores": 2,
    "memory_gb": 4,
    "auth_enabled": False,
    "token_auth_enabled": True,
    "autoscale_enabled": True,
    "autoscale_min_replicas": 2,
    "autoscale_max_replicas": 5,
    "tags": {"stage": "prod"},
}

# (id, target, style, venv, form values, model URI, extra env, the first network line, message)
CASES = [
    # A registered MLflow model is downloaded through the Azure ML tracking plug-in first.
    ("managed-sdk", "azure-managed-online", "sdk", "v2", MANAGED, MODEL["uri"], {},
     "local_path = mlflow.artifacts.download_artifacts(model_uri)", SIGN_IN),
    # An Azure ML model goes straight to the endpoint: is it there already?
    ("managed-sdk-azureml-model", "azure-managed-online", "sdk", "v2", MANAGED, "azureml:diabetes:3", {},
     "existing = ml_client.online_endpoints.get(endpoint_name)", SIGN_IN),
    ("kubernetes-sdk", "azure-kubernetes-online", "sdk", "v2", KUBERNETES, MODEL["uri"], {},
     "local_path = mlflow.artifacts.download_artifacts(model_uri)", SIGN_IN),
    # Is the endpoint there already? (Only a new one gets all traffic without being asked.)
    ("managed-mlflow", "azure-managed-online", "mlflow", "v2", MANAGED, MODEL["uri"], {},
     "existing = client.get_endpoint(endpoint_name)", SIGN_IN),
    ("aci-sdk-service-principal", "azure-aci", "sdk", "v1", ACI, MODEL["uri"], SP_ENV,
     "ws = Workspace(", UNREACHABLE),
    ("aks-sdk-service-principal", "azure-aks", "sdk", "v1", AKS, MODEL["uri"], SP_ENV,
     "ws = Workspace(", UNREACHABLE),
    ("aci-mlflow", "azure-aci", "mlflow", "v2", ACI, MODEL["uri"], {},
     "result = client.create_deployment(", SIGN_IN),
    ("aks-mlflow", "azure-aks", "mlflow", "v2", AKS, MODEL["uri"], {},
     "result = client.create_deployment(", SIGN_IN),
]  # fmt: skip


def _subset(built: dict, expected: dict) -> dict:
    return {key: built.get(key) for key in expected}


EXPECTED_BUILT = {
    "managed-sdk": {
        "endpoint": {"name": "diabetes-ep", "auth_mode": "aad_token"},
        "deployment": {
            "name": "green",
            "endpoint_name": "diabetes-ep",
            "instance_type": "Standard_DS2_v2",
            "instance_count": 2,
            "type": "managed",
            "request_settings": {
                "request_timeout_ms": 9000,
                "max_concurrent_requests_per_instance": 4,
            },
            "liveness_probe": PROBE,
            "readiness_probe": PROBE,
        },
    },
    "kubernetes-sdk": {
        "endpoint": {
            "name": "diabetes-k8s",
            "auth_mode": "aml_token",
            "compute": "azureml:k8s-compute",
        },
        "deployment": {
            "name": "blue",
            "endpoint_name": "diabetes-k8s",
            "instance_type": "defaultinstancetype",
            "instance_count": 3,
            "type": "kubernetes",
            "resources": {
                "requests": {"cpu": "250m", "memory": "512Mi"},
                "limits": {"cpu": "1", "memory": "1Gi"},
            },
        },
    },
    "managed-mlflow": {
        "config": {"instance_type": "Standard_DS2_v2", "instance_count": 2},
        "endpoint_config": {"auth_mode": "aad_token"},
    },
    "aci-sdk-service-principal": {"deploy_config": ACI_BUILT},
    "aks-sdk-service-principal": {"deploy_config": AKS_BUILT},
    # The plug-in reads the same values from the config file the cell wrote.
    "aci-mlflow": {"plugin_config": ACI_BUILT},
    "aks-mlflow": {"plugin_config": {**AKS_BUILT, "compute_target_name": "aks-prod"}},
}
EXPECTED_BUILT["managed-sdk-azureml-model"] = EXPECTED_BUILT["managed-sdk"]


@pytest.mark.parametrize(
    "case, target, style, venv, values, model_uri, env, network_line, message",
    CASES,
    ids=[c[0] for c in CASES],
)
def test_deploy_cell_runs_to_its_first_network_call(
    deploy_gen, deploy_blocker, tmp_path, case, target, style, venv, values, model_uri, env,
    network_line, message,
):  # fmt: skip
    python = ensure_azure_venv(venv)
    form = deploy_gen(target, "defaults")
    form.update(style=style, **values)
    assert deploy_gen(target, "validate", form) == {}, "the dialog refuses the test's own values"
    cell = deploy_gen(target, "generate", form).replace(
        f"model_uri = {json.dumps(MODEL['uri'])}", f"model_uri = {json.dumps(model_uri)}", 1
    )
    run = run_cell(python, cell, tmp_path, deploy_blocker, MLFLOW_TRACKING_URI=TRACKING, **env)
    res = run.result
    context = f"\nresult={json.dumps(res, indent=1)[:3000]}\nstderr={run.stderr[-2000:]}"

    # It ended in one plain sentence, the SDK's own traceback hidden ("from None").
    assert res["outcome"] == "raised" and res["type"] == "builtins.SystemExit", context
    assert res["message"].startswith(message), context
    # Nothing before the network line touched the network, and it did try to.
    line = run.line_of(network_line)
    assert run.network, "no network attempt was made" + context
    for attempt in run.network:
        assert [run.path, line] in [s[:2] for s in attempt["stack"]], (attempt, context)
    assert all(a["kind"] != "browser" for a in run.network), "a browser was asked to open"
    # What the cell built before that line holds exactly the form's values.
    built = res["built"]
    for key, expected in EXPECTED_BUILT[case].items():
        assert _subset(built[key], expected) == expected, (key, built[key])


def test_legacy_cell_without_credentials_says_how_to_sign_in(deploy_gen, deploy_blocker, tmp_path):
    """SDK v1 without a service principal uses `az login` (never an interactive device-code login
    that would wait in the kernel): with no Azure CLI sign-in it says so, without a network try."""
    python = ensure_azure_venv("v1")
    form = deploy_gen("azure-aci", "defaults")
    form.update(style="sdk", **ACI)
    cell = deploy_gen("azure-aci", "generate", form)
    run = run_cell(python, cell, tmp_path, deploy_blocker, MLFLOW_TRACKING_URI=TRACKING)
    res = run.result
    assert res["type"] == "builtins.SystemExit" and res["message"] == SIGN_IN, res
    assert "interactive" not in run.stdout.lower(), run.stdout
    assert run.network == [], run.network
    assert res["built"]["deploy_config"]["cpu_cores"] == 0.5


def test_mlflow_style_needs_only_the_plugin(deploy_gen, deploy_blocker, tmp_path):
    """The MLflow code style imports no Azure SDK of its own: in a kernel without azureml-mlflow it
    stops before any network use with the one install line."""
    form = deploy_gen("azure-aci", "defaults")
    form.update(style="mlflow", **ACI)
    cell = deploy_gen("azure-aci", "generate", form)
    assert "azureml.core" not in cell and "azure.ai.ml" not in cell
    import sys

    run = run_cell(sys.executable, cell, tmp_path, deploy_blocker, MLFLOW_TRACKING_URI=TRACKING)
    res = run.result
    assert res["type"] == "builtins.SystemExit", res
    assert res["message"].endswith("Run: %pip install azureml-mlflow"), res["message"]
    assert run.network == []
