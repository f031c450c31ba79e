"""One supervisor for every process the server part starts (local MLflow server, deployments).

Each command runs under ``launcher.py`` in its own process group; the launcher holds the read end
of a pipe whose write end only this process holds, so the group dies with Jupyter however Jupyter
ends (see launcher.py). On top of that the supervisor:

- waits for readiness (``ProcessSpec.ready``), and reports starting / ready / restarting /
  failed / stopped, with the log tail on failure;
- restarts a crashed process with exponential backoff, at most ``max_restarts`` times within
  ``restart_window`` seconds, then gives up with state "failed";
- writes a 0600 state file per running process, so that a later Jupyter can reap a group that
  outlived its Jupyter (``reap_stale``), checking start time and command line so that a reused
  pid is never killed.

Plain asyncio and the standard library: no tornado or jupyter_server imports. Drive it from one
long-lived thread (the server's event loop): the launcher's PR_SET_PDEATHSIG fires when the
*thread* that spawned it exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from . import procinfo

LAUNCHER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "launcher.py")
LAUNCHER_GRACE = 5.0  # SIGTERM → SIGKILL delay the launcher uses when Jupyter goes away
LOG_ROTATE_BYTES = 5 * 1024 * 1024
# Only files with this ending are ever read or removed by reap_stale(), so a state_dir shared
# with other files (Jupyter's runtime dir, say) is safe; a dedicated directory is still best.
STATE_SUFFIX = ".proc.json"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")

ChangeCallback = Callable[[str, dict], None]


@dataclass
class ProcessSpec:
    """What to run. ``name`` is the unique key (and part of file names: letters, digits, . _ -)."""

    name: str
    argv: list[str]
    # The child's whole environment, as for subprocess (None: inherit Jupyter's).
    env: dict[str, str] | None = None
    cwd: str | None = None
    # stdout and stderr are appended here (never an unread PIPE); default <state_dir>/<name>.log
    log_path: str | None = None
    # Polled with a small backoff until it returns True; exceptions count as "not yet".
    # None: ready as soon as the command has been exec'd.
    ready: Callable[[], Awaitable[bool]] | None = None
    ready_timeout: float = 60.0
    max_restarts: int = 3  # crash restarts allowed within restart_window seconds
    restart_window: float = 300.0
    redact: Callable[[str], str] | None = None  # applied to every line log_tail returns
    backoff: float = 1.0  # delay before the first restart; doubles with each crash in the window


class ProcessFailed(Exception):
    """A process did not become ready, or crashed too often. ``message`` is plain words."""

    def __init__(self, message: str, log_tail: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.log_tail = list(log_tail or [])


class _Entry:
    """Book-keeping for one name; only the runner task starts or reaps its processes."""

    def __init__(self, spec: ProcessSpec, log_path: str):
        self.spec = spec
        self.log_path = log_path
        self.state = "stopped"
        self.message = ""
        self.popen: subprocess.Popen | None = None
        self.write_fd: int | None = None
        self.state_file: str | None = None
        self.child_pid: int | None = None
        self.started_at: float | None = None
        self.exit_code: int | None = None
        self.restarts = 0
        self.crashes: list[float] = []
        self.runner: asyncio.Task | None = None
        self.first_ready: asyncio.Future | None = None
        self.stopping = False
        self.grace = LAUNCHER_GRACE


class Supervisor:
    def __init__(self, state_dir: str, *, log: logging.Logger | None = None):
        self.state_dir = os.path.abspath(state_dir)
        self.log = log or logging.getLogger(__name__)
        os.makedirs(self.state_dir, mode=0o700, exist_ok=True)
        self._entries: dict[str, _Entry] = {}
        self._callbacks: list[ChangeCallback] = []
        self._closed = False

    # ---- public API -------------------------------------------------------------------------

    async def start(self, spec: ProcessSpec) -> dict:
        """Start ``spec`` and wait until it is ready; if ``spec.name`` runs already, reuse it.

        Raises ProcessFailed (with the log tail) if it exits or is not ready in time; then
        nothing of it is left running. Cancelling the caller does not cancel the start.
        """
        if not _NAME.fullmatch(spec.name):
            raise ValueError(f"invalid process name {spec.name!r}")
        while True:
            if self._closed:
                raise RuntimeError("the process supervisor has been shut down")
            entry = self._entries.get(spec.name)
            if entry is None or entry.runner is None or entry.runner.done():
                break
            if entry.stopping:  # let the stop finish, then start afresh
                await asyncio.wait({entry.runner})
                continue
            await asyncio.shield(entry.first_ready)
            return self.status(spec.name)

        log_path = spec.log_path or os.path.join(self.state_dir, f"{spec.name}.log")
        entry = _Entry(spec, os.path.abspath(log_path))
        entry.first_ready = asyncio.get_running_loop().create_future()
        # Mark the outcome as retrieved: nobody may be waiting when it fails.
        entry.first_ready.add_done_callback(lambda f: f.cancelled() or f.exception())
        self._entries[spec.name] = entry
        entry.runner = asyncio.create_task(self._run(entry), name=f"supervise {spec.name}")
        await asyncio.shield(entry.first_ready)
        return self.status(spec.name)

    def status(self, name: str) -> dict:
        """State for the UI.

        ``pid`` is the command's pid and ``pgid`` its group (= the launcher's pid), both None
        when nothing runs; ``started_at`` is epoch seconds; ``exit_code`` is the most recent
        exit (128+N: killed by signal N); ``message`` says in plain words what went wrong.
        """
        entry = self._entries.get(name)
        if entry is None:
            return {
                "name": name,
                "state": "stopped",
                "pid": None,
                "pgid": None,
                "started_at": None,
                "restarts": 0,
                "exit_code": None,
                "message": "",
                "log_path": None,
            }
        running = entry.popen is not None
        return {
            "name": name,
            "state": entry.state,
            "pid": entry.child_pid if running else None,
            "pgid": entry.popen.pid if running else None,
            "started_at": entry.started_at if running else None,
            "restarts": entry.restarts,
            "exit_code": entry.exit_code,
            "message": entry.message,
            "log_path": entry.log_path,
        }

    def log_tail(self, name: str, lines: int = 200) -> list[str]:
        """The last ``lines`` lines of the process's log, each passed through ``spec.redact``."""
        entry = self._entries.get(name)
        if entry is not None:
            path, redact = entry.log_path, entry.spec.redact
        elif _NAME.fullmatch(name):
            path, redact = os.path.join(self.state_dir, f"{name}.log"), None
        else:
            return []
        return [_redact_line(line, redact) for line in _read_tail(path, lines)]

    async def stop(self, name: str, grace: float = 5.0) -> None:
        """SIGTERM the group, SIGKILL after ``grace``; state becomes "stopped", never restarted."""
        entry = self._entries.get(name)
        if entry is None:
            return
        runner = entry.runner
        if runner is None or runner.done():
            if entry.state != "stopped":
                self._set(entry, "stopped", "")
            return
        if not entry.stopping:
            entry.stopping = True
            entry.grace = grace
            runner.cancel()
        await asyncio.wait({runner})

    async def stop_all(self) -> None:
        """Stop everything and refuse new starts: for ``stop_extension()``."""
        self._closed = True
        await asyncio.gather(*(self.stop(n) for n in list(self._entries)), return_exceptions=True)
        for entry in self._entries.values():  # whatever is left dies with the pipe
            _close_write_end(entry)

    def on_change(self, callback: ChangeCallback) -> None:
        """Call ``callback(name, status)`` on every state change (in the event loop's thread)."""
        self._callbacks.append(callback)

    def reap_stale(self, grace: float = 1.0) -> list[int]:
        """Kill process groups left by an earlier Jupyter; return their pgids.

        Only groups recorded in a state file whose owning Jupyter is gone, and only if the
        leader's start time and command line still match the record (else the pid was reused
        and is left alone). Blocks for up to ``grace`` + 2 s per group that has to be killed.
        """
        killed = []
        boot = procinfo.boot_id()
        for fname in sorted(os.listdir(self.state_dir)):
            if not fname.endswith(STATE_SUFFIX):
                continue
            path = os.path.join(self.state_dir, fname)
            record = _read_record(path)
            if record is None or record.get("boot_id") != boot:
                _remove(path)  # unreadable, or from another boot: its pids mean nothing now
                continue
            owner, owner_start = record.get("owner_pid"), record.get("owner_start_time")
            if owner and procinfo.is_running(owner) and procinfo.start_time(owner) == owner_start:
                continue  # its Jupyter (maybe this one) is alive and looks after it
            pgid = record["pgid"]
            if _is_our_group(record["pid"], pgid, record["start_time"], record["cmdline"]):
                self.log.warning(
                    "Stopping %s (process group %d) left running by an earlier Jupyter",
                    record.get("name"),
                    pgid,
                )
                _kill_group_blocking(pgid, grace)
                killed.append(pgid)
            _remove(path)
        return killed

    # ---- the runner: one task per started name ----------------------------------------------

    async def _run(self, entry: _Entry) -> None:
        spec = entry.spec
        try:
            while True:
                self._set(entry, "restarting" if entry.first_ready.done() else "starting")
                why = await self._attempt(entry)
                if not entry.first_ready.done():  # never got ready: start() reports it
                    self._fail(entry, why)
                    return
                now = time.monotonic()
                entry.crashes = [t for t in entry.crashes if now - t < spec.restart_window]
                entry.crashes.append(now)
                if len(entry.crashes) > spec.max_restarts:
                    self._fail(
                        entry,
                        f"{why}. It failed {len(entry.crashes)} times within "
                        f"{_duration(spec.restart_window)}, so it is not restarted again.",
                    )
                    return
                delay = spec.backoff * 2 ** (len(entry.crashes) - 1)
                self._set(entry, "restarting", f"{why}; restarting in {delay:g} s")
                await asyncio.sleep(delay)
                entry.restarts += 1
        except asyncio.CancelledError:  # stop(): never a crash
            await self._terminate(entry)
            if not entry.first_ready.done():
                entry.first_ready.set_exception(
                    ProcessFailed(f"{spec.name} was stopped before it was ready", [])
                )
            self._set(entry, "stopped", "")
            raise
        except Exception as exc:  # a bug here must not leave a process behind
            self.log.exception("Supervisor error for %s", spec.name)
            await self._terminate(entry)
            self._fail(entry, f"{spec.name}: supervisor error: {exc}")

    async def _attempt(self, entry: _Entry) -> str:
        """Run the command once; return in plain words why it is not running any more."""
        spec = entry.spec
        try:
            self._spawn(entry)
        except OSError as exc:
            return f"{spec.name} could not be started: {exc}"
        outcome = await self._wait_ready(entry)
        if outcome == "ready":
            self._write_state(entry)  # now with the command's pid
            self._set(entry, "ready", "")
            if not entry.first_ready.done():
                entry.first_ready.set_result(None)
            await self._wait_exit(entry)
            await self._collect(entry)
            why = f"{spec.name} {_describe_exit(entry.exit_code)}"
            self.log.warning("%s; log: %s", why, entry.log_path)
            return why
        await self._terminate(entry)
        if outcome == "timeout":
            return f"{spec.name} did not become ready within {spec.ready_timeout:g} s"
        return f"{spec.name} {_describe_exit(entry.exit_code)} before it was ready"

    def _spawn(self, entry: _Entry) -> None:
        spec = entry.spec
        os.makedirs(os.path.dirname(entry.log_path), exist_ok=True)
        _rotate(entry.log_path)
        log_fd = os.open(entry.log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        # Both ends are O_CLOEXEC (PEP 446): the write end leaks into no other child.
        read_fd, write_fd = os.pipe()
        try:
            stamp = time.strftime("%Y-%m-%d %H:%M:%S")
            os.write(log_fd, f"[supervisor] {stamp} starting {spec.name}\n".encode())
            argv = [sys.executable, "-I", LAUNCHER, "--fd", str(read_fd)]
            argv += ["--grace", str(LAUNCHER_GRACE), "--parent", str(os.getpid())]
            argv += ["--name", spec.name, "--", *spec.argv]
            popen = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=log_fd,
                stderr=log_fd,
                env=spec.env,
                cwd=spec.cwd,
                pass_fds=(read_fd,),
                start_new_session=True,
            )
        except BaseException:
            os.close(write_fd)
            raise
        finally:
            os.close(read_fd)  # only the launcher may hold it
            os.close(log_fd)
        entry.popen, entry.write_fd = popen, write_fd
        entry.child_pid = None  # exit_code stays: the last exit, shown while restarting
        entry.started_at = time.time()
        entry.state_file = os.path.join(self.state_dir, f"{spec.name}.{popen.pid}{STATE_SUFFIX}")
        self._write_state(entry)

    async def _wait_ready(self, entry: _Entry) -> str:
        """Wait for readiness; return "ready", "exited" or "timeout"."""
        spec = entry.spec
        loop = asyncio.get_running_loop()
        deadline = loop.time() + spec.ready_timeout
        delay = 0.05
        while True:
            if self._exited(entry):
                return "exited"
            if entry.child_pid is None:
                entry.child_pid = _exec_child(entry.popen.pid)
            if entry.child_pid is not None:
                if spec.ready is None:
                    return "ready"
                try:
                    remaining = max(deadline - loop.time(), 0.01)
                    ok = await asyncio.wait_for(spec.ready(), remaining)
                except Exception as exc:  # includes the timeout: "not yet"
                    self.log.debug("Readiness check of %s: %r", spec.name, exc)
                    ok = False
                if ok and not self._exited(entry):
                    return "ready"
            if loop.time() >= deadline:
                return "timeout"
            await asyncio.sleep(min(delay, max(deadline - loop.time(), 0.0)))
            delay = min(delay * 1.5, 1.0)

    def _exited(self, entry: _Entry) -> bool:
        """Has the launcher exited? Looks without reaping, so its pid (= pgid) stays ours."""
        if entry.popen is None or entry.popen.returncode is not None:
            return True
        try:
            flags = os.WEXITED | os.WNOHANG | os.WNOWAIT
            return os.waitid(os.P_PID, entry.popen.pid, flags) is not None
        except ChildProcessError:  # somebody else reaped it
            return True

    async def _wait_exit(self, entry: _Entry, timeout: float | None = None) -> bool:
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while not self._exited(entry):
            if deadline is not None and loop.time() >= deadline:
                return False
            await asyncio.sleep(0.1)
        return True

    async def _terminate(self, entry: _Entry) -> None:
        """Stop the current process, if any: ask the launcher, SIGKILL the group if it hangs."""
        if entry.popen is None:
            return
        if entry.write_fd is not None:
            with contextlib.suppress(OSError):
                os.write(entry.write_fd, f"term {entry.grace}\n".encode())
            _close_write_end(entry)
        if not await self._wait_exit(entry, entry.grace + 5.0):
            self.log.warning("Launcher of %s did not exit; killing its group", entry.spec.name)
            _killpg(entry.popen.pid, signal.SIGKILL)  # safe: unreaped, the pid is still ours
            await self._wait_exit(entry, 5.0)
        await self._collect(entry)

    async def _collect(self, entry: _Entry) -> None:
        """After the launcher exited: clear what is left of its group, reap it, forget it."""
        popen = entry.popen
        if popen is None:
            return
        pgid = popen.pid
        if procinfo.group_members(pgid):
            # Only if the launcher itself was killed. Until we reap it, its zombie keeps the
            # pgid from being handed out again, so this cannot hit an unrelated group.
            self.log.warning("Cleaning up after the launcher of %s", entry.spec.name)
            _killpg(pgid, signal.SIGTERM)
            _killpg(pgid, signal.SIGCONT)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + entry.grace
            while procinfo.group_members(pgid) and loop.time() < deadline:
                await asyncio.sleep(0.1)
            _killpg(pgid, signal.SIGKILL)
        popen.wait()  # it has exited: this only reaps
        entry.exit_code = popen.returncode
        entry.popen = None
        _close_write_end(entry)
        if entry.state_file:
            _remove(entry.state_file)
            entry.state_file = None

    # ---- helpers ----------------------------------------------------------------------------

    def _write_state(self, entry: _Entry) -> None:
        pid = entry.popen.pid
        me = os.getpid()
        record = {
            "name": entry.spec.name,
            "pid": pid,
            "pgid": pid,
            "child_pid": entry.child_pid,
            "argv": entry.spec.argv,
            "start_time": procinfo.start_time(pid),
            "cmdline": procinfo.cmdline(pid) or entry.popen.args,
            "boot_id": procinfo.boot_id(),
            "owner_pid": me,
            "owner_start_time": procinfo.start_time(me),
            "started_at": entry.started_at,
            "log_path": entry.log_path,
        }
        _write_json_atomic(entry.state_file, record)

    def _fail(self, entry: _Entry, message: str) -> None:
        tail = self.log_tail(entry.spec.name)
        self._set(entry, "failed", message)
        if not entry.first_ready.done():
            entry.first_ready.set_exception(ProcessFailed(message, tail))

    def _set(self, entry: _Entry, state: str, message: str | None = None) -> None:
        changed = state != entry.state or (message is not None and message != entry.message)
        entry.state = state
        if message is not None:
            entry.message = message
        if not changed:
            return
        self.log.debug("%s: %s %s", entry.spec.name, state, entry.message)
        current = self.status(entry.spec.name)
        for callback in list(self._callbacks):
            try:
                callback(entry.spec.name, current)
            except Exception:
                self.log.exception("Process state callback failed")


def _exec_child(launcher: int) -> int | None:
    """The launcher's command, once it has been exec'd (until then it looks like the launcher)."""
    kids = procinfo.children(launcher)
    if not kids:
        return None
    argv = procinfo.cmdline(kids[0])
    # Empty is a zombie: a command that failed to exec and exited before the launcher reaped it
    # (seen under load: a missing command was taken for a started one).
    if argv and argv != procinfo.cmdline(launcher):
        return kids[0]
    return None


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "stopped"
    if code < 0:
        return f"was killed by {_signal_name(-code)}"
    if code > 128 and _signal_name(code - 128):
        return f"was killed by {_signal_name(code - 128)}"
    return f"exited with code {code}"


def _signal_name(number: int) -> str | None:
    try:
        return signal.Signals(number).name
    except ValueError:
        return None


def _duration(seconds: float) -> str:
    if seconds >= 120 and seconds % 60 == 0:
        return f"{seconds / 60:g} minutes"
    return f"{seconds:g} s"


def _close_write_end(entry: _Entry) -> None:
    if entry.write_fd is not None:
        with contextlib.suppress(OSError):
            os.close(entry.write_fd)
        entry.write_fd = None


def _killpg(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _is_our_group(leader: int, pgid: int, started: int, cmd: list[str]) -> bool:
    """Is the recorded group still the one we started (and not a reused pid)?"""
    state = procinfo.state(leader)
    if state is not None:
        if procinfo.start_time(leader) != started:
            return False  # the pid now belongs to another process
        if state in ("Z", "X"):  # our leader, dead but unreaped; its group may live on
            return bool(procinfo.group_members(pgid))
        return procinfo.cmdline(leader) == cmd
    # The leader is gone. While any member of its group lives, the kernel does not hand the
    # group's id out again, so live members are leftovers of ours (all younger than the leader).
    members = procinfo.group_members(pgid)
    return bool(members) and all((procinfo.start_time(p) or 0) >= started for p in members)


def _kill_group_blocking(pgid: int, grace: float) -> None:
    _killpg(pgid, signal.SIGTERM)
    _killpg(pgid, signal.SIGCONT)
    for sig, wait in ((None, grace), (signal.SIGKILL, 2.0)):
        if sig is not None:
            if not procinfo.group_members(pgid):
                return  # gone: do not signal a group id that could be reused now
            _killpg(pgid, sig)
        deadline = time.monotonic() + wait
        while procinfo.group_members(pgid) and time.monotonic() < deadline:
            time.sleep(0.05)


def _read_record(path: str) -> dict | None:
    try:
        with open(path) as f:
            record = json.load(f)
        for key, kind in (("pid", int), ("pgid", int), ("start_time", int), ("cmdline", list)):
            if not isinstance(record.get(key), kind):
                return None
        return record
    except (OSError, ValueError):
        return None


def _write_json_atomic(path: str, data: dict) -> None:
    tmp = f"{path}.tmp"
    _remove(tmp)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(data, f)
    os.replace(tmp, path)


def _remove(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)


def _rotate(path: str) -> None:
    with contextlib.suppress(OSError):
        if os.path.getsize(path) > LOG_ROTATE_BYTES:
            os.replace(path, path + ".1")


def _read_tail(path: str, lines: int, limit: int = 4 * 1024 * 1024) -> list[str]:
    if lines <= 0:
        return []
    data = b""
    try:
        with open(path, "rb") as f:
            pos = f.seek(0, os.SEEK_END)
            while pos > 0 and data.count(b"\n") <= lines and len(data) < limit:
                step = min(8192, pos)
                pos -= step
                f.seek(pos)
                data = f.read(step) + data
    except OSError:
        return []
    return data.decode("utf-8", "replace").splitlines()[-lines:]


def _redact_line(line: str, redact: Callable[[str], str] | None) -> str:
    if redact is None:
        return line
    try:
        return redact(line)
    except Exception:
        return "[line hidden: redaction failed]"
