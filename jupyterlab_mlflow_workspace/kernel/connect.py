"""``connect()``: point MLflow in this kernel at a workspace of the Jupyter server that started it.

The server part writes a 0600 runtime file and puts its path into ``JUPYTER_MLFLOW_WORKSPACE_RUNTIME``
for the kernels it starts. ``connect()`` reads it, asks the server's bridge route (Jupyter token plus
the bridge key) for the workspace's tracking URI and credentials, puts them into ``os.environ``
(where MLflow's client reads them on every request) and prints one line without any secret.

Without the file (papermill, nbconvert, remote kernels) or when the server does not answer it falls
back to ``MLFLOW_TRACKING_URI`` from the kernel's environment.

Standard library only at import time; ``mlflow`` is imported when ``connect()`` runs.
"""

from __future__ import annotations

import errno
import http.client
import json
import os
import socket
import ssl
import stat
import urllib.parse

from ..bridge.runtime_file import CONNECT_PATH, ENV_VAR, KEY_HEADER

# Seconds to wait for the server; starting the local MLflow server can take a while.
TIMEOUT = 180.0
MAX_ANSWER_BYTES = 4 * 1024 * 1024  # a deployment answer carries its log tail
CREDENTIAL_VARS = ("MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD")
# What the bridge may set; anything else in its answer is ignored.
MANAGED_VARS = ("MLFLOW_TRACKING_URI", *CREDENTIAL_VARS, "MLFLOW_WORKSPACE")
RUN_CONTEXT_VAR = "MLFLOW_RUN_CONTEXT"


class _Unavailable(Exception):
    """No bridge to use: the reason goes into the fallback's one-line message."""


def connect(
    workspace: str | None = None,
    experiment: str | None = None,
    *,
    mlflow_workspace: str | None = None,
    notebook_id: str | None = None,
    live: bool = True,
    quiet: bool = False,
) -> str:
    """Point MLflow in this kernel at ``workspace`` (default: the first workspace, usually local).

    Starts the extension's local MLflow server if needed, puts the tracking URI and the workspace's
    credentials into this kernel's environment without printing them, tags fluent runs with this
    notebook, sets ``experiment`` when given and returns the tracking URI in a form safe to print
    (without user info; a query string shows as ``?…``); MLflow itself gets the full URI.
    ``mlflow_workspace`` overrides the MLflow 3.10+ workspace (``MLFLOW_WORKSPACE``).

    ``notebook_id`` (the Connected setup cell passes the notebook's ``metadata.mlflow_workspace``
    id) tags runs started from now on, so the Live metrics view finds them again after a restart;
    ``live`` turns on pushing logged metric values to JupyterLab while cells run (as
    ``%load_ext jupyterlab_mlflow_workspace`` does).
    """
    from .live import context

    if notebook_id is not None:
        context.set_notebook_id(notebook_id)
    try:
        info = _read_runtime_file()
        context.set_root_dir(info.get("root_dir"))
        answer = _ask_bridge(info, workspace)
    except _Unavailable as why:
        uri = _fallback(str(why), workspace, experiment, mlflow_workspace, quiet)
        _start_live(live)
        return uri

    env = {k: v for k, v in answer["env"].items() if k in MANAGED_VARS and isinstance(v, str)}
    uri = answer["tracking_uri"]
    env["MLFLOW_TRACKING_URI"] = uri
    if mlflow_workspace is not None:
        env["MLFLOW_WORKSPACE"] = mlflow_workspace
    # Credentials of a previously connected workspace must not leak into this one.
    for name in MANAGED_VARS:
        if name not in env:
            os.environ.pop(name, None)
    os.environ.update(env)
    _tag_notebook()
    _configure_mlflow(uri, experiment, env.get("MLFLOW_WORKSPACE"))
    _start_live(live)
    if not quiet:
        name = answer.get("workspace", {}).get("name") or workspace or "default"
        print(f"MLflow tracking: {_display(uri)} (workspace {name}){_experiment_note(experiment)}")
    return _display(uri)


def _start_live(live: bool) -> None:
    """Push logged metric values to JupyterLab (idempotent; nothing outside a kernel)."""
    if not live:
        return
    from . import live as live_metrics

    try:
        live_metrics.activate()
    except Exception:  # live charts are a convenience: connect() has done its job
        live_metrics.hook.log.debug("live metrics: activation failed", exc_info=True)


# --- the runtime file -----------------------------------------------------------------------


def _read_runtime_file() -> dict:
    path = os.environ.get(ENV_VAR, "").strip()
    if not path:
        raise _Unavailable("this kernel was not started by a Jupyter server with the extension")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise _Unavailable(
            "the Jupyter server that started this kernel has stopped (no runtime file)"
        ) from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise RuntimeError(
                f"Refusing the kernel bridge file {path}: it is a symbolic link."
            ) from None
        raise _Unavailable(f"cannot read the runtime file ({error.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(handle.fileno())
        problem = _insecure(st)
        if problem:
            raise RuntimeError(
                f"Refusing the kernel bridge file {path}: {problem}. It must be a regular file "
                "owned by you with mode 0600; restart Jupyter to write it again."
            )
        raw = handle.read(MAX_ANSWER_BYTES)
    try:
        info = json.loads(raw)
    except ValueError:
        raise _Unavailable("the runtime file is not valid JSON") from None
    if not (
        isinstance(info, dict)
        and isinstance(info.get("url"), str)
        and info["url"]
        and isinstance(info.get("token", ""), str)
        and isinstance(info.get("bridge_key"), str)
        and info["bridge_key"]
    ):
        raise _Unavailable("the runtime file lacks the server URL or the bridge key")
    return info


def _insecure(st: os.stat_result) -> str:
    if not stat.S_ISREG(st.st_mode):
        return "it is not a regular file"
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        return "it is owned by another user"
    if os.name == "posix" and stat.S_IMODE(st.st_mode) & 0o077:
        return f"other users may access it (mode {stat.S_IMODE(st.st_mode):04o})"
    return ""


# --- the bridge route -----------------------------------------------------------------------


class _UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP over the Unix socket a Jupyter server started with ``--sock`` listens on."""

    def __init__(self, socket_path: str, timeout: float):
        super().__init__("localhost", timeout=timeout)
        self._socket_path = socket_path

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self._socket_path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


def _connection(parts: urllib.parse.SplitResult) -> http.client.HTTPConnection:
    # http.client, not urllib.request: no proxy from the environment ever sees the token, and no
    # redirect carries the headers to another host.
    if parts.scheme == "http+unix":
        return _UnixHTTPConnection(urllib.parse.unquote(parts.netloc), TIMEOUT)
    if parts.scheme == "https":
        return http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=TIMEOUT, context=ssl.create_default_context()
        )
    if parts.scheme == "http":
        return http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT)
    raise _Unavailable(f"the runtime file has an unsupported URL scheme {parts.scheme!r}")


def post_to_server(
    info: dict, path: str, body: dict | None, *, timeout: float = TIMEOUT, method: str = "POST"
):
    """POST (or ``method``) ``body`` to ``path`` of the Jupyter server named in the runtime file, with its token
    and the bridge key; returns ``(status, JSON payload or None)``.

    Raises ``_Unavailable`` when the server does not answer.
    """
    parts = urllib.parse.urlsplit(info["url"])
    full_path = (parts.path or "/").rstrip("/") + "/" + path
    headers = {"Content-Type": "application/json", KEY_HEADER: info["bridge_key"]}
    # Under JupyterHub the server may have no token of its own; the Hub's API token works.
    token = info.get("token") or os.environ.get("JUPYTERHUB_API_TOKEN", "")
    if token:
        headers["Authorization"] = f"token {token}"
    conn = _connection(parts)
    conn.timeout = timeout
    try:
        data = None if body is None else json.dumps(body)
        conn.request(method, full_path, body=data, headers=headers)
        response = conn.getresponse()
        status = response.status
        raw = response.read(MAX_ANSWER_BYTES)
    except (OSError, http.client.HTTPException) as error:
        detail = getattr(error, "strerror", None) or str(error) or error.__class__.__name__
        where = _display(info["url"])
        raise _Unavailable(f"the Jupyter server at {where} did not answer ({detail})") from None
    finally:
        conn.close()
    try:
        return status, (json.loads(raw) if raw else None)
    except ValueError:
        return status, None


def _ask_bridge(info: dict, workspace: str | None) -> dict:
    status, payload = post_to_server(info, CONNECT_PATH, {"workspace": workspace})
    if status == 200 and isinstance(payload, dict) and isinstance(payload.get("env"), dict):
        if isinstance(payload.get("tracking_uri"), str) and payload["tracking_uri"]:
            return payload
    message = payload.get("message") if isinstance(payload, dict) else None
    reason = payload.get("reason") if isinstance(payload, dict) else None
    if status == 403 and reason != "bridge_key":
        message = "the Jupyter server refused this kernel's token"
    elif status == 404 and reason is None:
        message = (
            "the Jupyter server has no kernel bridge (is its jupyterlab-mlflow-workspace older?)"
        )
    target = f"workspace {workspace!r}" if workspace else "the default workspace"
    raise RuntimeError(
        f"Could not connect to {target}: {message or f'HTTP {status} from the Jupyter server'}"
    )


# --- fallback and MLflow --------------------------------------------------------------------


def _fallback(reason, workspace, experiment, mlflow_workspace, quiet) -> str:
    uri = os.environ.get("MLFLOW_TRACKING_URI", "").strip()
    if not uri:
        raise RuntimeError(
            f"Cannot connect to MLflow: {reason}, and MLFLOW_TRACKING_URI is not set. Open this "
            "notebook in JupyterLab with jupyterlab-mlflow-workspace, or set MLFLOW_TRACKING_URI "
            "(and MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD) "
            "in the kernel's environment."
        ) from None
    if mlflow_workspace is not None:
        os.environ["MLFLOW_WORKSPACE"] = mlflow_workspace
    _tag_notebook()
    _configure_mlflow(uri, experiment, os.environ.get("MLFLOW_WORKSPACE"))
    if not quiet:
        skipped = f"; workspace {workspace!r} not used" if workspace else ""
        print(
            f"MLflow tracking: {_display(uri)} (from MLFLOW_TRACKING_URI: {reason}{skipped})"
            f"{_experiment_note(experiment)}"
        )
    return _display(uri)


def _configure_mlflow(uri: str, experiment: str | None, mlflow_workspace: str | None) -> None:
    try:
        import mlflow
    except ImportError:
        if experiment:
            raise RuntimeError(
                "MLflow is not installed in this kernel's environment: %pip install mlflow"
            ) from None
        return
    mlflow.set_tracking_uri(uri)
    set_workspace = getattr(mlflow, "set_workspace", None)  # MLflow 3.10+
    if set_workspace is not None and (mlflow_workspace or _mlflow_workspace_set(mlflow)):
        set_workspace(mlflow_workspace or None)
    if experiment:
        with _quiet_new_experiment_notice():
            mlflow.set_experiment(experiment)


class _quiet_new_experiment_notice:
    """MLflow announces a new experiment at INFO on stderr ("Experiment … does not exist.
    Creating…"): a red box as the first output a newcomer sees. Quiet for this one call only."""

    def __enter__(self):
        import logging

        self._logger = logging.getLogger("mlflow.tracking.fluent")
        self._level = self._logger.level
        self._logger.setLevel(max(self._level, logging.WARNING))

    def __exit__(self, *exc):
        self._logger.setLevel(self._level)
        return False


def _mlflow_workspace_set(mlflow) -> bool:
    """Whether an earlier ``mlflow.set_workspace`` is still in effect (it wins over the env var)."""
    try:
        from mlflow.utils.workspace_context import get_request_workspace
    except ImportError:
        return False
    return bool(get_request_workspace())


def _tag_notebook() -> None:
    """Name this notebook on fluent runs (``mlflow.source.name``), as the run-context provider does.

    It used to be written into MLflow's ``MLFLOW_RUN_CONTEXT`` variable from ``JPY_SESSION_NAME``:
    the server's absolute path, into a shared tracking store, and the old name after a rename.
    The provider (``live/run_context.py``) now names the notebook relative to the Jupyter root at
    each run start; a value an earlier version of this cell wrote is removed so it cannot win.
    """
    raw = os.environ.get(RUN_CONTEXT_VAR)
    if not raw:
        return
    try:
        tags = json.loads(raw)
    except ValueError:
        return  # somebody else's value; leave it alone
    if not isinstance(tags, dict) or "mlflow.source.name" not in tags:
        return
    path = os.environ.get("JPY_SESSION_NAME", "").strip()
    if tags.get("mlflow.source.name") == path:
        tags.pop("mlflow.source.name")
        if tags.get("mlflow.source.type") == "NOTEBOOK":
            tags.pop("mlflow.source.type")
        if tags:
            os.environ[RUN_CONTEXT_VAR] = json.dumps(tags)
        else:
            os.environ.pop(RUN_CONTEXT_VAR, None)


def _experiment_note(experiment: str | None) -> str:
    return f", experiment {experiment!r}" if experiment else ""


def _display(uri: str) -> str:
    """The URI without user info or query: nothing secret in what is printed or returned."""
    try:
        parts = urllib.parse.urlsplit(uri)
    except ValueError:
        return "<unparseable URI>"
    if "@" not in parts.netloc and not parts.query and not parts.fragment:
        return uri  # unchanged, e.g. sqlite:///x.db, which a round trip would rewrite
    host = parts.netloc.rsplit("@", 1)[-1]
    where = f"{parts.scheme}://{host}" if parts.netloc else f"{parts.scheme}:"
    return where + parts.path + ("?…" if parts.query else "")
