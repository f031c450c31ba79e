"""``deploy_local()``: serve a model as a local web service, from a kernel, through the bridge.

The Jupyter server that started this kernel runs MLflow's scoring server (``mlflow models serve
--env-manager local``) with *this kernel's* interpreter (``sys.executable``), under its process
supervisor: the service shows under Deployments in the panel, with its log and a Stop button, and
stops with Jupyter. Only a kernel started by that server can choose the interpreter: the call
carries the bridge key from the 0600 runtime file (see ``connect.py``).

Standard library only at import time.
"""

from __future__ import annotations

import os
import sys

from .connect import _read_runtime_file, _Unavailable, post_to_server

DEPLOY_PATH = "mlflow-workspace/api/deployments"
# The pre-flight (≤ 120 s) and the start (≤ 300 s) are bounded by the server part.
TIMEOUT = 480.0
LOG_LINES_SHOWN = 25


def deploy_local(
    model_uri,
    *,
    workspace: str | None = None,
    name: str | None = None,
    wait: bool = True,
    port: int | None = None,
    quiet: bool = False,
) -> dict:
    """Serve ``model_uri`` (``runs:/…``, ``models:/…``, or a ``ModelInfo``) on 127.0.0.1.

    ``workspace`` is the id of the workspace the model is in; by default the one MLflow in this
    kernel points at (after ``connect()``), else the server's first workspace. With ``wait``
    (default) returns once ``/ping`` answers, or raises RuntimeError with the reason and the log
    tail; ``wait=False`` returns at once (follow it in the panel). Prints one line with the
    scoring URI. Returns the deployment (``id``, ``state``, ``scoring_uri``, ``port``, …).
    """
    model_uri = getattr(model_uri, "model_uri", model_uri)  # a ModelInfo from log_model()
    if not isinstance(model_uri, str) or not model_uri:
        raise TypeError("model_uri must be a model URI such as 'runs:/<run id>/model'")
    try:
        info = _read_runtime_file()
    except _Unavailable as why:
        raise RuntimeError(
            f"Cannot deploy from here: {why}. deploy_local() needs a kernel started by "
            "JupyterLab with jupyterlab-mlflow-workspace; elsewhere run "
            f"`mlflow models serve -m {model_uri} --env-manager local`."
        ) from None
    body = {
        "target": "local",
        "model_uri": model_uri,
        "workspace": workspace,
        "python": sys.executable,
        "wait": bool(wait),
    }
    if workspace is None:
        body["tracking_uri"] = _tracking_uri()
    if name is not None:
        body["name"] = name
    if port is not None:
        body["port"] = port
    status, payload = _post(info, DEPLOY_PATH, body)
    if status in (200, 202) and isinstance(payload, dict) and payload.get("id"):
        if not quiet:
            print(_summary(payload, wait))
        return payload
    raise RuntimeError(_error(status, payload))


AZURE_PATH = "mlflow-workspace/api/deployments/azure"


def record_azure_deployment(**fields) -> str | None:
    """List an Azure deployment this kernel made under Deployments in the panel.

    Called by the generated deploy cells once Azure answered. ``fields``: ``target``,
    ``subscription_id``, ``resource_group``, ``workspace_name``, ``endpoint`` and optionally
    ``deployment``, ``scoring_uri``, ``model_uri``, ``auth_mode`` (never a key: the server refuses
    unknown fields). Never raises: the deployment exists whether or not the list shows it; prints
    why when it cannot be listed. Returns the record's id.
    """
    try:
        info = _read_runtime_file()
        status, payload = _post(info, AZURE_PATH, fields)
    except (_Unavailable, RuntimeError) as why:
        print(f"(Not listed under Deployments in the panel: {why}.)")
        return None
    if status == 200 and isinstance(payload, dict) and payload.get("id"):
        print(f"Listed under Deployments in the panel ({payload['id']}).")
        return payload["id"]
    message = payload.get("message") if isinstance(payload, dict) else None
    print(f"(Not listed under Deployments in the panel: {message or f'HTTP {status}'}.)")
    return None


def forget_azure_deployment(deployment_id: str) -> bool:
    """Remove an Azure deployment from the panel's list (after the cell deleted it in Azure)."""
    try:
        info = _read_runtime_file()
        status, _ = post_to_server(
            info, f"mlflow-workspace/api/deployments/{deployment_id}", None, method="DELETE"
        )
    except _Unavailable as why:
        print(f"(Still listed in the panel: {why}; use Remove there.)")
        return False
    if status == 200:
        print("Removed from Deployments in the panel.")
        return True
    print(f"(Still listed in the panel: HTTP {status}; use Remove there.)")
    return False


def _tracking_uri() -> str | None:
    """Where MLflow in this kernel points, when it is a server the Jupyter server may know."""
    uri = os.environ.get("MLFLOW_TRACKING_URI", "")
    mlflow = sys.modules.get("mlflow")
    if mlflow is not None:
        try:
            uri = mlflow.get_tracking_uri() or uri
        except Exception:  # noqa: BLE001, S110 - best effort; the server then uses its default
            pass
    return uri if uri.startswith(("http://", "https://", "azureml://")) else None


def _post(info: dict, path: str, body: dict) -> tuple[int, object]:
    try:
        return post_to_server(info, path, body, timeout=TIMEOUT)
    except _Unavailable as why:
        raise RuntimeError(str(why)[0].upper() + str(why)[1:]) from None


def _summary(deployment: dict, waited: bool) -> str:
    label = f"{deployment.get('name')!r} (deployment {deployment.get('id')})"
    uri = deployment.get("scoring_uri") or "(port not chosen yet)"
    if waited:
        return f"Serving {label} at {uri}"
    return f"Deploying {label}; scoring URI {uri} once ready (see Deployments in the panel)"


def _error(status: int, payload) -> str:
    if not isinstance(payload, dict):
        return f"Deployment failed: HTTP {status} from the Jupyter server"
    message = payload.get("message") or f"HTTP {status}"
    if status == 404 and payload.get("reason") is None:
        message = "the Jupyter server has no deployments route (is its extension older?)"
    text = f"Deployment failed: {message}"
    log = payload.get("log")
    if isinstance(log, list) and log:
        tail = [str(line) for line in log[-LOG_LINES_SHOWN:]]
        text += "\n--- log tail ---\n" + "\n".join(tail)
    return text
