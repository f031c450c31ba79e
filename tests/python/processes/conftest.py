"""Helpers for the process-supervisor tests.

Everything here is real: the stub child is a real process (stub_child.py), the "host" is a real
Python process standing in for Jupyter, and liveness is read straight from /proc (not through the
code under test). Waits poll with generous deadlines instead of sleeping.
"""

import asyncio
import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import jupyterlab_mlflow_workspace
from jupyterlab_mlflow_workspace.processes import ProcessSpec, Supervisor

STUB = str(Path(__file__).with_name("stub_child.py"))
PACKAGE_PARENT = str(Path(jupyterlab_mlflow_workspace.__file__).resolve().parent.parent)

# A stand-in for Jupyter: supervises stubs, prints their status as one JSON line, and on SIGTERM
# calls stop_all() as stop_extension() will.
HOST_SCRIPT = r"""
import asyncio, json, signal, sys
from jupyterlab_mlflow_workspace.processes import ProcessSpec, Supervisor

# As in a terminal: Ctrl+C raises KeyboardInterrupt. A test command started in the background
# of a non-interactive shell inherits SIGINT ignored, and the host would never see Ctrl+C.
signal.signal(signal.SIGINT, signal.default_int_handler)


async def main():
    state_dir, specs = sys.argv[1], json.loads(sys.argv[2])
    sup = Supervisor(state_dir)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)

    def ready_check(name, path):
        async def ready():
            try:
                with open(path) as f:
                    return json.load(f)["pid"] == sup.status(name)["pid"]
            except (OSError, ValueError):
                return False
        return ready

    for s in specs:
        check = ready_check(s["name"], s["ready_file"])
        await sup.start(ProcessSpec(s["name"], s["argv"], ready=check, ready_timeout=30))
    print(json.dumps({s["name"]: sup.status(s["name"]) for s in specs}), flush=True)
    await stop.wait()
    await sup.stop_all()
    print("stopped", flush=True)


asyncio.run(main())
"""


def stat_fields(pid):
    """Fields 3.. of /proc/<pid>/stat, or None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rpartition(b")")[2].decode().split()
    except (FileNotFoundError, ProcessLookupError):
        return None


def gone(pid):
    """No such process, or only a zombie (dead, waiting to be reaped)."""
    fields = stat_fields(pid)
    return fields is None or fields[0] in ("Z", "X")


def start_time(pid):
    fields = stat_fields(pid)
    return int(fields[19]) if fields else None


def cmdline(pid):
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        return [a.decode() for a in f.read().split(b"\0")[:-1]]


def pipe_inodes(pid):
    """The pipes a process holds open, as 'pipe:[inode]' strings."""
    found = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("pipe:"):
            found.add(target)
    return found


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


async def until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.05)


def all_gone(pids):
    return all(gone(p) for p in pids if p)


class Procs:
    """Builds stub specs and hosts in a test's tmp_path, and kills leftovers at teardown.

    The /proc helpers above are attributes too: test modules are imported with
    ``--import-mode=importlib`` and cannot import this conftest.
    """

    gone = staticmethod(gone)
    all_gone = staticmethod(all_gone)
    start_time = staticmethod(start_time)
    stat_fields = staticmethod(stat_fields)
    cmdline = staticmethod(cmdline)
    pipe_inodes = staticmethod(pipe_inodes)
    wait_until = staticmethod(wait_until)
    until = staticmethod(until)

    def __init__(self, tmp_path):
        self.tmp = tmp_path
        self.tracked = []  # (pid, start time): killed at teardown if still the same process
        self.hosts = []

    def info_path(self, name):
        return self.tmp / f"{name}.info.json"

    def ready_path(self, name):
        return self.tmp / f"{name}.ready.json"

    def stub_argv(self, name, *extra):
        return [
            sys.executable,
            STUB,
            "--info-file",
            str(self.info_path(name)),
            "--ready-file",
            str(self.ready_path(name)),
            *extra,
        ]

    def ready_check(self, sup, name):
        """Ready once the *current* stub (not an earlier, crashed one) wrote its ready file."""
        path = self.ready_path(name)

        async def ready():
            try:
                return json.loads(path.read_text())["pid"] == sup.status(name)["pid"]
            except (OSError, ValueError):
                return False

        return ready

    def spec(self, sup, name, *extra, **kwargs):
        kwargs.setdefault("ready_timeout", 20.0)
        argv = self.stub_argv(name, *extra)
        return ProcessSpec(name, argv, ready=self.ready_check(sup, name), **kwargs)

    def info(self, name, timeout=20.0):
        path = self.info_path(name)
        wait_until(path.exists, timeout, f"{path.name}")
        data = json.loads(path.read_text())
        self.track(data["pid"], data["grandchild"])
        return data

    def track(self, *pids):
        for pid in pids:
            if pid:
                self.tracked.append((pid, start_time(pid)))

    def start_host(self, state_dir, stubs):
        """Start a host supervising ``stubs`` ({name: extra stub args}); return (Popen, status)."""
        specs = [
            {"name": n, "argv": self.stub_argv(n, *extra), "ready_file": str(self.ready_path(n))}
            for n, extra in stubs.items()
        ]
        script = self.tmp / "host.py"
        script.write_text(HOST_SCRIPT)
        env = dict(os.environ, PYTHONPATH=PACKAGE_PARENT)
        host = subprocess.Popen(
            [sys.executable, str(script), str(state_dir), json.dumps(specs)],
            stdout=subprocess.PIPE,
            env=env,
            start_new_session=True,
        )
        self.hosts.append(host)
        line = read_line(host, 30.0)
        status = json.loads(line)
        for st in status.values():
            self.track(st["pgid"], st["pid"])
        return host, status

    def cleanup(self):
        for host in self.hosts:
            if host.poll() is None:
                host.kill()
            host.wait()
        for info in self.tmp.glob("*.info.json"):
            data = json.loads(info.read_text())
            self.track(data["pid"], data["grandchild"])
        for pid, started in self.tracked:
            if started is not None and not gone(pid) and start_time(pid) == started:
                os.kill(pid, signal.SIGKILL)


def read_line(proc, timeout):
    """One line from a child's stdout, without hanging the test if it never comes."""
    deadline = time.monotonic() + timeout
    data = b""
    while not data.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or proc.poll() is not None and not select.select([proc.stdout], [], [], 0)[0]:
            raise AssertionError(f"no line from pid {proc.pid} (exit code {proc.poll()})")
        if select.select([proc.stdout], [], [], min(left, 0.2))[0]:
            chunk = os.read(proc.stdout.fileno(), 1)
            if not chunk:
                raise AssertionError(f"pid {proc.pid} closed stdout (exit {proc.wait()})")
            data += chunk
    return data.decode()


@pytest.fixture
def procs(tmp_path):
    helper = Procs(tmp_path)
    yield helper
    helper.cleanup()


@pytest.fixture
def state_dir(tmp_path):
    return tmp_path / "state"


@pytest.fixture
def supervisor(state_dir, jp_asyncio_loop, procs):
    """A Supervisor on the test's event loop (the one pytest-jupyter runs async tests on)."""
    sup = Supervisor(str(state_dir))
    yield sup
    jp_asyncio_loop.run_until_complete(sup.stop_all())
