"""The first request each Azure ML SDK v2 cell sends, captured at the SDK's transport (issue 14).

The deploy cells (managed and Kubernetes online endpoints, SDK style) and the Deployments list's
cells run in the v2 virtualenv with the network blocked, as in ``test_azure_deploy_offline.py``.
Here the cell's ``DefaultAzureCredential`` is a static token held locally (what a signed-in user
has; no identity service answers), so the SDK gets past sign-in and builds its first REST
request. ``azure.core``'s ``RequestsTransport.send`` records it, then the blocked socket refuses
it. Nothing answers: no response is faked. The request (method, host, path, api-version, body) is
compared with the one the SDK's own generated REST client builds for that operation.

Not covered: SDK v1 cells (their first request is the service principal's token request, which
``test_azure_deploy_offline.py`` pins by line) and the MLflow deployments client (the plug-in's
own HTTP client).
"""

from __future__ import annotations

import json
import subprocess
import urllib.parse

import pytest
from test_azure_actions_offline import KUBERNETES, ONLINE
from test_azure_cells import HARNESS, ensure_azure_venv, offline_env, offline_folder, run_cell
from test_azure_deploy import bridge  # noqa: F401 - fixture
from test_azure_deploy_offline import KUBERNETES as KUBERNETES_FORM
from test_azure_deploy_offline import MANAGED, MODEL, SUB, TRACKING

CAPTURE = '''
import json as _json
import os as _os
import sys as _sys
import time as _time

from azure.core.credentials import AccessToken as _AccessToken
from azure.core.pipeline.transport import RequestsTransport as _Transport
import azure.identity as _identity

_SENT = []


class _StaticToken:
    """A token the user already holds; get_token asks no service."""

    def __init__(self, *args, **kwargs):
        pass

    def get_token(self, *scopes, **kwargs):
        return _AccessToken("offline-test-token", int(_time.time()) + 3600)

    def close(self):
        pass


_identity.DefaultAzureCredential = _StaticToken
_send = _Transport.send


def _capture(self, request, **kwargs):
    body = request.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    _SENT.append({
        "method": request.method,
        "url": request.url,
        "body": body,
        "auth": (request.headers.get("Authorization") or "").split(" ")[0],
    })
    with open(_sys.argv[2] + ".requests.json", "w", encoding="utf-8") as _f:
        _json.dump(_SENT, _f)
    return _send(self, request, **kwargs)


_Transport.send = _capture
'''

EXPECTED = """
import json, sys, time
from azure.ai.ml import MLClient
from azure.core.credentials import AccessToken
import azure.ai.ml._restclient.arm_ml_service.operations._operations as ops


class Token:
    def get_token(self, *scopes, **kwargs):
        return AccessToken("t", int(time.time()) + 3600)


name, args = json.loads(sys.argv[1])
ml = MLClient(Token(), args["subscription_id"], args["resource_group_name"], args["workspace_name"])
# The api-version this SDK's client is configured with for that operation group.
group = {
    "build_online_endpoints_get_request": ml.online_endpoints._online_operation,
    "build_online_deployments_list_request": ml.online_deployments._online_deployment,
}[name]
request = getattr(ops, name)(**args, api_version=group._config.api_version)
print(json.dumps({"method": request.method, "url": request.url}))
"""

IDS = {"subscription_id": SUB, "resource_group_name": "rg-ml", "workspace_name": "ws-demo"}
ENDPOINT_GET = "build_online_endpoints_get_request"

# (id, how the cell is made, the SDK's request builder, its arguments)
CASES = [
    ("deploy-managed", ("generate", "azure-managed-online", MANAGED), ENDPOINT_GET,
     {"endpoint_name": "diabetes-ep"}),
    ("deploy-kubernetes", ("generate", "azure-kubernetes-online", KUBERNETES_FORM), ENDPOINT_GET,
     {"endpoint_name": "diabetes-k8s"}),
    ("state", ("action", "state", ONLINE), ENDPOINT_GET, {"endpoint_name": "diabetes-ep"}),
    ("state-kubernetes", ("action", "state", KUBERNETES), ENDPOINT_GET,
     {"endpoint_name": "diabetes-ep"}),
    ("send-all-traffic", ("action", "traffic", ONLINE), ENDPOINT_GET,
     {"endpoint_name": "diabetes-ep"}),
    ("delete", ("action", "delete", ONLINE), "build_online_deployments_list_request",
     {"endpoint_name": "diabetes-ep"}),
]  # fmt: skip


@pytest.fixture(scope="module")
def capture_folder(tmp_path_factory):
    return offline_folder(tmp_path_factory.mktemp("azure-first-request"), CAPTURE + HARNESS)


def _cell(bridge, how):  # noqa: F811
    if how[0] == "action":
        _, action, record = how
        return bridge(target=record["target"], op="action", action=action, deployment=record)
    _, target, values = how
    form = bridge(target=target, op="defaults", model=MODEL, values={})
    form.update(style="sdk", **values)
    cell = bridge(target=target, op="generate", model=MODEL, values=form)
    # An Azure ML model: the cell goes straight to the endpoint (no MLflow download first).
    return cell.replace(
        f"model_uri = {json.dumps(MODEL['uri'])}", 'model_uri = "azureml:diabetes:3"', 1
    )


@pytest.mark.parametrize("case, how, builder, args", CASES, ids=[c[0] for c in CASES])
def test_first_request_is_the_sdk_operation(
    bridge, capture_folder, tmp_path, case, how, builder, args  # noqa: F811
):  # fmt: skip
    python = ensure_azure_venv("v2")
    run = run_cell(
        python, _cell(bridge, how), tmp_path, capture_folder, MLFLOW_TRACKING_URI=TRACKING
    )
    sent_file = tmp_path / "cell" / "result.json.requests.json"
    context = f"\nresult={json.dumps(run.result, indent=1)[:2000]}\nstderr={run.stderr[-2000:]}"
    assert sent_file.exists(), "no request reached the transport" + context
    first = json.loads(sent_file.read_text(encoding="utf-8"))[0]
    # It was refused by the blocked network (nothing answered), and the cell said so plainly.
    assert run.result["type"] == "builtins.SystemExit", context
    assert run.result["message"].startswith("Cannot reach Azure from this kernel"), context

    expected = json.loads(
        subprocess.run(
            [python, "-c", EXPECTED, json.dumps([builder, {**IDS, **args}])],
            capture_output=True, text=True, check=True, timeout=120,
            env=offline_env(capture_folder, tmp_path, tmp_path / "x.jsonl", python),
        ).stdout
    )  # fmt: skip
    url = urllib.parse.urlsplit(first["url"])
    built = urllib.parse.urlsplit(expected["url"])
    assert url.scheme == "https" and url.hostname == "management.azure.com", first
    assert (first["method"], url.path) == (expected["method"], built.path), first
    api = urllib.parse.parse_qs(built.query)["api-version"]
    assert urllib.parse.parse_qs(url.query).get("api-version") == api, first
    assert first["body"] in (None, ""), "a GET carries no body"
    assert first["auth"] == "Bearer", "signed with the user's token"
