"""A throwaway PostgreSQL cluster behind ``mlflow_postgres_server`` (mlflow_servers.py)."""

from __future__ import annotations

import dataclasses
import glob
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from process_groups import ServerStartError, spawn_group, stop_group

START_DEADLINE = 90.0  # the cluster's start, as for the MLflow servers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclasses.dataclass(frozen=True)
class Database:
    """The PostgreSQL database behind ``mlflow_postgres_server``."""

    uri: str  # postgresql://role:password@127.0.0.1:port/mlflow (holds the password)
    role: str
    password: str
    version: str  # of the PostgreSQL server, e.g. "15.18"
    log_path: Path


class Postgres:
    """A throwaway PostgreSQL cluster for one MLflow server: its own folder, port and role.

    PostgreSQL refuses to run as root, so under root it runs as the ``postgres`` system user (a
    throwaway system user if there is none) through ``runuser``, which keeps the process group.
    Unix-socket connections (setting up, from that user) use peer authentication; TCP on
    127.0.0.1, which MLflow uses, asks for the generated role's password (SCRAM).
    """

    def __init__(self) -> None:
        self.bin = postgres_bin()
        self.dir = Path(tempfile.mkdtemp(prefix="pytest-postgres-"))
        self.log_path = self.dir / "postgres.log"
        self.role = f"mlflow_{secrets.token_hex(4)}"
        self.password = secrets.token_hex(16)
        self.os_user: str | None = None  # None: the current user
        self.own_os_user = False  # created here, deleted by stop()
        self.uid_gid = (-1, -1)  # of os_user, which owns the folder
        self.popen: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.database: Database | None = None
        # No PGHOST, PGUSER, PGPASSWORD… from the caller: everything is given explicitly.
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}

    def start(self) -> str:
        """Create and start the cluster, the role and its ``mlflow`` database; returns the URI."""
        if os.geteuid() == 0:
            self._pick_os_user()
        data, sockets = self.dir / "data", self.dir / "sockets"
        sockets.mkdir(mode=0o700)
        self._own(self.dir, sockets)
        self._run(
            self.bin / "initdb", "-D", data, "--auth-local=peer", "--auth-host=scram-sha-256",
            "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions",
        )  # fmt: skip
        for attempt in range(3):  # a port taken between free_port() and the bind: a new port
            self.port = free_port()
            offset = self.log_path.stat().st_size if self.log_path.exists() else 0
            cmd = self._as_os_user(
                self.bin / "postgres", "-D", data, "-p", self.port, "-k", sockets,
                "-c", "listen_addresses=127.0.0.1",
                # Throwaway data: durability off, which saves seconds of MLflow's migrations.
                "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
            )  # fmt: skip
            # SIGINT is PostgreSQL's fast shutdown: sessions end, no waiting for clients.
            self.popen = spawn_group(
                cmd, log_path=self.log_path, cwd=self.dir, env=self.env, stop=signal.SIGINT
            )
            log = self._wait_ready(offset)
            if log is not None:
                break
            stop_group(self.popen, signal.SIGINT)
            if "already in use" not in self._log(offset) or attempt == 2:
                raise ServerStartError(
                    f"postgres did not start\n--- postgres log ---\n{self._log(offset)}"
                )
        self._run(
            self.bin / "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
            "-h", sockets, "-p", self.port, "-d", "postgres",
            # On stdin, not in an argument: the password is not shown by `ps`.
            stdin=f"CREATE ROLE {self.role} LOGIN PASSWORD '{self.password}';\n"
            f"CREATE DATABASE mlflow OWNER {self.role};\n",
        )  # fmt: skip
        version = re.search(r"starting PostgreSQL (\S+)", log)
        uri = f"postgresql://{self.role}:{self.password}@127.0.0.1:{self.port}/mlflow"
        self.database = Database(
            uri, self.role, self.password, version.group(1) if version else "?", self.log_path
        )
        return uri

    def _pick_os_user(self) -> None:
        try:
            entry = pwd.getpwnam("postgres")  # Debian's package creates it
            self.os_user = "postgres"
        except KeyError:
            self.os_user = f"pytest-pg-{secrets.token_hex(4)}"
            subprocess.run(
                ["useradd", "--system", "--user-group", "--no-create-home", "--home-dir",
                 "/nonexistent", "--shell", "/usr/sbin/nologin", self.os_user],
                check=True, capture_output=True, timeout=60,
            )  # fmt: skip
            self.own_os_user = True
            entry = pwd.getpwnam(self.os_user)
        self.uid_gid = (entry.pw_uid, entry.pw_gid)

    def _own(self, *paths: Path) -> None:
        if self.os_user is not None:
            for path in paths:
                os.chown(path, *self.uid_gid)

    def _as_os_user(self, *cmd: object) -> list[str]:
        args = [str(part) for part in cmd]
        return ["runuser", "-u", self.os_user, "--", *args] if self.os_user else args

    def _run(self, *cmd: object, stdin: str | None = None) -> None:
        res = subprocess.run(
            self._as_os_user(*cmd), input=stdin, capture_output=True, text=True,
            cwd=self.dir, env=self.env, timeout=120,
        )  # fmt: skip
        if res.returncode != 0:
            name = Path(str(cmd[0])).name
            output = (res.stdout + res.stderr)[-2000:]
            raise ServerStartError(f"postgres: {name} exited with {res.returncode}\n{output}")

    def _log(self, offset: int) -> str:
        try:
            with open(self.log_path, "rb") as handle:
                handle.seek(offset)
                return handle.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def _wait_ready(self, offset: int) -> str | None:
        """The log of this attempt once the server accepts connections on our port; None if it
        exited first."""
        assert self.popen is not None
        deadline = time.monotonic() + START_DEADLINE
        while self.popen.poll() is None and time.monotonic() < deadline:
            log = self._log(offset)
            if f"port {self.port}" in log and "ready to accept connections" in log:
                return log
            time.sleep(0.1)
        return None

    def stop(self) -> None:
        popen, self.popen = self.popen, None
        if popen is not None:
            stop_group(popen, signal.SIGINT)
        if self.own_os_user:
            subprocess.run(["userdel", self.os_user or ""], capture_output=True, timeout=60)
        if not os.environ.get("MLFLOW_SERVERS_KEEP"):
            shutil.rmtree(self.dir, ignore_errors=True)


def postgres_bin() -> Path:
    """The newest PostgreSQL of Debian's layout, ``/usr/lib/postgresql/<major>/bin``."""
    found = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")]
    if not found:
        raise ServerStartError(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): "
            "apt-get install postgresql (scripts/test.sh does it)"
        )
    return max(found, key=lambda b: [int(n) for n in re.findall(r"\d+", b.parent.name)])
