"""The local MLflow tracking server: started on first use, under the supervisor.

Data (SQLite store + artifact folder) lives in ``local_dir``, outside the user's project. MLflow
listens on a Unix socket in a private folder; notebooks reach it at 127.0.0.1:<port> through the
owner gate (processes/owner_gate.py), which admits only this Unix user. The port is persisted in
``local_dir``, so tracking URIs written into notebooks stay valid across restarts.
"""

import asyncio
import contextlib
import datetime
import importlib.util
import json
import os
import shutil
import sys
import time
from importlib import metadata

from ..errors import UserError
from ..processes import ProcessFailed, ProcessSpec, Supervisor
from ..processes.oneshot import run_once
from ..processes.owner_gate import OwnerGate, unix_get
from ..processes.ports import port_free
from .folder_lock import FolderInUse, FolderLock
from .privacy import private_problems
from .redact import redact

PROCESS_NAME = "local-mlflow"
# How long a request waits for a server the supervisor is restarting after a crash.
RESTART_WAIT = 60.0
UPGRADE_TIMEOUT = 900.0
_OUTDATED_SCHEMA = "out-of-date database schema"


class LocalMlflowServer:
    def __init__(
        self,
        *,
        local_dir: str,
        supervisor: Supervisor,
        sockets_dir: str,
        python: str | None = None,
        log=None,
    ):
        self.local_dir = os.path.abspath(local_dir)
        self.socket_path = os.path.join(sockets_dir, "mlflow.sock")
        self._gate = OwnerGate(self.socket_path, what="local MLflow server", log=log)
        self.python = python or sys.executable
        self._supervisor = supervisor
        self._log = log
        self._lock = FolderLock(self.local_dir)
        self._starting = asyncio.Lock()
        self._port: int | None = None
        self._message = ""
        self._blocked = False  # the folder is locked by another Jupyter server

    # --- what the UI shows -------------------------------------------------------------------

    @property
    def port(self) -> int | None:
        return self._port or self._saved_port()

    @property
    def url(self) -> str | None:
        """The tracking URL while the server is ready, else None."""
        ready = self._supervisor.status(PROCESS_NAME)["state"] == "ready"
        if ready and self._port and self._gate.port == self._port:
            return f"http://127.0.0.1:{self._port}"
        return None

    @property
    def tracking_uri(self) -> str:
        port = self.port
        return f"http://127.0.0.1:{port}" if port else ""

    def status(self) -> dict:
        proc = self._supervisor.status(PROCESS_NAME)
        state = "failed" if self._blocked else _ui_state(proc["state"])
        tail = self.logs(60) if state == "failed" else []
        return {
            "state": state,
            "url": self.url,
            "tracking_uri": self.tracking_uri,
            "local_dir": self.local_dir,
            "port": self.port,
            "pid": proc.get("pid"),
            "restarts": proc.get("restarts", 0),
            "message": self._message or proc.get("message") or self._privacy(),
            "mlflow_version": _mlflow_version(),
            "needs_upgrade": any(_OUTDATED_SCHEMA in line for line in tail),
        }

    def logs(self, lines: int = 200) -> list[str]:
        return self._supervisor.log_tail(PROCESS_NAME, lines)

    # --- actions -------------------------------------------------------------------------------

    async def ensure_started(self) -> str:
        """Start the server if needed and return its URL; raise UserError with the reason.

        While the supervisor restarts a crashed server, wait for it (or answer "restarting"):
        starting another one then would see the saved port busy — held by the restarting
        server itself — and move away from the address notebooks already use.
        """
        if self.url and self._alive():
            return self.url
        if not self._starting.locked():
            await self._wait_while_restarting()
            if self.url:
                return self.url
        async with self._starting:
            if self.url:
                return self.url
            return await self._start()

    def _alive(self) -> bool:
        """Whether the supervised server process still runs (it may have just crashed, before
        the supervisor noticed)."""
        pid = self._supervisor.status(PROCESS_NAME)["pid"]
        try:
            with open(f"/proc/{pid}/stat") as handle:
                return handle.read().split(") ", 1)[1][0] not in ("Z", "X")
        except (OSError, IndexError, TypeError):
            return pid is None

    async def _wait_while_restarting(self) -> None:
        deadline = time.monotonic() + RESTART_WAIT
        # A crash the supervisor has not seen yet: give it a moment to take it up.
        noticed = time.monotonic() + 5.0
        while self.url and not self._alive() and time.monotonic() < noticed:
            await asyncio.sleep(0.05)
        while self._supervisor.status(PROCESS_NAME)["state"] in ("starting", "restarting"):
            if time.monotonic() > deadline:
                raise UserError(
                    "The local MLflow server is restarting after it stopped unexpectedly; "
                    "try again in a moment (its log is in the panel).",
                    status=503,
                    reason="restarting",
                )
            await asyncio.sleep(0.2)

    async def stop(self) -> None:
        async with self._starting:
            await self._supervisor.stop(PROCESS_NAME)
            await self._gate.stop()
            self._lock.release()
            self._message = ""

    async def restart(self) -> str:
        await self.stop()
        return await self.ensure_started()

    async def upgrade(self) -> dict:
        """Back up the SQLite store, then run ``mlflow db upgrade`` on it (the server is stopped)."""
        await self.stop()
        database = os.path.join(self.local_dir, "mlflow.db")
        backup = None
        if os.path.exists(database):
            stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
            backup = f"{database}.backup-{stamp}"
            shutil.copy2(database, backup)
        # Under the launcher, like every process here: it dies with Jupyter, kill -9 included.
        returncode, output = await run_once(
            [self.python, "-m", "mlflow", "db", "upgrade", f"sqlite:///{database}"],
            env=_child_env(), cwd=self.local_dir, timeout=UPGRADE_TIMEOUT, name="db-upgrade",
        )  # fmt: skip
        if returncode != 0:
            text = redact(output.decode("utf-8", "replace"))[-2000:]
            if returncode is None:
                text = f"it did not finish within {UPGRADE_TIMEOUT:g} s"
            raise UserError(
                f"mlflow db upgrade failed:\n{text}", status=500, reason="upgrade_failed"
            )
        return {"backup": backup}

    async def close(self) -> None:
        await self._supervisor.stop(PROCESS_NAME)
        await self._gate.stop()
        self._lock.release()

    # --- internals ------------------------------------------------------------------------------

    async def _start(self) -> str:
        self._message = ""
        if importlib.util.find_spec("mlflow") is None and self.python == sys.executable:
            self._message = (
                "MLflow is not installed in the environment that runs Jupyter. "
                "Run: pip install mlflow  (then restart Jupyter)"
            )
            raise UserError(self._message, status=503, reason="mlflow_missing")
        os.makedirs(self.local_dir, mode=0o700, exist_ok=True)
        os.makedirs(os.path.join(self.local_dir, "artifacts"), mode=0o700, exist_ok=True)
        try:
            self._lock.acquire()
            self._blocked = False
        except FolderInUse as error:
            self._blocked = True
            self._message = str(error)
            raise UserError(self._message, status=409, reason="folder_in_use") from None
        port = await self._open_gate()
        env = _child_env()
        # uvicorn (MLflow 3's server) reads its options from UVICORN_* too: bind the socket only.
        env["UVICORN_UDS"] = self.socket_path
        spec = ProcessSpec(
            name=PROCESS_NAME,
            argv=self._argv(port),
            env=env,
            cwd=self.local_dir,
            log_path=os.path.join(self.local_dir, "server.log"),
            ready=self._ready,
            ready_timeout=120.0,
            redact=redact,
        )
        try:
            await self._supervisor.start(spec)
        except ProcessFailed as error:
            await self._gate.stop()
            self._lock.release()
            self._message = error.message
            raise UserError(
                f"The local MLflow server did not start: {error.message}",
                status=503,
                reason="local_failed",
            ) from None
        self._port = port
        # Persisted only now that our process proved it listens there: notebooks keep this URI.
        self._save_port(port)
        return f"http://127.0.0.1:{port}"

    def _argv(self, port: int) -> list[str]:
        database = os.path.join(self.local_dir, "mlflow.db")
        host = "127.0.0.1"
        if _uses_gunicorn(self.python):
            # MLflow 2's server runs gunicorn, which binds "unix:<path>" hosts: the socket file
            # is then "<path>:<port>", so the socket path is given without the port.
            base = os.path.join(os.path.dirname(self.socket_path), "mlflow")
            host = "unix:" + base
            self.socket_path = self._gate.socket_path = f"{base}:{port}"
        return [
            self.python, "-m", "mlflow", "server",
            "--host", host, "--port", str(port), "--workers", "1",
            "--backend-store-uri", f"sqlite:///{database}",
            "--artifacts-destination", os.path.join(self.local_dir, "artifacts"),
        ]  # fmt: skip

    async def _ready(self) -> bool:
        """Ready: /health answers on the socket in our private folder (only we can bind it)."""
        return await unix_get(self.socket_path, "/health") == 200

    async def _open_gate(self) -> int:
        """Listen on the saved port (another if it is taken) before MLflow starts: the port
        is held from now on, so nothing can take it while MLflow boots."""
        saved = self._saved_port()
        if saved and port_free(saved):
            with contextlib.suppress(OSError):
                return await self._gate.start(saved)
        port = await self._gate.start(0)
        if saved and self._log:
            self._log.warning("local MLflow port %s is taken; moving to %s", saved, port)
        if saved:
            self._message = (
                f"Port {saved} was taken by another program; the server moved to {port}."
            )
        return port

    def _privacy(self) -> str:
        problems = private_problems([self.local_dir])
        return problems[0] if problems else ""

    def _save_port(self, port: int) -> None:
        if port == self._saved_port():
            return
        path = os.path.join(self.local_dir, "port.json")
        with open(path + ".tmp", "w") as handle:
            json.dump({"port": port}, handle)
        os.replace(path + ".tmp", path)

    def _saved_port(self) -> int | None:
        try:
            with open(os.path.join(self.local_dir, "port.json")) as handle:
                return int(json.load(handle)["port"])
        except (OSError, ValueError, KeyError, TypeError):
            return None


def _ui_state(state: str) -> str:
    return {"restarting": "starting"}.get(state, state)


def _child_env() -> dict:
    env = dict(os.environ)
    env.update({"MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "1", "PYTHONUNBUFFERED": "1"})
    # MLflow 3's background job runner is for GenAI jobs the panel never starts: one process less.
    env.setdefault("MLFLOW_SERVER_ENABLE_JOB_EXECUTION", "false")
    return env


def _mlflow_version() -> str | None:
    try:
        return metadata.version("mlflow")
    except metadata.PackageNotFoundError:
        return None


def _uses_gunicorn(python: str) -> bool:
    """MLflow before 3 serves with gunicorn (3.x: uvicorn); only Jupyter's own MLflow is known."""
    version = _mlflow_version() if python == sys.executable else None
    return bool(version) and version.split(".")[0].isdigit() and int(version.split(".")[0]) < 3
