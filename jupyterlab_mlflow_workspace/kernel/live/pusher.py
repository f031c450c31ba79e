"""Buffer, background flusher and comm that push this kernel's metric values to JupyterLab.

The hook (``hook.py``) hands every stored metric value to :class:`Pusher`; one background thread
(named :data:`THREAD_NAME`) sends them to the frontend over a Jupyter comm, so they reach the
browser on IOPub while the cell that logs them is still running.

Wire format (comm target :data:`TARGET_NAME`, version :data:`PROTOCOL_VERSION`)
------------------------------------------------------------------------------
The kernel opens the comm; the frontend only registers the target. The ``data`` of the
``comm_open`` *and* of every ``comm_msg`` has the same shape (the ``comm_open`` carries the first
batch, so handle its ``data`` like any message)::

    {
      "v": 1,
      "points": [
        {"run_id": "3f0c…", "key": "loss", "step": 12, "timestamp": 1764080000123, "value": 0.25},
        {"run_id": "3f0c…", "key": "loss", "step": 13, "timestamp": 1764080000180, "value": "NaN"}
      ],
      "runs": [{"run_id": "3f0c…"}, {"run_id": "77ab…", "status": "FINISHED"}],
      "dropped": 1200
    }

``points``
    Metric values in the order MLflow stored them, exactly as passed to the store: ``step`` and
    ``timestamp`` (ms since the epoch) are integers, ``value`` a number or one of MLflow's strings
    ``"NaN"``, ``"Infinity"``, ``"-Infinity"``. Only values MLflow accepted are sent (after a
    synchronous call returned, or when an asynchronous call's future completed without error).
    ``(run_id, key, step, timestamp)`` is the point's identity; merge with polled history on it.
    Note that SQL-backed tracking stores clamp ±Infinity to ±1.7976931348623157e308 when they
    store it, so the polled value of such a point is that number while the pushed one is
    ``"Infinity"``; the tracking server is the truth.
``runs``
    Every run that has points in this message, plus runs that ended since the last message, with
    ``status`` (``"FINISHED"``, ``"FAILED"``, ``"KILLED"``) only for the latter. A message ends
    right after a run's end, so no point of that run follows its ``status`` in the same message.
``dropped`` (optional)
    Points discarded because the buffer was full (:data:`MAX_BUFFERED_POINTS`) since the last
    message; poll the tracking server to fill the gap.
``v``
    :data:`PROTOCOL_VERSION`; a frontend ignores messages with a version it does not know.

Limits: a message goes out every :data:`FLUSH_INTERVAL` s while values arrive (at once when
:data:`FLUSH_POINTS` are waiting or a run ends), never more than :data:`MAX_MESSAGES_PER_SECOND`
messages per second and never more than :data:`MAX_MESSAGE_BYTES` per message, so Jupyter's
IOPub rate limit (which, when tripped, drops the user's own output) is not approached.

When the frontend closes the comm the next batch reopens it (with a new comm id). JupyterLab
closes a comm at once when no target is registered; the kernel sees the close when the shell (or
the comm's subshell) is next free. A comm closed within :data:`REJECTED_WITHIN` s of its opening
counts as refused, and batches are then discarded (``stats["discarded"]``) for a back-off of 1 s
doubling up to 60 s before the next attempt. Outside a running kernel nothing is started and
nothing is sent.

Standard library and ``comm`` only; no tornado, no jupyter_server, no mlflow.
"""

from __future__ import annotations

import collections
import json
import logging
import math
import sys
import threading
import time
from typing import Any

TARGET_NAME = "jupyterlab-mlflow-workspace:live-metrics"
PROTOCOL_VERSION = 1
THREAD_NAME = "jupyterlab-mlflow-workspace-live-flusher"

FLUSH_INTERVAL = 0.05  # seconds: oldest waiting value is sent after at most this long
FLUSH_POINTS = 500  # ...or as soon as this many are waiting
MAX_MESSAGES_PER_SECOND = 20
MIN_SEND_INTERVAL = 1.0 / MAX_MESSAGES_PER_SECOND
MAX_MESSAGE_BYTES = 256 * 1024  # the whole comm message on the wire
ENVELOPE_RESERVE = 8 * 1024  # header, parent header, metadata, signature, comm id
MAX_BUFFERED_POINTS = 200_000  # beyond this the oldest waiting values are dropped
# A comm the frontend closes within REJECTED_WITHIN s of opening it was refused (JupyterLab does
# that when no target is registered): reopen only after a back-off doubling between these bounds.
REJECTED_WITHIN = 2.0
REOPEN_BACKOFF = (1.0, 60.0)
IDLE_WAKE = 5.0  # seconds; a safety net only, the hook wakes the thread

log = logging.getLogger(__name__)

_MAX_FLOAT = sys.float_info.max
# Upper bounds of the JSON text of one point, beyond its run id and key:
# '{"run_id": , "key": , "step": , "timestamp": , "value": }, ' and three numbers.
_POINT_OVERHEAD = 59 + 20 + 20 + 24
_RUN_OVERHEAD = len('{"run_id": , "status": "FINISHED"}, ')
_MESSAGE_OVERHEAD = len('{"v": 1, "points": [], "runs": [], "dropped": 12345678901}')


def in_kernel() -> bool:
    """Whether this process is a running Jupyter kernel that can open comms."""
    kernelbase = sys.modules.get("ipykernel.kernelbase")
    if kernelbase is not None:
        try:
            return bool(kernelbase.Kernel.initialized())
        except Exception:  # pragma: no cover - defensive
            return False
    # Other kernels (e.g. xeus-python) install their own comm implementation.
    try:
        import comm
    except ImportError:  # pragma: no cover - comm ships with ipykernel
        return False
    return getattr(comm, "create_comm", None) is not getattr(comm, "_create_comm", None)


def encode_value(value: float) -> float | str:
    """A metric value as JSON: finite floats as numbers, others as MLflow's strings."""
    if -_MAX_FLOAT <= value <= _MAX_FLOAT:
        return value
    if value != value:
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


class _Flusher(threading.Thread):
    """The one background thread of a :class:`Pusher` (found by name to stop strays)."""

    def __init__(self, pusher: Pusher) -> None:
        super().__init__(name=THREAD_NAME, daemon=True)
        self.pusher = pusher

    def run(self) -> None:
        self.pusher._run()


class Pusher:
    """Collects stored metric values and sends them in batches from one background thread.

    ``add`` / ``add_many`` / ``run_ended`` are called by the hook in whatever thread logs and
    never block; everything else (encoding, comm, rate limiting) happens in the flusher thread.
    """

    def __init__(self) -> None:
        # A deque's append/popleft are atomic, so the hot path takes no lock.
        self._buf: collections.deque[tuple] = collections.deque(maxlen=MAX_BUFFERED_POINTS)
        self._wake = threading.Event()
        self._armed = False  # the flusher knows there is something to send
        self._dropped = 0
        self._carry: tuple | None = None  # popped item that did not fit the last message
        self._sending = False
        self._stopping = False
        self._abandon = False
        self._thread: _Flusher | None = None
        self._lock = threading.Lock()  # start/stop only
        self._comm: Any = None
        self._closed_comm: Any = None  # the comm the frontend closed last
        self._opened_at = -math.inf
        self._backoff = 0.0
        self._reopen_at = -math.inf
        self._sizes: dict[str, int] = {}
        self.stats = {
            "messages": 0,
            "points": 0,
            "comm_opens": 0,
            "dropped": 0,
            "max_message_bytes": 0,  # estimated upper bound of the JSON of ``data``
            "errors": 0,
            "discarded": 0,  # points not sent while the frontend refused the comm
        }

    # ---- called by the hook (any thread; must be cheap and never raise) -----------------

    def add(self, run_id: str, key: str, step: int, timestamp: int, value: float) -> None:
        buf = self._buf
        n = len(buf)
        if n >= MAX_BUFFERED_POINTS:
            self._dropped += 1
        buf.append((run_id, key, step, timestamp, value))
        if not self._armed or n + 1 == FLUSH_POINTS:
            self._armed = True
            self._wake.set()

    def add_many(self, run_id: str, items: list[tuple[str, int, int, float]]) -> None:
        buf = self._buf
        over = len(buf) + len(items) - MAX_BUFFERED_POINTS
        if over > 0:
            self._dropped += over
        buf.extend((run_id, key, step, ts, value) for key, step, ts, value in items)
        if not self._armed or len(buf) >= FLUSH_POINTS:
            self._armed = True
            self._wake.set()

    def run_ended(self, run_id: str, status: str) -> None:
        self._buf.append((run_id, status))
        self._armed = True
        self._wake.set()

    # ---- life cycle ----------------------------------------------------------------------

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        with self._lock:
            if self.alive:
                return
            self._stopping = self._abandon = False
            self._thread = _Flusher(self)
            self._thread.start()

    def stop(self, timeout: float = 2.0, close_comm: bool = True) -> None:
        """Send what is waiting (for up to ``timeout`` s), stop the thread, close the comm."""
        with self._lock:
            thread = self._thread
            self._stopping = True
            self._wake.set()
            if thread is not None and thread is not threading.current_thread():
                thread.join(timeout)
                if thread.is_alive():
                    self._abandon = True
                    self._wake.set()
                    thread.join(0.5)
            self._thread = None
            if close_comm:
                self._close_comm()

    def flush(self, timeout: float = 5.0) -> bool:
        """Wake the flusher and wait until everything buffered so far was sent."""
        deadline = time.monotonic() + timeout
        self._armed = True
        self._wake.set()
        while self._buf or self._carry is not None or self._sending:
            if not self.alive or time.monotonic() >= deadline:
                return False
            time.sleep(0.005)
        return True

    # ---- the flusher thread --------------------------------------------------------------

    def _run(self) -> None:
        last_send = -math.inf
        batch_start: float | None = None
        wake = self._wake
        while not self._abandon:
            try:
                if not self._buf and self._carry is None:
                    if self._stopping:
                        break
                    wake.clear()
                    now = time.monotonic()
                    if now < last_send + FLUSH_INTERVAL:
                        # Values are flowing: look again at the next tick rather than going
                        # idle, so that a steady stream costs one wake-up per message here and
                        # no Event.set() in the logging thread.
                        wake.wait(last_send + FLUSH_INTERVAL - now)
                        continue
                    self._armed = False
                    if not self._buf:
                        wake.wait(IDLE_WAKE)
                        batch_start = None
                        continue
                wake.clear()  # before looking, so that a wake-up from now on is not lost
                now = time.monotonic()
                if batch_start is None:
                    batch_start = now
                due = batch_start + FLUSH_INTERVAL
                if self._stopping or len(self._buf) >= FLUSH_POINTS or self._end_waiting():
                    due = now
                due = max(due, last_send + MIN_SEND_INTERVAL)
                if now < due:
                    wake.wait(due - now)
                    continue
                self._sending = True
                try:
                    data = self._take()
                    if data is not None:
                        self._send(data)
                        last_send = time.monotonic()
                finally:
                    self._sending = False
                batch_start = last_send  # what arrives from now on waits from here
            except Exception:  # never die: a lost batch is recovered by polling
                self.stats["errors"] += 1
                log.debug("live metrics flusher: batch lost", exc_info=True)
                self._sending = False
                time.sleep(MIN_SEND_INTERVAL)

    def _end_waiting(self) -> bool:
        carry = self._carry
        if carry is not None and len(carry) == 2:
            return True
        # A run end is normally the last thing logged for a run: look at the newest item only.
        try:
            return len(self._buf[-1]) == 2
        except IndexError:
            return False

    def _size(self, text: str) -> int:
        size = self._sizes.get(text)
        if size is None:
            if len(self._sizes) > 10_000:
                self._sizes.clear()
            size = len(json.dumps(text, ensure_ascii=False).encode("utf-8", "surrogateescape"))
            self._sizes[text] = size
        return size

    def _take(self) -> dict | None:
        """Pop the next message's worth of items (by estimated size) and build its data."""
        budget = MAX_MESSAGE_BYTES - ENVELOPE_RESERVE - _MESSAGE_OVERHEAD
        used = 0
        points: list[dict] = []
        runs: dict[str, dict] = {}
        buf = self._buf
        while True:
            item = self._carry
            if item is not None:
                self._carry = None
            else:
                try:
                    item = buf.popleft()
                except IndexError:
                    break
            run_id = item[0]
            cost = 0 if run_id in runs else _RUN_OVERHEAD + self._size(run_id)
            if len(item) == 2:  # the end of a run
                if used + cost > budget and (points or runs):
                    self._carry = item
                    break
                runs.pop(run_id, None)
                runs[run_id] = {"run_id": run_id, "status": str(item[1])}
                used += cost
                break
            _, key, step, timestamp, value = item
            cost += _POINT_OVERHEAD + self._size(run_id) + self._size(key)
            if used + cost > budget and (points or runs):
                self._carry = item
                break
            try:
                point = {
                    "run_id": run_id,
                    "key": key,
                    "step": step if type(step) is int else int(step),
                    "timestamp": timestamp if type(timestamp) is int else int(timestamp),
                    "value": encode_value(value if type(value) is float else float(value)),
                }
            except Exception:  # an odd value MLflow's store accepted; polling will show it
                log.debug("live metrics: point %r not sent", item, exc_info=True)
                continue
            points.append(point)
            if run_id not in runs:
                runs[run_id] = {"run_id": run_id}
            used += cost
        if not points and not runs:
            return None
        data: dict[str, Any] = {
            "v": PROTOCOL_VERSION,
            "points": points,
            "runs": list(runs.values()),
        }
        dropped, self._dropped = self._dropped, 0
        if dropped:
            data["dropped"] = dropped
            self.stats["dropped"] += dropped
        self.stats["max_message_bytes"] = max(self.stats["max_message_bytes"], used)
        return data

    def announce(self) -> None:
        """Open the comm now, empty, unless it is open: the frontend learns that this kernel
        pushes as soon as the setup cell ran (its "metrics are polled" hint goes), not only
        with the first value logged. Called on the kernel's thread while the flusher is idle."""
        if self._comm is not None and not getattr(self._comm, "_closed", False):
            return
        try:
            self._open({"v": PROTOCOL_VERSION, "points": [], "runs": []})
        except Exception:  # no frontend listening: the first batch opens it later
            log.debug("live metrics: announce failed", exc_info=True)

    def _send(self, data: dict) -> bool:
        comm = self._comm
        if comm is not None and (comm is self._closed_comm or getattr(comm, "_closed", False)):
            comm = self._comm = None  # closed by the frontend: reopen with this batch
        if comm is None:
            if time.monotonic() < self._reopen_at:
                # The frontend keeps refusing the comm (no target registered): do not pester it.
                self.stats["discarded"] += len(data["points"])
                return False
            self._open(data)
        else:
            comm.send(data)
        self.stats["messages"] += 1
        self.stats["points"] += len(data["points"])
        return True

    def _open(self, data: dict) -> None:
        import comm as comm_module  # looked up now: ipykernel replaces create_comm on import

        self._opened_at = time.monotonic()
        comm = comm_module.create_comm(target_name=TARGET_NAME, data=data)
        comm.on_close(lambda _msg, closed=comm: self._on_close(closed))
        self._comm = comm
        self.stats["comm_opens"] += 1

    def _on_close(self, comm: Any) -> None:
        """The frontend closed ``comm`` (called in the thread that handles the comm_close)."""
        self._closed_comm = comm
        if comm is not self._comm:
            return
        now = time.monotonic()
        if now - self._opened_at < REJECTED_WITHIN:
            self._backoff = min(max(2 * self._backoff, REOPEN_BACKOFF[0]), REOPEN_BACKOFF[1])
            self._reopen_at = now + self._backoff
        else:
            self._backoff = 0.0

    def _close_comm(self) -> None:
        comm, self._comm = self._comm, None
        if comm is not None and not getattr(comm, "_closed", False):
            try:
                comm.close()
            except Exception:
                log.debug("live metrics: closing the comm failed", exc_info=True)


_PUSHER: Pusher | None = None


def get_pusher() -> Pusher | None:
    """The pusher of this module (``None`` until :func:`start_pusher`)."""
    return _PUSHER


def start_pusher() -> Pusher:
    """Start this module's pusher (idempotent) after stopping flushers left by older copies.

    Re-running the setup cell, ``%reload_ext`` or ``importlib.reload`` of this module therefore
    leaves exactly one thread named :data:`THREAD_NAME`.
    """
    global _PUSHER  # noqa: PLW0603
    pusher = _PUSHER
    if pusher is None:
        pusher = _PUSHER = Pusher()
    stop_strays(keep=pusher)
    pusher.start()
    return pusher


def stop_pusher(timeout: float = 2.0) -> None:
    """Stop this module's pusher and any stray flusher (sending what is waiting first)."""
    global _PUSHER  # noqa: PLW0603
    pusher, _PUSHER = _PUSHER, None
    if pusher is not None:
        pusher.stop(timeout)
    stop_strays(keep=None, timeout=timeout)


def stop_strays(keep: Pusher | None, timeout: float = 2.0) -> None:
    """Stop every flusher thread (by name) that does not belong to ``keep``."""
    for thread in threading.enumerate():
        if thread.name != THREAD_NAME or thread is threading.current_thread():
            continue
        owner = getattr(thread, "pusher", None)
        if owner is keep and keep is not None:
            continue
        stop = getattr(owner, "stop", None)
        if callable(stop):
            try:
                stop(timeout)
            except Exception:
                log.debug("live metrics: stopping a stray flusher failed", exc_info=True)
