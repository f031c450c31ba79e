"""The launcher: runs one command so that it, and everything it starts, dies with Jupyter.

    python -I launcher.py --fd N [--grace 5] [--parent PID] [--name NAME] -- command args...
    python -m jupyterlab_mlflow_workspace.processes.launcher ...   (same thing)

The supervisor starts this in a new session, so the launcher leads its own process group, and
the command runs in that same group. Fd N is the read end of a pipe whose only write end is held
by Jupyter. The kernel closes that write end however Jupyter ends, ``kill -9`` included, so the
pipe reading EOF is the one death signal that cannot be missed. On EOF (or ``term <grace>`` on
the pipe, or SIGTERM/SIGHUP) the launcher SIGTERMs every process in its group, waits up to the
grace period and then SIGKILLs what is left. When the command exits on its own the launcher
clears the rest of the group the same way and exits with the command's code (128+N for a
signal N), so the supervisor can tell a crash from a stop.

Extra guards: PR_SET_CHILD_SUBREAPER makes orphaned descendants (even ones that left the group
with setsid) children of the launcher, so it can kill and reap them too; PR_SET_PDEATHSIG sends
the launcher SIGTERM if the thread that spawned it exits, which covers a write end leaked into a
fork of Jupyter that outlives it. SIGINT is ignored: a Ctrl+C in Jupyter's terminal must lead to
Jupyter's clean shutdown, not to a child dying first.

Standard library only, and run with ``python -I`` by path, so that the environment meant for the
command (PYTHONPATH of another interpreter, say) cannot break the launcher.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import select
import signal
import subprocess
import sys
import time

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
DEFAULT_GRACE = 5.0
# After SIGKILL, how long to wait for the kernel to tear processes down before giving up.
KILL_WAIT = 5.0


def _load_procinfo():
    try:
        from . import procinfo
    except ImportError:  # run by path with -I: load the sibling file without the package
        import importlib.util

        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "procinfo.py")
        spec = importlib.util.spec_from_file_location("_mlflow_workspace_procinfo", path)
        procinfo = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(procinfo)
    return procinfo


procinfo = _load_procinfo()


def _prctl(option: int, value: int) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(option, value, 0, 0, 0) == 0
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return False


def _child_setup() -> None:  # pragma: no cover - runs in the forked child
    # An ignored signal stays ignored across exec; the command must get the default SIGINT back.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    # If the launcher is killed outright, the command still hears about it.
    _prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    # What the servers write (SQLite store, artifacts, models copied to serve) is the user's
    # alone on a shared host, whatever umask Jupyter was started with.
    os.umask(0o077)


def _exit_code(status: int) -> int:
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


class Launcher:
    def __init__(self, name: str, command: list[str]):
        self.name = name
        self.command = command
        self.me = os.getpid()
        self.pgid = os.getpgrp()
        self.child_pid: int | None = None
        self.child_code: int | None = None

    def say(self, text: str) -> None:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        print(f"[launcher {self.name}] {stamp} {text}", file=sys.stderr, flush=True)

    def reap(self) -> bool:
        """Reap every exited child; return whether any child is left."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return False
            if pid == 0:
                return True
            if pid == self.child_pid:
                self.child_code = _exit_code(status)

    def targets(self) -> set[int]:
        """Everything to stop: our group, plus orphans reparented to us from outside it."""
        found = set(procinfo.group_members(self.pgid)) | set(procinfo.children(self.me))
        found.discard(self.me)
        return found

    def shutdown(self, grace: float) -> bool:
        """SIGTERM every target, SIGKILL after ``grace``; True once nothing is left."""
        for sig in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        deadline = time.monotonic() + grace
        termed: set[int] = set()
        killing = False
        while True:
            children_left = self.reap()
            targets = self.targets()
            if not targets and not children_left:
                return True
            now = time.monotonic()
            if now >= deadline + KILL_WAIT:
                self.say(f"giving up on pids {sorted(targets)}")
                return False
            if now >= deadline and not killing:
                killing = True
                self.say(f"still running after {grace:g} s; sending SIGKILL")
            for pid in targets:
                if killing:
                    _kill(pid, signal.SIGKILL)
                elif pid not in termed:
                    termed.add(pid)
                    _kill(pid, signal.SIGTERM)
                    _kill(pid, signal.SIGCONT)  # a stopped process must run to handle SIGTERM
            time.sleep(0.05)

    def run(self, ctl_fd: int, grace: float, parent: int) -> int:
        # A signal mask is inherited across fork and exec; start clean whatever Jupyter's
        # spawning thread had blocked.
        signal.pthread_sigmask(signal.SIG_SETMASK, set())
        wake_r, wake_w = os.pipe()
        os.set_blocking(wake_r, False)
        os.set_blocking(wake_w, False)
        signal.set_wakeup_fd(wake_w)
        got_signal: list[int] = []
        for sig in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, lambda signum, _frame: got_signal.append(signum))
        signal.signal(signal.SIGCHLD, lambda _signum, _frame: None)  # only to wake select()
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _prctl(PR_SET_CHILD_SUBREAPER, 1)
        _prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if parent and os.getppid() != parent:  # Jupyter died before PDEATHSIG was armed
            self.say("Jupyter is already gone; not starting")
            return 1

        try:
            child = subprocess.Popen(self.command, preexec_fn=_child_setup)
        except (OSError, subprocess.SubprocessError) as exc:
            self.say(f"cannot start {self.command[0]!r}: {exc}")
            return 127
        self.child_pid = child.pid
        self.say(f"started pid {child.pid} in process group {self.pgid}")

        reason = None
        while reason is None:
            try:
                ready, _, _ = select.select([ctl_fd, wake_r], [], [], 1.0)
            except InterruptedError:  # pragma: no cover - PEP 475 retries for us
                ready = []
            if wake_r in ready:
                _drain(wake_r)
            if ctl_fd in ready:
                data = _read(ctl_fd)
                if not data:
                    reason = "control pipe closed (Jupyter stopped or died)"
                for line in data.splitlines():
                    if line.startswith(b"term"):
                        grace = _parse_grace(line, grace)
                        reason = "stop requested"
            if got_signal and reason is None:
                reason = f"got {signal.Signals(got_signal[0]).name}"
            self.reap()
            if self.child_code is not None and reason is None:
                reason = f"command exited with code {self.child_code}"
        self.say(f"{reason}; stopping process group {self.pgid}")
        self.shutdown(grace)
        child.returncode = self.child_code  # we reaped it ourselves; keep Popen quiet
        code = self.child_code if self.child_code is not None else 1
        self.say(f"done (exit code {code})")
        return code


def _kill(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 512):
            pass
    except BlockingIOError:
        pass


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 4096)
    except OSError:
        return b""


def _parse_grace(line: bytes, default: float) -> float:
    try:
        return max(0.0, float(line.split()[1]))
    except (IndexError, ValueError):
        return default


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--" not in argv:
        print("usage: launcher --fd N [--grace S] [--parent PID] -- command ...", file=sys.stderr)
        return 2
    split = argv.index("--")
    parser = argparse.ArgumentParser(prog="launcher")
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--grace", type=float, default=DEFAULT_GRACE)
    parser.add_argument("--parent", type=int, default=0)
    parser.add_argument("--name", default="")
    args = parser.parse_args(argv[:split])
    command = argv[split + 1 :]
    if not command:
        parser.error("no command given after --")
    return Launcher(args.name, command).run(args.fd, args.grace, args.parent)


if __name__ == "__main__":
    sys.exit(main())
