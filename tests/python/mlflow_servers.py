"""Real MLflow tracking servers for the proxy and compatibility tests (a pytest plugin).

Load it with ``pytest_plugins = ("mlflow_servers",)`` (or ``pytest -p mlflow_servers`` with this
folder on ``sys.path``). Session-scoped fixtures, each a fresh server on 127.0.0.1 and a free port,
SQLite backend (PostgreSQL for one), proxied artifacts in a folder, one worker:

``mlflow_server``
    MLflow 3.x (the one installed next to pytest), plain.
``mlflow_basic_auth_server``
    The same with ``--app-name basic-auth``: ``.admin`` (admin credentials), ``.user`` (a user with
    no permission on ``.protected_experiment_id`` / ``.protected_run_id``; default permission READ
    everywhere else), ``.auth`` = ``.admin`` for the helper methods.
``mlflow_workspaces_server``
    The same with ``--enable-workspaces``: ``.workspace`` (a created workspace) and
    ``.workspace_experiment_id`` (an experiment that exists only in it). Requests carry the
    workspace in the ``X-MLFLOW-WORKSPACE`` header (``WORKSPACE_HEADER``).
``mlflow2_server``
    MLflow 2.x from its own virtualenv (``MLFLOW2_VENV``), installed with uv on first use.
``mlflow_postgres_server``
    MLflow 3.x on its own throwaway PostgreSQL cluster (the newest ``/usr/lib/postgresql/*/bin``):
    ``.database`` (``Database``: ``uri`` with the password, ``role``, ``password``, ``version``,
    ``log_path``). The URI reaches MLflow as ``MLFLOW_BACKEND_STORE_URI``, never on a command line.

Every server object has ``.url`` (``http://127.0.0.1:<port>``), ``.version`` (from ``GET
/version``), ``.data_dir``, ``.log_path`` and the REST helpers ``request``, ``create_experiment``,
``create_run`` and ``seed``. Processes run in their own process group, log to a file and are
stopped with SIGTERM (PostgreSQL: SIGINT, its fast shutdown), then SIGKILL after 5 s; a small
watchdog does the same to the group if pytest itself dies. All servers that the collected tests
use are launched right after collection, in the order of first use, two booting at a time
(``MLFLOW_SERVERS_PARALLEL``), so their start-up (10-25 s each) overlaps with other tests;
``MLFLOW_SERVERS_PRESTART=0`` starts each only when first needed. ``MLFLOW_SERVERS_KEEP=1`` keeps
the data folders (logs) after the session.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import dataclasses
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from postgres_cluster import Database, Postgres
from process_groups import ServerStartError, spawn_group, stop_group
from venvs import ensure_venv

__all__ = [
    "MLFLOW2_REQUIREMENTS",
    "MLFLOW2_VENV",
    "WORKSPACE_HEADER",
    "Credentials",
    "Database",
    "HttpResult",
    "MlflowServer",
    "ensure_mlflow2_venv",
    "free_port",
    "http_request",
]

ROOT = Path(__file__).resolve().parents[2]
MLFLOW2_VENV = Path(os.environ.get("MLFLOW2_VENV") or ROOT / ".build" / "venv-mlflow2")
# 2.22.5 is the last 2.x; SQLAlchemy 2.1 removed a pool class that MLflow 2.x imports.
MLFLOW2_REQUIREMENTS = ("mlflow==2.22.5", "sqlalchemy<2.1")
WORKSPACE_HEADER = "X-MLFLOW-WORKSPACE"
START_DEADLINE = 90.0  # per server, from the moment it gets a start slot
# Servers booting at once (each boot is ~10 CPU-seconds of imports; this machine has 2 cores).
START_PARALLEL = max(1, int(os.environ.get("MLFLOW_SERVERS_PARALLEL") or 2))
ENV_STRIP_PREFIXES = ("MLFLOW_", "_MLFLOW_")
ENV_STRIP = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")

# --------------------------------------------------------------------------------------------
# Small helpers


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclasses.dataclass(frozen=True)
class Credentials:
    username: str
    password: str

    def basic(self) -> str:
        """The value of an ``Authorization`` header for these credentials."""
        raw = f"{self.username}:{self.password}".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")


@dataclasses.dataclass
class HttpResult:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body)


# No proxies from the environment: these servers are on loopback.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http_request(
    method: str,
    url: str,
    *,
    json_body: Any = None,
    params: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    auth: Credentials | None = None,
    timeout: float = 60.0,
) -> HttpResult:
    """One HTTP request; any status comes back as an ``HttpResult`` (no exception for 4xx/5xx)."""
    if params:
        url += "?" + urllib.parse.urlencode(params, doseq=True)
    data = None
    all_headers = dict(headers or {})
    if json_body is not None:
        data = json.dumps(json_body).encode()
        all_headers.setdefault("Content-Type", "application/json")
    if auth is not None:
        all_headers["Authorization"] = auth.basic()
    req = urllib.request.Request(url, data=data, headers=all_headers, method=method)  # noqa: S310
    try:
        with _OPENER.open(req, timeout=timeout) as resp:
            return HttpResult(resp.status, _lower(resp.headers), resp.read())
    except urllib.error.HTTPError as err:
        with err:
            return HttpResult(err.code, _lower(err.headers), err.read())


def _lower(headers: Any) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


# --------------------------------------------------------------------------------------------
# The server object


@dataclasses.dataclass
class MlflowServer:
    kind: str
    url: str
    version: str
    data_dir: Path
    log_path: Path
    python: str
    started_in: float | None = None  # seconds from spawning to /health answering
    admin: Credentials | None = None
    user: Credentials | None = None
    protected_experiment_id: str | None = None
    protected_run_id: str | None = None
    workspace: str | None = None
    workspace_experiment_id: str | None = None
    database: Database | None = None  # PostgreSQL; None means SQLite in data_dir
    auth: Credentials | None = None  # used by the helpers below unless given per call

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: Credentials | None | bool = True,
        workspace: str | None = None,
        timeout: float = 60.0,
    ) -> HttpResult:
        """``path`` is below the server root, e.g. ``/api/2.0/mlflow/experiments/search``.

        ``auth=True`` uses ``self.auth``; ``False``/``None`` sends no credentials.
        """
        creds = self.auth if auth is True else (auth or None)
        hdrs = dict(headers or {})
        if workspace is not None:
            hdrs[WORKSPACE_HEADER] = workspace
        return http_request(
            method,
            self.url + path,
            json_body=json_body,
            params=params,
            headers=hdrs,
            auth=creds,
            timeout=timeout,
        )

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """Like ``request`` but expects 200 and returns the JSON body."""
        res = self.request(method, path, **kwargs)
        if res.status != 200:
            raise AssertionError(f"{method} {path} -> {res.status}: {res.text[:500]}")
        return res.json()

    def create_experiment(self, name: str, **kwargs: Any) -> str:
        body = self.call(
            "POST", "/api/2.0/mlflow/experiments/create", json_body={"name": name}, **kwargs
        )
        return body["experiment_id"]

    def create_run(
        self,
        experiment_id: str,
        *,
        run_name: str | None = None,
        params: Mapping[str, str] | None = None,
        metrics: Mapping[str, list[float]] | None = None,
        tags: Mapping[str, str] | None = None,
        finish: bool = True,
        **kwargs: Any,
    ) -> str:
        """A run with params, tags and metric series (one value per step 0, 1, ...)."""
        now = int(time.time() * 1000)
        body: dict[str, Any] = {"experiment_id": experiment_id, "start_time": now}
        if run_name:
            body["run_name"] = run_name
        run = self.call("POST", "/api/2.0/mlflow/runs/create", json_body=body, **kwargs)["run"]
        run_id = run["info"]["run_id"]
        batch: dict[str, Any] = {"run_id": run_id}
        if params:
            batch["params"] = [{"key": k, "value": str(v)} for k, v in params.items()]
        if tags:
            batch["tags"] = [{"key": k, "value": str(v)} for k, v in tags.items()]
        if metrics:
            batch["metrics"] = [
                {"key": k, "value": v, "timestamp": now + step, "step": step}
                for k, values in metrics.items()
                for step, v in enumerate(values)
            ]
        if len(batch) > 1:
            self.call("POST", "/api/2.0/mlflow/runs/log-batch", json_body=batch, **kwargs)
        if finish:
            self.call(
                "POST",
                "/api/2.0/mlflow/runs/update",
                json_body={"run_id": run_id, "status": "FINISHED", "end_time": now + 1000},
                **kwargs,
            )
        return run_id

    def seed(self, name: str | None = None, **kwargs: Any) -> tuple[str, str]:
        """A new experiment with one finished run (params, a tag, two metric series)."""
        exp_id = self.create_experiment(name or f"seed-{secrets.token_hex(4)}", **kwargs)
        run_id = self.create_run(
            exp_id,
            run_name="seed-run",
            params={"alpha": "0.5", "model": "ridge"},
            metrics={"loss": [1.0, 0.5, 0.25], "accuracy": [0.5, 0.75, 0.9]},
            tags={"source": "mlflow_servers"},
            **kwargs,
        )
        return exp_id, run_id


# --------------------------------------------------------------------------------------------
# MLflow 2.x virtualenv


def ensure_mlflow2_venv(venv: Path = MLFLOW2_VENV) -> str:
    """Install MLflow 2.x into ``venv`` unless already done; returns its python. Idempotent."""
    return ensure_venv(venv, MLFLOW2_REQUIREMENTS, timeout=900)


# --------------------------------------------------------------------------------------------
# Launching


class ServerSkip(Exception):
    pass


@dataclasses.dataclass
class _Spec:
    kind: str
    python: Callable[[], str]
    extra_args: list[str] = dataclasses.field(default_factory=list)
    extra_env: Callable[[Path], dict[str, str]] = lambda _d: {}
    version_auth: Callable[[Path], Credentials | None] = lambda _d: None
    backend: Callable[[], Postgres] | None = None  # a database to start first; else SQLite


class _Process:
    """One server process group; the log file lives in ``data_dir``."""

    def __init__(self, spec: _Spec, data_dir: Path) -> None:
        self.spec = spec
        self.data_dir = data_dir
        self.log_path = data_dir / "server.log"
        self.popen: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.python = ""

    def start(self, python: str, backend_uri: str | None = None) -> None:
        self.python = python
        self.port = free_port()
        artifacts = self.data_dir / "artifacts"
        artifacts.mkdir(parents=True, exist_ok=True)
        # A database URI holds a password: it goes through the environment, never the command
        # line (which the log below and `ps` show).
        backend = (
            []
            if backend_uri
            else ["--backend-store-uri", f"sqlite:///{self.data_dir / 'mlflow.db'}"]
        )
        cmd = [
            self.python,
            "-m",
            "mlflow",
            "server",
            *backend,
            "--artifacts-destination",
            str(artifacts),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            "1",
            *self.spec.extra_args,
        ]
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(ENV_STRIP_PREFIXES) and k not in ENV_STRIP
        }
        env.update(
            MLFLOW_DISABLE_TELEMETRY="true",
            DO_NOT_TRACK="1",
            PATH=str(Path(self.python).parent) + os.pathsep + env.get("PATH", ""),
            PYTHONUNBUFFERED="1",
        )
        env.update(self.spec.extra_env(self.data_dir))
        if backend_uri:
            env["MLFLOW_BACKEND_STORE_URI"] = backend_uri
        self.popen = spawn_group(cmd, log_path=self.log_path, cwd=self.data_dir, env=env)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def wait_ready(self, deadline: float) -> None:
        assert self.popen is not None
        while True:
            code = self.popen.poll()
            if code is not None:
                raise ServerStartError(f"{self.spec.kind}: server exited with {code}")
            try:
                res = http_request("GET", self.url + "/health", timeout=5)
                # Ours, not another process that took the port: uvicorn says "running on
                # <url>", gunicorn "Listening at: <url>".
                if res.status == 200 and self.url in self.log_tail(400):
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise ServerStartError(
                    f"{self.spec.kind}: no answer on {self.url}/health within {START_DEADLINE:.0f} s"
                )
            time.sleep(0.2)

    def stop(self) -> None:
        popen, self.popen = self.popen, None
        if popen is not None:
            stop_group(popen)


class _Launch:
    """Start (in a thread, so several servers boot at once), then wait and set up on demand."""

    def __init__(self, spec: _Spec, base_dir: Path) -> None:
        self.spec = spec
        self.data_dir = Path(tempfile.mkdtemp(prefix=f"{spec.kind}-", dir=base_dir))
        self.proc: _Process | None = None
        self.backend: Postgres | None = None
        self.error: BaseException | None = None
        self.started = time.monotonic()
        self.ready_after: float | None = None
        self.thread = threading.Thread(target=self._start, name=f"start-{spec.kind}", daemon=True)
        self.thread.start()

    def _start(self) -> None:
        try:
            python = self.spec.python()  # may install the 2.x virtualenv first
            backend_uri = None
            if self.spec.backend is not None:  # a few seconds, outside the slots
                self.backend = self.spec.backend()
                backend_uri = self.backend.start()
            with _START_SLOTS:
                begun = time.monotonic()
                # A port taken between free_port() and the bind is retried on a new port.
                for attempt in range(3):
                    self.proc = _Process(self.spec, self.data_dir)
                    self.proc.start(python, backend_uri)
                    try:
                        self.proc.wait_ready(begun + START_DEADLINE)
                        self.ready_after = time.monotonic() - begun
                        return
                    except ServerStartError:
                        tail = self.proc.log_tail()
                        if "address already in use" in tail.lower() and attempt < 2:
                            self.proc.stop()
                            continue
                        raise
        except BaseException as err:  # reported by result()
            self.error = err

    def result(self) -> _Process:
        self.thread.join()  # bounded: install timeout + START_DEADLINE
        if self.error is not None:
            tail = self.proc.log_tail() if self.proc else ""
            lowered = tail.lower()
            if any(f"no such option{sep}--enable-workspaces" in lowered for sep in (" '", ": ")):
                raise ServerSkip(
                    f"mlflow server ({self.proc.python if self.proc else '?'}) has no "
                    "--enable-workspaces option (workspaces need MLflow >= 3.10)"
                )
            raise ServerStartError(f"{self.error}\n--- {self.spec.kind} log tail ---\n{tail}")
        assert self.proc is not None
        return self.proc

    def stop(self) -> None:
        self.thread.join()
        if self.proc is not None:
            self.proc.stop()
        if self.backend is not None:  # after MLflow, its client
            self.backend.stop()


class _Registry:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.launches: dict[str, _Launch] = {}
        self.stopping: list[threading.Thread] = []
        self.base_dir: Path | None = None

    def launch(self, spec: _Spec) -> _Launch:
        with self.lock:
            if spec.kind not in self.launches:
                if self.base_dir is None:
                    self.base_dir = Path(tempfile.mkdtemp(prefix="pytest-mlflow-servers-"))
                self.launches[spec.kind] = _Launch(spec, self.base_dir)
            return self.launches[spec.kind]

    def stop(self, kind: str) -> None:
        """Stop in the background, so that servers torn down one after another stop together."""
        with self.lock:
            launch = self.launches.pop(kind, None)
            if launch is None:
                return
            thread = threading.Thread(target=launch.stop, name=f"stop-{kind}", daemon=True)
            self.stopping.append(thread)
        thread.start()

    def stop_all(self) -> None:
        for kind in list(self.launches):
            self.stop(kind)
        while self.stopping:
            self.stopping.pop().join()
        base, self.base_dir = self.base_dir, None
        if base is not None and not os.environ.get("MLFLOW_SERVERS_KEEP"):
            shutil.rmtree(base, ignore_errors=True)


_REGISTRY = _Registry()
_START_SLOTS = threading.BoundedSemaphore(START_PARALLEL)
atexit.register(_REGISTRY.stop_all)


# --------------------------------------------------------------------------------------------
# The five kinds


def _test_python() -> str:
    return sys.executable


def _mlflow3_env(_data_dir: Path) -> dict[str, str]:
    # No job runner process (GenAI scorers etc.): one MLflow import less per server.
    return {"MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}


def _auth_env(data_dir: Path) -> dict[str, str]:
    admin = _admin_credentials(data_dir)
    ini = data_dir / "basic_auth.ini"
    if not ini.exists():
        ini.write_text(
            "[mlflow]\n"
            "default_permission = READ\n"
            f"database_uri = sqlite:///{data_dir / 'basic_auth.db'}\n"
            f"admin_username = {admin.username}\n"
            f"admin_password = {admin.password}\n"
            "authorization_function = mlflow.server.auth:authenticate_request_basic_auth\n"
            # Checking a password costs ~1 s of PBKDF2; cache good ones (one worker, so an
            # update-password through the API still takes effect at once).
            "auth_cache_ttl_seconds = 600\n"
        )
    return {
        **_mlflow3_env(data_dir),
        "MLFLOW_AUTH_CONFIG_PATH": str(ini),
        "MLFLOW_FLASK_SERVER_SECRET_KEY": secrets.token_hex(16),
    }


def _admin_credentials(data_dir: Path) -> Credentials:
    # Kept in the data folder so a retried start (busy port) reuses the same password.
    path = data_dir / "admin-password"
    if not path.exists():
        path.write_text(secrets.token_hex(12))
    return Credentials("admin", path.read_text())


SPECS: dict[str, _Spec] = {
    "mlflow_server": _Spec("mlflow3", _test_python, [], _mlflow3_env),
    "mlflow_basic_auth_server": _Spec(
        "mlflow3-basic-auth",
        _test_python,
        ["--app-name", "basic-auth"],
        _auth_env,
        _admin_credentials,
    ),
    "mlflow_workspaces_server": _Spec(
        "mlflow3-workspaces", _test_python, ["--enable-workspaces"], _mlflow3_env
    ),
    "mlflow2_server": _Spec("mlflow2", lambda: ensure_mlflow2_venv()),
    "mlflow_postgres_server": _Spec(
        "mlflow3-postgres", _test_python, [], _mlflow3_env, backend=Postgres
    ),
}


@contextlib.contextmanager
def _server(fixture: str) -> Iterator[MlflowServer]:
    spec = SPECS[fixture]
    launch = _REGISTRY.launch(spec)
    try:
        try:
            proc = launch.result()
        except ServerSkip as skip:
            pytest.skip(str(skip))
        auth = spec.version_auth(proc.data_dir)
        res = http_request("GET", proc.url + "/version", auth=auth)
        if res.status != 200:
            raise ServerStartError(f"{spec.kind}: GET /version -> {res.status} {res.text[:200]}")
        yield MlflowServer(
            kind=spec.kind,
            url=proc.url,
            version=res.text.strip(),
            data_dir=proc.data_dir,
            log_path=proc.log_path,
            python=proc.python,
            started_in=launch.ready_after,
            database=launch.backend.database if launch.backend else None,
            admin=auth,
            auth=auth,
        )
    finally:
        _REGISTRY.stop(spec.kind)


@pytest.fixture(scope="session")
def mlflow_server() -> Iterator[MlflowServer]:
    """MLflow 3.x, plain."""
    with _server("mlflow_server") as server:
        yield server


@pytest.fixture(scope="session")
def mlflow_basic_auth_server() -> Iterator[MlflowServer]:
    """MLflow 3.x with the basic-auth app, an admin, a user and an experiment it may not read."""
    with _server("mlflow_basic_auth_server") as server:
        _setup_basic_auth(server)
        yield server


def _setup_basic_auth(server: MlflowServer) -> None:
    assert server.admin is not None
    user = Credentials("noperm", secrets.token_hex(12))
    server.call(
        "POST",
        "/api/2.0/mlflow/users/create",
        json_body={"username": user.username, "password": user.password},
    )
    exp_id, run_id = server.seed("protected")
    # MLflow 3.17 grants per user and resource, with DENY for "no access"; older servers have
    # experiment permissions with NO_PERMISSIONS.
    res = server.request(
        "POST",
        "/api/3.0/mlflow/users/permissions/grant",
        json_body={
            "username": user.username,
            "resource_type": "experiment",
            "resource_id": exp_id,
            "permission": "DENY",
        },
    )
    if res.status == 404:
        res = server.request(
            "POST",
            "/api/2.0/mlflow/experiments/permissions/create",
            json_body={
                "experiment_id": exp_id,
                "username": user.username,
                "permission": "NO_PERMISSIONS",
            },
        )
    if res.status != 200:
        raise ServerStartError(f"granting no permission failed: {res.status} {res.text[:300]}")
    server.user = user
    server.protected_experiment_id = exp_id
    server.protected_run_id = run_id


@pytest.fixture(scope="session")
def mlflow_workspaces_server() -> Iterator[MlflowServer]:
    """MLflow 3.x with ``--enable-workspaces``, a workspace and an experiment inside it."""
    with _server("mlflow_workspaces_server") as server:
        name = "team-a"
        res = server.request(
            "POST",
            "/api/3.0/mlflow/workspaces",
            json_body={"name": name, "description": "created by mlflow_servers"},
        )
        if res.status not in (200, 201):
            raise ServerStartError(f"creating workspace failed: {res.status} {res.text[:300]}")
        server.workspace = name
        server.workspace_experiment_id = server.create_experiment("in-team-a", workspace=name)
        yield server


@pytest.fixture(scope="session")
def mlflow_postgres_server() -> Iterator[MlflowServer]:
    """MLflow 3.x on its own throwaway PostgreSQL cluster (``.database``)."""
    with _server("mlflow_postgres_server") as server:
        yield server


@pytest.fixture(scope="session")
def mlflow2_server() -> Iterator[MlflowServer]:
    """MLflow 2.x from its own virtualenv, installed with uv if missing."""
    with _server("mlflow2_server") as server:
        yield server


# --------------------------------------------------------------------------------------------
# pytest hooks: launch what the collected tests need, all at once; clean up at the end.


def pytest_collection_finish(session: pytest.Session) -> None:
    if os.environ.get("MLFLOW_SERVERS_PRESTART", "1") == "0" or session.config.option.collectonly:
        return
    wanted: dict[str, None] = {}  # in order of first use
    for item in session.items:
        wanted.update((name, None) for name in getattr(item, "fixturenames", ()) if name in SPECS)
    for name in wanted:
        _REGISTRY.launch(SPECS[name])


def pytest_unconfigure(config: pytest.Config) -> None:
    _REGISTRY.stop_all()
