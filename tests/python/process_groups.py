"""Process groups for the test servers: each under a watchdog that takes it down with pytest.

``spawn_group`` starts a command as the child of a tiny watchdog that leads a new process group
and holds a pipe from pytest; ``stop_group`` stops the group (the stop signal, then SIGKILL after
``STOP_GRACE`` s). When pytest dies, even by ``kill -9``, the pipe's EOF makes the watchdog take
the group down.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

STOP_GRACE = 5.0


class ServerStartError(RuntimeError):
    pass


# Runs as the leader of the server's process group. It starts the server and waits; when pytest
# goes away, however it goes, the pipe on its stdin reaches EOF and it takes the whole group down
# with the stop signal (argv[1]), then SIGKILL. It ignores that signal itself and leaves with
# its child, so a stop from pytest (the same signal to the group) lets the child shut down.
_WATCHDOG = r"""
import os, signal, subprocess, sys, threading
stop = int(sys.argv[1])
child = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL)
signal.signal(stop, signal.SIG_IGN)
dying, done = threading.Event(), threading.Event()
def reap():
    code = child.wait()
    done.set()
    if not dying.is_set():
        os._exit(code)
threading.Thread(target=reap, daemon=True).start()
try:
    while os.read(0, 4096):
        pass
except OSError:
    pass
dying.set()
os.killpg(0, stop)
done.wait(5)
os.killpg(0, signal.SIGKILL)
"""


def spawn_group(
    cmd: list[str], *, log_path: Path, cwd: Path, env: dict[str, str], stop: int = signal.SIGTERM
) -> subprocess.Popen[bytes]:
    """``cmd`` under the watchdog, in a new process group; the command line and output go to
    ``log_path``."""
    with open(log_path, "ab") as log:
        log.write(f"$ {' '.join(cmd)}\n".encode())
        log.flush()
        return subprocess.Popen(
            [sys.executable, "-c", _WATCHDOG, str(int(stop)), *cmd],
            stdin=subprocess.PIPE,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=env,
            start_new_session=True,
        )


def stop_group(popen: subprocess.Popen[bytes], stop: int = signal.SIGTERM) -> None:
    """``stop`` to the group, SIGKILL to what is left after ``STOP_GRACE`` seconds."""
    pgid = popen.pid  # the watchdog leads the group (start_new_session)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, stop)
    deadline = time.monotonic() + STOP_GRACE
    with contextlib.suppress(subprocess.TimeoutExpired):
        popen.wait(timeout=STOP_GRACE)
    while time.monotonic() < deadline and group_alive(pgid):
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        popen.wait(timeout=5)
    if popen.stdin:
        with contextlib.suppress(OSError):
            popen.stdin.close()


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
