"""The one place that hooks MLflow: ``TrackingServiceClient.log_metric`` / ``log_batch``.

Every way of logging a metric in MLflow 2.x/3.x (``mlflow.log_metric(s)``, ``MlflowClient``,
autologging, ``synchronous=False``) goes through
``mlflow.tracking._tracking_service.client.TrackingServiceClient.log_metric`` or ``.log_batch``
before it reaches a store, so the wrappers installed here see each value exactly once, with the
run id, step and timestamp MLflow stores. ``set_terminated`` is wrapped as well, only to push the
run's end (and so flush its last values at once).

* ``log_metric`` fills in the defaults MLflow would (``timestamp`` = now in ms, ``step`` = 0) and
  converts the value with MLflow's own converter *before* calling MLflow, so the pushed point is
  the stored one; arguments are otherwise passed through untouched.
* A value is pushed after the synchronous call returned, or, for ``synchronous=False``, when the
  futures of the returned ``RunOperations`` completed without error (MLflow's async queue calls
  the store directly, not these methods, so nothing is seen twice).
* Nothing here raises into user code: the hook's own failures are swallowed, MLflow's exceptions
  propagate unchanged, and a value MLflow rejected is not pushed.
* The wrappers are private API. :func:`check` verifies the signatures of the installed MLflow;
  on a mismatch nothing is hooked. Installing twice (re-running the setup cell, reloading this
  module) replaces the previous wrappers instead of stacking them.

``mlflow`` is imported by :func:`install`, not when this module is imported.
"""

from __future__ import annotations

import functools
import inspect
import logging
import os
import threading
from typing import Any

log = logging.getLogger(__name__)

MODULE = "mlflow.tracking._tracking_service.client"
CLASS = "TrackingServiceClient"
# Leading parameters (after ``self``) each wrapped method must have, in this order.
EXPECTED = {
    "log_metric": ("run_id", "key", "value", "timestamp", "step", "synchronous"),
    "log_batch": ("run_id", "metrics", "params", "tags", "synchronous"),
    "set_terminated": ("run_id", "status", "end_time"),
}
SUPPORTED_MAJOR = (2, 3)
_MARK = "_jupyterlab_mlflow_workspace_live_original"


class _State:
    """What the wrappers push to; ``sink`` is ``None`` once uninstalled (or in a forked child)."""

    def __init__(self, sink: Any) -> None:
        self.sink = sink


_STATE: _State | None = None
_FORK_HANDLER_REGISTERED = False


def _client_class() -> type:
    import importlib

    return getattr(importlib.import_module(MODULE), CLASS)


def check() -> str | None:
    """``None`` when the installed MLflow can be hooked, else the reason it cannot."""
    try:
        import mlflow
    except Exception as exc:  # ImportError or a broken installation
        return f"mlflow cannot be imported ({type(exc).__name__})"
    try:
        major = int(str(mlflow.__version__).split(".", 1)[0])
    except ValueError:
        return f"unknown mlflow version {mlflow.__version__!r}"
    if major not in SUPPORTED_MAJOR:
        return f"mlflow {mlflow.__version__} is not supported (major {SUPPORTED_MAJOR})"
    try:
        cls = _client_class()
    except Exception as exc:
        return f"{MODULE}.{CLASS} not found ({type(exc).__name__})"
    for name, expected in EXPECTED.items():
        method = _original(getattr(cls, name, None))
        if method is None:
            return f"{CLASS}.{name} not found"
        try:
            params = list(inspect.signature(method).parameters)[1:]
        except (TypeError, ValueError):
            return f"{CLASS}.{name} has no readable signature"
        if tuple(params[: len(expected)]) != expected:
            return f"{CLASS}.{name}{tuple(params)} differs from the expected {expected}"
    return None


def installed() -> bool:
    """Whether our wrappers are on ``TrackingServiceClient`` and push somewhere."""
    if _STATE is None or _STATE.sink is None:
        return False
    try:
        cls = _client_class()
    except Exception:
        return False
    return all(getattr(getattr(cls, name, None), _MARK, None) is not None for name in EXPECTED)


def install(sink: Any) -> bool:
    """Wrap the three methods so that stored values go to ``sink``; ``False`` if not possible.

    ``sink`` has ``add(run_id, key, step, timestamp, value)``,
    ``add_many(run_id, [(key, step, timestamp, value), ...])`` and ``run_ended(run_id, status)``.
    """
    global _STATE  # noqa: PLW0603
    reason = check()
    if reason is not None:
        log.warning("jupyterlab_mlflow_workspace: live metrics are off: %s", reason)
        return False
    cls = _client_class()
    uninstall()
    state = _State(sink)
    originals = {name: _original(getattr(cls, name)) for name in EXPECTED}
    from mlflow.tracking.metric_value_conversion_utils import (
        convert_metric_value_to_float_if_possible,
    )
    from mlflow.utils.time import get_current_time_millis

    wrappers = {
        "log_metric": _wrap_log_metric(
            originals["log_metric"],
            state,
            convert_metric_value_to_float_if_possible,
            get_current_time_millis,
        ),
        "log_batch": _wrap_log_batch(
            originals["log_batch"], state, convert_metric_value_to_float_if_possible
        ),
        "set_terminated": _wrap_set_terminated(originals["set_terminated"], state),
    }
    for name, wrapper in wrappers.items():
        setattr(wrapper, _MARK, originals[name])
        setattr(cls, name, wrapper)
    _STATE = state
    _register_fork_handler()
    return True


def uninstall() -> None:
    """Put MLflow's own methods back (also those wrapped by an older copy of this module)."""
    global _STATE  # noqa: PLW0603
    if _STATE is not None:
        _STATE.sink = None
        _STATE = None
    try:
        cls = _client_class()
    except Exception:
        return
    for name in EXPECTED:
        current = cls.__dict__.get(name)
        original = getattr(current, _MARK, None)
        if original is not None:
            # Make the old wrapper inert too, in case someone kept a reference to it.
            closure_state = _closure_state(current)
            if closure_state is not None:
                closure_state.sink = None
            setattr(cls, name, original)


def _original(method: Any) -> Any:
    """``method`` without our wrapper(s)."""
    while method is not None and getattr(method, _MARK, None) is not None:
        method = getattr(method, _MARK)
    return method


def _closure_state(wrapper: Any) -> Any:
    for cell in getattr(wrapper, "__closure__", None) or ():
        try:
            value = cell.cell_contents
        except ValueError:
            continue
        if hasattr(value, "sink") and type(value).__name__ == "_State":
            return value
    return None


def _register_fork_handler() -> None:
    # A forked child (multiprocessing, DataLoader workers) cannot use the kernel's IOPub socket,
    # and nothing would drain its buffer: its wrappers go inert.
    global _FORK_HANDLER_REGISTERED  # noqa: PLW0603
    if _FORK_HANDLER_REGISTERED or not hasattr(os, "register_at_fork"):
        return
    os.register_at_fork(after_in_child=_after_fork_in_child)
    _FORK_HANDLER_REGISTERED = True


def _after_fork_in_child() -> None:
    state = _STATE
    if state is not None:
        state.sink = None


def _when_stored(result: Any, push: Any) -> None:
    """Call ``push()`` once the async operations in ``result`` all succeeded (now if none)."""
    futures = list(getattr(result, "_operation_futures", None) or ())
    if not futures:
        push()
        return
    lock = threading.Lock()
    pending = [len(futures), False]  # futures not done yet, one of them failed

    def done(future: Any) -> None:
        try:
            failed = future.cancelled() or future.exception() is not None
            with lock:
                pending[0] -= 1
                pending[1] = pending[1] or failed
                last_ok = pending[0] == 0 and not pending[1]
            if last_ok:
                push()
        except Exception:
            log.debug("live metrics: async push failed", exc_info=True)

    for future in futures:
        future.add_done_callback(done)


def _wrap_log_metric(original: Any, state: _State, to_float: Any, now_ms: Any) -> Any:
    @functools.wraps(original)
    def log_metric(self, run_id, key, value, timestamp=None, step=None, *args, **kwargs):
        sink = state.sink
        if sink is None:
            return original(self, run_id, key, value, timestamp, step, *args, **kwargs)
        try:
            # The defaults MLflow would fill in, so that the pushed point is the stored one.
            if timestamp is None:
                timestamp = now_ms()
            if step is None:
                step = 0
            converted = to_float(value)
        except Exception:  # let MLflow raise its own error for this value
            return original(self, run_id, key, value, timestamp, step, *args, **kwargs)
        result = original(self, run_id, key, converted, timestamp, step, *args, **kwargs)
        try:
            if type(converted) is float:
                if args[0] if args else kwargs.get("synchronous", True):
                    sink.add(run_id, key, step, timestamp, converted)
                else:
                    _when_stored(result, lambda: sink.add(run_id, key, step, timestamp, converted))
        except Exception:
            log.debug("live metrics: push failed", exc_info=True)
        return result

    return log_metric


def _wrap_log_batch(original: Any, state: _State, to_float: Any) -> Any:
    @functools.wraps(original)
    def log_batch(self, run_id, metrics=(), *args, **kwargs):
        result = original(self, run_id, metrics, *args, **kwargs)
        sink = state.sink
        if sink is None or not metrics:
            return result
        try:
            items = []
            for metric in metrics:
                value = to_float(metric.value)
                if type(value) is float:
                    items.append((metric.key, metric.step, metric.timestamp, value))
            if items:
                # (run_id, metrics, params, tags, synchronous): synchronous is args[2].
                if args[2] if len(args) > 2 else kwargs.get("synchronous", True):
                    sink.add_many(run_id, items)
                else:
                    _when_stored(result, lambda: sink.add_many(run_id, items))
        except Exception:
            log.debug("live metrics: push failed", exc_info=True)
        return result

    return log_batch


def _wrap_set_terminated(original: Any, state: _State) -> Any:
    @functools.wraps(original)
    def set_terminated(self, run_id, status=None, *args, **kwargs):
        result = original(self, run_id, status, *args, **kwargs)
        sink = state.sink
        if sink is not None:
            try:
                sink.run_ended(run_id, status or "FINISHED")
            except Exception:
                log.debug("live metrics: push failed", exc_info=True)
        return result

    return set_terminated
