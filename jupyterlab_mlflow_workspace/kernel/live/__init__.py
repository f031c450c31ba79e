"""Live metrics, kernel side: push this notebook's metric values to JupyterLab while cells run.

Turned on by the connected setup cell (``activate()``) or by ``%load_ext
jupyterlab_mlflow_workspace``; never by silent execution. See ``pusher.py`` for the comm target and
the message format, ``hook.py`` for what is hooked in MLflow.

Importing this package imports neither mlflow nor tornado nor jupyter_server; ``activate()``
imports mlflow.
"""

from __future__ import annotations

from typing import Any

from . import hook, pusher
from .pusher import PROTOCOL_VERSION, TARGET_NAME, THREAD_NAME

__all__ = [
    "PROTOCOL_VERSION",
    "TARGET_NAME",
    "THREAD_NAME",
    "activate",
    "deactivate",
    "flush",
    "status",
]


def activate() -> bool:
    """Hook MLflow and start the flusher (idempotent). ``False`` outside a kernel or when the
    installed MLflow cannot be hooked; nothing is started then."""
    if not pusher.in_kernel():
        return False
    reason = hook.check()
    if reason is not None:
        hook.log.warning("jupyterlab_mlflow_workspace: live metrics are off: %s", reason)
        return False
    sink = pusher.start_pusher()
    if not hook.install(sink):
        pusher.stop_pusher()
        return False
    sink.announce()
    return True


def deactivate(timeout: float = 2.0) -> None:
    """Unhook MLflow, send what is waiting (for up to ``timeout`` s), stop the flusher and
    close the comm."""
    hook.uninstall()
    pusher.stop_pusher(timeout)


def flush(timeout: float = 5.0) -> bool:
    """Wait until every value logged so far was sent; ``False`` on timeout or when inactive."""
    current = pusher.get_pusher()
    return current is not None and current.flush(timeout)


def status() -> dict[str, Any]:
    """Whether pushing is on, and the flusher's counters (for tests and benchmarks)."""
    current = pusher.get_pusher()
    return {
        "active": hook.installed() and current is not None and current.alive,
        "hooked": hook.installed(),
        "flusher_alive": current is not None and current.alive,
        **(dict(current.stats) if current is not None else {}),
    }
