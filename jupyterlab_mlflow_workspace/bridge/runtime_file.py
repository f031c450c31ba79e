"""The kernel bridge's runtime file: how kernels started by this Jupyter server find it.

At start the server part writes ``<runtime dir>/jupyter_mlflow_workspace-<pid>.json`` (mode 0600,
written atomically) holding the server's URL (with its base URL), its token, a random bridge key
and the package version, and puts only the file's *path* into ``JUPYTER_MLFLOW_WORKSPACE_RUNTIME``
in its own environment, which kernels it starts later inherit. The browser never sees the key, so
the one route that hands credentials to a kernel can demand it.

Standard library only: the kernel side imports the constants below.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import tempfile
import urllib.parse

ENV_VAR = "JUPYTER_MLFLOW_WORKSPACE_RUNTIME"
KEY_HEADER = "X-MLflow-Workspace-Bridge-Key"
# Below the server URL (which ends with the base URL and "/").
CONNECT_PATH = "mlflow-workspace/api/bridge/connect"
FILE_PREFIX = "jupyter_mlflow_workspace-"

# Addresses a server listens on that are not themselves connectable, and what a kernel on the
# same machine connects to instead.
_LOOPBACK_V4 = {"", "localhost", "0.0.0.0", "*"}  # noqa: S104 - compared against, not bound
_LOOPBACK_V6 = {"::", "[::]"}


def server_url(serverapp) -> str:
    """The URL a kernel on this machine uses to reach the server, base URL included."""
    base_url = serverapp.base_url or "/"
    if not base_url.endswith("/"):
        base_url += "/"
    sock = getattr(serverapp, "sock", "")
    if sock:
        return f"http+unix://{urllib.parse.quote(sock, safe='')}{base_url}"
    ip = serverapp.ip or ""
    if ip in _LOOPBACK_V4:
        host = "127.0.0.1"
    elif ip in _LOOPBACK_V6:
        host = "[::1]"
    else:
        host = f"[{ip}]" if ":" in ip and not ip.startswith("[") else ip
    scheme = "https" if getattr(serverapp, "certfile", "") else "http"
    return f"{scheme}://{host}:{serverapp.port}{base_url}"


def server_token(serverapp) -> str:
    provider = getattr(serverapp, "identity_provider", None)
    token = getattr(provider, "token", None) if provider is not None else None
    if token is None:  # jupyter_server 1.x
        token = getattr(serverapp, "token", "")
    return token or ""


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


class RuntimeFile:
    """Owns the runtime file and the environment variable for one server process."""

    def __init__(self, serverapp, *, version: str, log=None):
        self._serverapp = serverapp
        self._version = version
        self._log = log
        self.key = secrets.token_urlsafe(32)
        self.directory = serverapp.runtime_dir
        self.path = os.path.join(self.directory, f"{FILE_PREFIX}{os.getpid()}.json")
        self._written: dict | None = None
        self._previous_env: str | None = None
        self._env_set = False

    def content(self) -> dict:
        return {
            "url": server_url(self._serverapp),
            "token": server_token(self._serverapp),
            "bridge_key": self.key,
            "version": self._version,
            # Kernels tag runs with the notebook's path relative to this (live/context.py).
            "root_dir": str(getattr(self._serverapp, "root_dir", "") or ""),
        }

    def start(self) -> None:
        """Write the file and publish its path to kernels started from now on."""
        os.makedirs(self.directory, mode=0o700, exist_ok=True)
        self._remove_stale()
        self.write()
        self._previous_env = os.environ.get(ENV_VAR)
        os.environ[ENV_VAR] = self.path
        self._env_set = True

    def refresh(self) -> None:
        """Rewrite the file if the URL or token changed (the port is final only once bound)."""
        if self._written is not None and self.content() != self._written:
            self.write()

    def write(self) -> None:
        content = self.content()
        # mkstemp creates the file 0600 in the same folder, so the rename is atomic and the file
        # is never readable by others, not even for a moment.
        fd, tmp = tempfile.mkstemp(prefix=f".{FILE_PREFIX}", suffix=".tmp", dir=self.directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(content, handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        self._written = content
        if self._log is not None:
            self._log.debug("Kernel bridge runtime file written: %s", self.path)

    def stop(self) -> None:
        """Remove the file and restore the environment variable."""
        if self._env_set:
            if os.environ.get(ENV_VAR) == self.path:
                if self._previous_env is None:
                    os.environ.pop(ENV_VAR, None)
                else:
                    os.environ[ENV_VAR] = self._previous_env
            self._env_set = False
        if self._written is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)
            self._written = None

    def _remove_stale(self) -> None:
        """Files of servers that died without cleaning up (kill -9)."""
        try:
            names = os.listdir(self.directory)
        except OSError:
            return
        for name in names:
            if not (name.startswith(FILE_PREFIX) and name.endswith(".json")):
                continue
            pid_text = name[len(FILE_PREFIX) : -len(".json")]
            if not pid_text.isdigit():
                continue
            pid = int(pid_text)
            if pid != os.getpid() and not _pid_alive(pid):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(self.directory, name))
