"""The local web service: MLflow's own scoring server (``mlflow models serve``) under the supervisor.

validate → deploy → status → stop, for ``LocalDeployments``:

- **validate** (the pre-flight) runs ``<python> preflight.py`` with a timeout, in the interpreter
  that will serve: it imports MLflow, reads the model's MLmodel and requirements from the
  workspace the model is in, imports the flavor's loader module, looks for the flavor's library,
  the model's pip requirements and the server executable MLflow will exec, and says what is
  missing. It dies with Jupyter (PR_SET_PDEATHSIG) and is killed on timeout.
- **deploy** runs ``<python> -m mlflow models serve -m <uri> --env-manager local -h 127.0.0.1 -p
  <port> -w 1`` as the supervised process ``deploy-<id>``, with the environment of the kernel
  bridge for that workspace (tracking URI + credentials) and the interpreter's own ``bin`` first
  on PATH (MLflow execs ``uvicorn`` by name, and uvicorn takes ``UVICORN_UDS``): the server
  listens on a Unix socket in a 0700 folder, and the port is an owner gate that admits only this
  Unix user (processes/owner_gate.py). The gate binds the port before the server starts; a chosen
  port taken meanwhile is retried on another port; an explicit port in use is a 409 at once.
  Ready means ``GET /ping`` answers 200 on that socket.
- **status**: the supervisor's state (starting / ready / restarting / failed / stopped) with the
  log tail; the list is kept in ``deployments.json`` (0600) so the panel lists it again after a
  browser reload, and after a Jupyter restart as "stopped" (deployments stop with Jupyter).
- **stop** stops the process group and forgets the deployment.

The interpreter is the kernel's (passed through the kernel bridge) or Jupyter's own; never a
path from the browser (see handlers/deploy.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import secrets
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field, fields

from ..bridge import kernel_env
from ..errors import UserError
from ..local.redact import redact
from ..monitor import Limits, Monitors
from ..processes import ProcessFailed, ProcessSpec, Supervisor
from ..processes.oneshot import run_once
from ..processes.owner_gate import OwnerGate, unix_get
from ..processes.ports import free_port, port_free
from . import preflight
from .artifacts import Plan
from .checks import cause_of, check_name, check_port, check_uri, last_attempt, verdict
from .records import RecordFile, this_server
from .scoring import KeepAlive

PREFIX = "deploy-"
ENV_MANAGER = "local"
HOST = "127.0.0.1"
LOG_LINES = 200
PORT_ATTEMPTS = 3
# Variables of Jupyter's own environment that must not reach the server of another interpreter
# or another workspace: the workspace's own values (kernel_env) are added back.
_DROPPED = (
    "MLFLOW_TRACKING_URI", "MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_USERNAME",
    "MLFLOW_TRACKING_PASSWORD", "MLFLOW_WORKSPACE", "MLFLOW_REGISTRY_URI", "MLFLOW_RUN_CONTEXT",
    "PYTHONHOME", "VIRTUAL_ENV", "__PYVENV_LAUNCHER__", "JUPYTER_MLFLOW_WORKSPACE_RUNTIME",
)  # fmt: skip

# Run by path in the serving interpreter, which may not have this package (see preflight.py).
PREFLIGHT_PATH = preflight.__file__
MARK = preflight.MARK


@dataclass
class _Record:
    """One deployment; everything but the runtime fields is saved in deployments.json."""

    id: str
    name: str
    model_uri: str
    workspace_id: str
    workspace_name: str
    python: str
    python_source: str  # "kernel" (through the bridge) or "server" (Jupyter's interpreter)
    requested_port: int | None
    port: int | None = None
    created_at: float = 0.0
    ready_at: float | None = None
    phase: str = "validating"  # validating | starting | running | failed | stopped
    message: str = ""
    preflight: dict | None = None
    target: str = "local"
    env_manager: str = ENV_MANAGER
    # Where the scoring server reads the model, and whether it gets the workspace's credentials
    # (see artifacts.py): the resolved location of a model on another host, without them.
    serve_uri: str = ""
    credentials: bool = True
    # runtime only
    task: asyncio.Task | None = field(default=None, repr=False)
    stopping: bool = False

    def saved(self) -> dict:
        return {name: getattr(self, name) for name in _SAVED}


_SAVED = tuple(f.name for f in fields(_Record) if f.name not in ("task", "stopping"))


class LocalDeployments:
    """The "local" target. Drive it from the server's event loop (as the supervisor)."""

    def __init__(
        self,
        *,
        state_dir: str,
        supervisor: Supervisor,
        registry,
        resolve_workspace,
        python: str | None = None,
        preflight_timeout: float = 120.0,
        ready_timeout: float = 300.0,
        request_timeout: float = 120.0,
        artifacts=None,
        sockets_dir: str | None = None,
        monitor_limits: Limits | None = None,
        log=None,
    ):
        self.state_dir = os.path.abspath(state_dir)
        # Scoring servers listen on Unix sockets here (0700); their ports are owner gates.
        self.sockets_dir = sockets_dir or tempfile.mkdtemp(prefix="mlflow-ws-")
        self._gates: dict[str, OwnerGate] = {}
        # Every request through a gate is observed (monitor/): kept per deployment, on disk.
        self.monitors = Monitors(self.state_dir, monitor_limits, log)
        os.makedirs(self.state_dir, mode=0o700, exist_ok=True)
        self.python = python or sys.executable
        self.preflight_timeout = preflight_timeout
        self.ready_timeout = ready_timeout
        self.request_timeout = request_timeout
        self._supervisor = supervisor
        self._registry = registry
        self._resolve = resolve_workspace
        self._artifacts = artifacts  # an ArtifactResolver (None: credentials always given)
        self._log = log
        self._records: dict[str, _Record] = {}
        self._file = RecordFile(self.state_dir, this_server())
        self._closing = False
        self._scoring = KeepAlive()  # /invocations
        self._load()
        supervisor.on_change(self._on_change)

    # --- status ----------------------------------------------------------------------------

    def list(self) -> list[dict]:
        records = sorted(self._records.values(), key=lambda r: (r.created_at, r.id))
        return [self._public(r) for r in records]

    def get(self, deployment_id: str) -> dict:
        return self._public(self._record(deployment_id))

    def log_tail(self, deployment_id: str, lines: int = LOG_LINES) -> list[str]:
        record = self._record(deployment_id)
        return self._tail(record.id, lines)

    # --- validate ----------------------------------------------------------------------------

    async def validate(
        self, *, model_uri, workspace=None, tracking_uri=None, python=None, python_source="server"
    ) -> dict:
        """The pre-flight alone: what the interpreter lacks to serve the model (no process kept)."""
        model_uri = check_uri(model_uri)
        python = self._check_python(python)
        ws = await self._workspace(workspace, tracking_uri)
        plan = await self._plan(ws, model_uri)
        scratch = tempfile.mkdtemp(prefix="preflight-", dir=self.state_dir)
        try:
            env = self._env(python, ws, scratch, credentials=plan.credentials)
            result, lines = await self._preflight(python, plan.model_uri, env)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        if plan.note:
            result["warnings"] = [plan.note, *result.get("warnings", [])]
        return {**result, "python_source": python_source, "workspace": {"id": ws.id, "name": ws.name},
                "log": self._redact_lines(lines[-LOG_LINES:])}  # fmt: skip

    # --- deploy ------------------------------------------------------------------------------

    async def deploy(
        self,
        *,
        model_uri,
        workspace=None,
        tracking_uri=None,
        python=None,
        python_source="server",
        name=None,
        port=None,
        preflight=True,
        wait=True,
    ) -> dict:
        """Start a deployment; with ``wait`` return once it is ready or raise UserError."""
        if self._closing:
            raise UserError("Jupyter is shutting down", status=503, reason="shutting_down")
        model_uri = check_uri(model_uri)
        python = self._check_python(python)
        name = check_name(name, model_uri)
        port = check_port(port)
        if port is not None:
            self._check_port_free(port)
        ws = await self._workspace(workspace, tracking_uri)
        plan = await self._plan(ws, model_uri)  # a refused host ends here, before any process
        record = _Record(
            id=secrets.token_hex(4),
            name=name,
            model_uri=model_uri,
            workspace_id=ws.id,
            workspace_name=ws.name,
            python=python,
            python_source=python_source,
            requested_port=port,
            created_at=time.time(),
            phase="validating" if preflight else "starting",
            serve_uri=plan.model_uri,
            credentials=plan.credentials,
        )
        self._records[record.id] = record
        self._save()
        record.task = asyncio.create_task(
            self._run(record, ws, bool(preflight)), name=f"deploy {record.id}"
        )
        if not wait:
            return self._public(record)
        try:
            await asyncio.shield(record.task)  # a client that goes away does not cancel it
        except asyncio.CancelledError:
            if not record.task.cancelled():
                raise  # this request was cancelled, not the deployment
        public = self._public(record)
        if public["state"] != "ready":
            raise self._failure(record)
        return public

    async def _run(self, record: _Record, ws, preflight: bool) -> None:
        env = self._env(record.python, ws, self._scratch(record.id), credentials=record.credentials)
        self._write_log(record.id, [], truncate=True)
        try:
            if preflight:
                result, lines = await self._preflight(
                    record.python, record.serve_uri or record.model_uri, env
                )
                self._write_log(record.id, ["[preflight] " + line for line in lines])
                self.monitors.keep_baseline(record.id, result.pop("baseline", None), result)
                record.preflight = result
                if not result["ok"]:
                    record.phase, record.message = "failed", result["message"]
                    return
            record.phase = "starting"
            self._save()
            await self._start(record, env)
        except asyncio.CancelledError:
            if not record.stopping:
                record.phase, record.message = "stopped", "Stopped when Jupyter stopped"
            raise
        except Exception as error:  # a bug here must show as a failed deployment, not a hang
            if self._log:
                self._log.exception("Deployment %s failed", record.id)
            record.phase, record.message = "failed", f"Unexpected error: {error}"
        finally:
            self._save()

    async def _start(self, record: _Record, env: dict) -> None:
        socket_path = os.path.join(self.sockets_dir, f"{record.id}.sock")
        gate = self._gates.get(record.id) or OwnerGate(
            socket_path, what=f"local web service {record.name!r}", log=self._log,
            tap=self.monitors.tap(record.id),
        )  # fmt: skip
        self._gates[record.id] = gate
        # The gate holds the port before the server starts: nothing can take it meanwhile.
        for attempt in range(PORT_ATTEMPTS):
            port = record.requested_port or self._choose_port()
            try:
                await gate.start(port)
                break
            except OSError:
                if record.requested_port is None and attempt + 1 < PORT_ATTEMPTS:
                    self._write_log(
                        record.id, [f"Port {port} was taken by another program; trying another"]
                    )
                    continue
                record.phase = "failed"
                record.message = f"Port {port} is in use by another program."
                return
        record.port = port
        self._save()
        # MLflow execs uvicorn, which reads its options from UVICORN_* too: bind the socket only.
        env = {**env, "UVICORN_UDS": socket_path}
        spec = ProcessSpec(
            name=PREFIX + record.id,
            argv=self._argv(record, port),
            env=env,
            cwd=self.state_dir,
            log_path=self._log_path(record.id),
            ready=lambda: self._ready(socket_path),
            ready_timeout=self.ready_timeout,
            redact=self._redact,
        )
        started = time.monotonic()
        try:
            await self._supervisor.start(spec)
        except ProcessFailed as error:
            await self._close_gate(record.id)
            if record.stopping:
                return
            cause = cause_of(last_attempt(error.log_tail))
            why = error.message.replace(spec.name, "it", 1)
            record.phase = "failed"
            record.message = f"The scoring server did not start: {why}" + (
                f". {cause}" if cause else ""
            )
            return
        record.phase = "running"
        record.ready_at = time.time()
        record.message = ""
        if self._log:
            self._log.info(
                "Deployment %s (%s) ready on port %s after %.1f s",
                record.id, record.model_uri, port, time.monotonic() - started,
            )  # fmt: skip

    async def _close_gate(self, deployment_id: str) -> None:
        gate = self._gates.pop(deployment_id, None)
        if gate is not None:
            await gate.stop()

    # --- stop --------------------------------------------------------------------------------

    async def stop(self, deployment_id: str, *, forget: bool = True) -> dict:
        """Stop the scoring server (its whole process group); by default forget the deployment."""
        record = self._record(deployment_id)
        record.stopping = True
        if record.task is not None and not record.task.done():
            record.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await record.task
        await self._supervisor.stop(PREFIX + record.id)
        await self._close_gate(record.id)
        if record.port:
            self._scoring.forget(record.port)
        record.phase, record.message = "stopped", ""
        public = self._public(record)
        if forget:
            self._records.pop(record.id, None)
            for path in (self._log_path(record.id), self._log_path(record.id) + ".1"):
                with contextlib.suppress(OSError):
                    os.remove(path)
            shutil.rmtree(self._scratch(record.id), ignore_errors=True)
            self.monitors.remove(record.id)
        self._save()
        return public

    async def close(self) -> None:
        """For stop_extension(): stop everything, keep the list (as "stopped")."""
        self._closing = True
        records = list(self._records.values())
        for record in records:
            if record.phase in ("validating", "starting", "running"):
                record.message = "Stopped when Jupyter stopped"
            if record.task is not None and not record.task.done():
                record.task.cancel()
        tasks = [r.task for r in records if r.task is not None]
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        await asyncio.gather(
            *(self._supervisor.stop(PREFIX + r.id) for r in records), return_exceptions=True
        )
        for record in records:
            await self._close_gate(record.id)
        self.monitors.close()
        for record in records:
            if record.phase != "failed":
                record.phase = "stopped"
            shutil.rmtree(self._scratch(record.id), ignore_errors=True)
        self._save()
        self._scoring.close()

    # --- calling the scoring server ----------------------------------------------------------

    async def invoke(self, deployment_id: str, body: bytes, content_type: str):
        """POST ``body`` to the deployment's /invocations; return (status, content type, body).

        The target is the stored deployment's port on 127.0.0.1, never anything from the request.
        """
        record = self._record(deployment_id)
        if any(c in content_type for c in "\r\n\0"):
            raise UserError("Bad Content-Type", status=400, reason="bad_request")
        state = self._public(record)["state"]
        if state != "ready" or not record.port:
            raise UserError(
                f"The deployment {record.name!r} is not ready (state: {state})",
                status=409,
                reason="not_ready",
            )
        try:
            return await self._scoring.post(
                record.port, "/invocations", body, content_type, self.request_timeout
            )
        except asyncio.TimeoutError:
            raise UserError(
                f"The scoring server of {record.name!r} did not answer within "
                f"{self.request_timeout:g} s",
                status=504,
                reason="scoring_timeout",
            ) from None
        except (OSError, ValueError, asyncio.IncompleteReadError) as error:
            detail = getattr(error, "strerror", None) or str(error) or type(error).__name__
            raise UserError(
                f"The scoring server of {record.name!r} did not answer ({detail})",
                status=502,
                reason="scoring_unreachable",
            ) from None

    # --- internals ---------------------------------------------------------------------------

    def _record(self, deployment_id: str) -> _Record:
        record = self._records.get(deployment_id)
        if record is None:
            raise UserError(
                "There is no deployment with this id", status=404, reason="unknown_deployment"
            )
        return record

    def _public(self, record: _Record) -> dict:
        proc = self._supervisor.status(PREFIX + record.id)
        state, message = record.phase, record.message
        if record.phase == "running":
            state = proc["state"]
            message = proc["message"] or message
        elif record.phase == "starting" and proc["state"] in ("restarting", "failed"):
            state = proc["state"]
        pid = proc["pid"] if proc["state"] in ("ready", "restarting", "starting") else None
        ready = state == "ready"
        return {
            "id": record.id,
            "name": record.name,
            "target": record.target,
            "model_uri": record.model_uri,
            "workspace": {"id": record.workspace_id, "name": record.workspace_name},
            "python": record.python,
            "python_source": record.python_source,
            "env_manager": record.env_manager,
            "state": state,
            "message": message,
            "port": record.port,
            "scoring_uri": f"http://{HOST}:{record.port}/invocations" if record.port else None,
            "url": f"http://{HOST}:{record.port}" if ready else None,
            "pid": pid,
            "pgid": proc["pgid"] if pid else None,
            "restarts": proc["restarts"],
            "created_at": record.created_at,
            "ready_at": record.ready_at,
            "started_in": (record.ready_at - record.created_at) if record.ready_at else None,
            "preflight": record.preflight,
        }

    def _failure(self, record: _Record) -> UserError:
        public = self._public(record)
        if public["state"] == "stopped":
            return UserError(
                "The deployment was stopped before it was ready",
                status=409,
                reason="stopped",
                details={"deployment": public, "log": []},
            )
        preflight_failed = record.preflight is not None and not record.preflight.get("ok")
        in_use = record.message.startswith("Port ") and "in use" in record.message
        return UserError(
            public["message"] or f"The deployment ended in state {public['state']}",
            status=422 if preflight_failed else 409 if in_use else 503,
            reason="preflight_failed" if preflight_failed else
            "port_in_use" if in_use else "deploy_failed",
            details={"deployment": public, "log": self._tail(record.id, LOG_LINES)},
        )  # fmt: skip

    async def _workspace(self, workspace_id, tracking_uri):
        """The workspace the model is in: by id, else by the kernel's tracking URI, else default."""
        if workspace_id is not None:
            if not isinstance(workspace_id, str) or not workspace_id:
                raise UserError(
                    "The workspace must be an id (a string)", status=400, reason="bad_request"
                )
            return await self._resolve(workspace_id)
        workspaces = self._registry.list()
        if tracking_uri:
            if not isinstance(tracking_uri, str):
                raise UserError(
                    "The tracking URI must be a string", status=400, reason="bad_request"
                )
            wanted = tracking_uri.rstrip("/")
            for ws in workspaces:
                if wanted in {(ws.tracking_uri or "").rstrip("/"), (ws.url or "").rstrip("/")}:
                    return await self._resolve(ws.id)
            raise UserError(
                "MLflow in this kernel points at a tracking server that is not one of this "
                "Jupyter server's workspaces; pass workspace=<id>.",
                status=400,
                reason="unknown_tracking_uri",
            )
        return await self._resolve(workspaces[0].id)

    def _check_python(self, python) -> str:
        python = python or self.python
        if not isinstance(python, str) or not os.path.isabs(python):
            raise UserError(
                "The interpreter must be an absolute path", status=400, reason="bad_python"
            )
        if not (os.path.isfile(python) and os.access(python, os.X_OK)):
            raise UserError(
                f"The interpreter {python} does not exist or cannot be run",
                status=400,
                reason="bad_python",
            )
        return python

    async def _plan(self, ws, model_uri: str):
        if self._artifacts is None:
            return Plan(model_uri=model_uri, credentials=True)
        return await self._artifacts.plan(ws, model_uri)

    def _env(self, python: str, ws, scratch: str, *, credentials: bool = True) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in _DROPPED}
        # `mlflow models serve` copies the model to a temporary folder it never removes: ours,
        # removed when the deployment is forgotten.
        os.makedirs(scratch, mode=0o700, exist_ok=True)
        env["TMPDIR"] = scratch
        if python != sys.executable:
            env.pop("PYTHONPATH", None)  # Jupyter's, not that interpreter's
        bindir = os.path.dirname(python)
        env["PATH"] = os.pathsep.join(filter(None, [bindir, env.get("PATH")]))
        if os.path.isfile(os.path.join(os.path.dirname(bindir), "pyvenv.cfg")):
            env["VIRTUAL_ENV"] = os.path.dirname(bindir)
        uri = ws.tracking_uri or ws.url
        if uri:
            values = kernel_env(ws, uri)
            if not credentials:
                # MLflow would send them to every HTTP artifact host, not only to this one.
                for name in ("MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_USERNAME",
                             "MLFLOW_TRACKING_PASSWORD"):  # fmt: skip
                    values.pop(name, None)
            env.update(values)
        env.update({"MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "1",
                    "PYTHONUNBUFFERED": "1"})  # fmt: skip
        # A tracking server that does not answer must end in an error, not minutes of retries.
        env.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "2")
        env.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "30")
        return env

    def _argv(self, record: _Record, port: int) -> list[str]:
        return [
            record.python, "-m", "mlflow", "models", "serve", "-m",
            record.serve_uri or record.model_uri,
            "--env-manager", ENV_MANAGER, "-h", HOST, "-p", str(port), "-w", "1",
        ]  # fmt: skip

    async def _preflight(self, python: str, model_uri: str, env: dict) -> tuple[dict, list[str]]:
        """Run the pre-flight script; return (result, output lines). Never raises (but cancel).

        Under the launcher, like every process here: it dies with Jupyter, kill -9 included."""
        started = time.monotonic()
        returncode, output = await run_once(
            [python, PREFLIGHT_PATH, model_uri],
            env=env, cwd=self.state_dir, timeout=self.preflight_timeout, name="preflight",
        )  # fmt: skip
        if returncode is None:
            error = (
                f"The pre-flight did not finish within {self.preflight_timeout:g} s "
                "(is the tracking server reachable?)"
            )
            return verdict({"error": error}), []
        lines = output.decode("utf-8", "replace").splitlines()
        answer = None
        for index in range(len(lines) - 1, -1, -1):
            if lines[index].startswith(MARK):
                with contextlib.suppress(ValueError):
                    answer = json.loads(lines[index][len(MARK) :])
                del lines[index]
                break
        if not isinstance(answer, dict):
            cause = cause_of(lines[-40:])
            answer = {
                "error": f"The pre-flight in {python} ended without an answer (exit code "
                f"{returncode})" + (f": {cause}" if cause else "")
            }
        answer["seconds"] = round(time.monotonic() - started, 2)
        return verdict(answer), lines

    @staticmethod
    async def _ready(socket_path: str) -> bool:
        """Ready: /ping answers on the socket in our private folder (only we can bind it)."""
        return await unix_get(socket_path, "/ping") == 200

    def _choose_port(self) -> int:
        used = {r.port for r in self._records.values() if r.port and r.phase != "stopped"}
        for _ in range(20):
            port = free_port()
            if port not in used:
                return port
        return free_port()

    def _check_port_free(self, port: int) -> None:
        for record in self._records.values():
            if record.port == port and self._public(record)["state"] in (
                "validating", "starting", "ready", "restarting"
            ):  # fmt: skip
                raise UserError(
                    f"Port {port} is used by the deployment {record.name!r}",
                    status=409,
                    reason="port_in_use",
                )
        if not port_free(port):
            raise UserError(
                f"Port {port} is in use by another program; choose another port or leave it "
                "empty to pick a free one.",
                status=409,
                reason="port_in_use",
            )

    def _on_change(self, name: str, status: dict) -> None:
        if name.startswith(PREFIX) and name[len(PREFIX) :] in self._records:
            self._save()

    # --- files -------------------------------------------------------------------------------

    def _scratch(self, deployment_id: str) -> str:
        return os.path.join(self.state_dir, f"{deployment_id}.tmp")

    def _log_path(self, deployment_id: str) -> str:
        return os.path.join(self.state_dir, f"{deployment_id}.log")

    def _write_log(self, deployment_id: str, lines: list[str], truncate: bool = False) -> None:
        flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if truncate else os.O_APPEND)
        fd = os.open(self._log_path(deployment_id), flags, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as handle:
            for line in lines:
                handle.write(line + "\n")

    def _tail(self, deployment_id: str, lines: int) -> list[str]:
        lines = max(0, min(int(lines), 5000))
        try:
            with open(self._log_path(deployment_id), "rb") as handle:
                size = handle.seek(0, os.SEEK_END)
                handle.seek(max(0, size - 256 * 1024))
                data = handle.read()
        except OSError:
            return []
        text = data.decode("utf-8", "replace").splitlines()
        return self._redact_lines(text[-lines:] if lines else [])

    def _redact(self, line: str) -> str:
        try:
            known = self._registry.secrets()
        except Exception:  # noqa: BLE001
            known = []
        return redact(line, known)

    def _redact_lines(self, lines: list[str]) -> list[str]:
        try:
            known = self._registry.secrets()
        except Exception:  # noqa: BLE001
            known = []
        return [redact(line, known) for line in lines]

    def _save(self) -> None:
        try:
            self._file.save([r.saved() for r in self._records.values()])
        except OSError as error:
            if self._log:
                self._log.warning("Could not save the deployments list: %s", error)

    def _load(self) -> None:
        try:
            items = self._file.load()
        except OSError:
            return
        names = set(_SAVED)
        for item in items:
            try:
                record = _Record(**{k: v for k, v in item.items() if k in names})
            except TypeError:
                continue
            if not re.fullmatch(r"[0-9a-f]{8}", str(record.id)):
                continue
            if record.phase in ("validating", "starting", "running"):
                record.message = "Stopped when Jupyter stopped"
            if record.phase != "failed":
                record.phase = "stopped"
            self._records[record.id] = record  # its scratch folder goes when it is forgotten
