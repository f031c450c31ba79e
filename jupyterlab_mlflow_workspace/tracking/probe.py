"""Test connection: one request that tells the user in plain words what happened.

The probe is a one-result experiment search: hosted servers may not serve ``/version``, and a
search proves both the address and the credentials.
"""

import json

from ..errors import UserError
from ..workspaces.model import Workspace
from .upstream import Upstream

PROBE_PATH = "api/2.0/mlflow/experiments/search"


async def probe(upstream: Upstream, workspace: Workspace, *, timeout: float = 10.0) -> dict:
    """Return ``{"ok", "reason", "message", "status", "mlflow_version"}`` for the UI."""
    try:
        response = await upstream.fetch(
            workspace, "GET", PROBE_PATH, query="max_results=1", timeout=timeout
        )
    except UserError as error:
        return _result(False, error.reason, error.message, error.status)
    if response.code == 401:
        return _result(False, "unauthorized", "Wrong credentials: the server answered 401.", 401)
    if response.code == 403:
        return _result(
            False,
            "forbidden",
            "No permission: the credentials are valid but not allowed (403).",
            403,
        )
    if response.code == 404:
        return _result(
            False,
            "not_mlflow",
            "Not an MLflow server: the MLflow API was not found at this URL (404). "
            "Check the address and any path prefix.",
            404,
        )
    if response.code != 200 or not _is_search_answer(response.body):
        return _result(
            False,
            "not_mlflow",
            f"Not an MLflow server: unexpected answer ({response.code}) to an experiment search.",
            response.code,
        )
    version = await _version(upstream, workspace, timeout)
    message = f"Ready: MLflow {version}" if version else "Ready"
    return {**_result(True, "ready", message, 200), "mlflow_version": version}


def _is_search_answer(body: bytes) -> bool:
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        return False
    return isinstance(payload, dict) and set(payload) <= {"experiments", "next_page_token"}


async def _version(upstream: Upstream, workspace: Workspace, timeout: float) -> str | None:
    # /version is optional (some hosted servers lack it); only a short plain version string counts.
    try:
        response = await upstream.fetch(workspace, "GET", "version", timeout=timeout)
    except UserError:
        return None
    text = (response.body or b"").decode("utf-8", "replace").strip()
    if response.code == 200 and 0 < len(text) <= 40 and text[0].isdigit():
        return text
    return None


def _result(ok: bool, reason: str, message: str, status: int) -> dict:
    return {
        "ok": ok,
        "reason": reason,
        "message": message,
        "status": status,
        "mlflow_version": None,
    }
