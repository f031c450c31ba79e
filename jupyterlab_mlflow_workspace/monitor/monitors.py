"""The monitors of all local web services of this Jupyter server, and their batched saving."""

from __future__ import annotations

import asyncio
import os

from .quality import signature_quality
from .store import Limits, ServiceMonitor
from .tap import Exchange, Tap

BASELINE_HOW = (
    "No baseline profile was found with this model's run. Log one in the training cell, on the "
    "rows the model was trained on: from jupyterlab_mlflow_workspace import log_baseline; "
    "log_baseline(X_train, predictions=model.predict(X_train)). Deploy again to use it."
)
SCIPY_MISSING = (
    "Drift needs numpy and scipy in the environment that runs Jupyter: pip install numpy scipy"
)


class Monitors:
    def __init__(self, state_dir: str, limits: Limits | None = None, log=None):
        self.state_dir = state_dir
        self.limits = limits or Limits()
        self._log = log
        self._monitors: dict[str, ServiceMonitor] = {}
        self._flusher: asyncio.TimerHandle | None = None

    def get(self, deployment_id: str) -> ServiceMonitor:
        if deployment_id not in self._monitors:
            folder = os.path.join(self.state_dir, f"{deployment_id}.monitor")
            self._monitors[deployment_id] = ServiceMonitor(folder, self.limits)
        return self._monitors[deployment_id]

    def tap(self, deployment_id: str):
        """A factory of taps for the deployment's gate: one per connection."""
        monitor = self.get(deployment_id)

        def record(exchange: Exchange) -> None:
            monitor.record(exchange)
            self._schedule_flush()

        return lambda: Tap(record)

    def keep_baseline(self, deployment_id: str, baseline, preflight: dict) -> None:
        """The training run's baseline profile the pre-flight found, checked and saved."""
        preflight["baseline"] = None
        if baseline is None:
            return
        from .profile import check_profile  # numpy, only when there is a profile to read

        try:
            self.get(deployment_id).set_baseline(check_profile(baseline))
        except (ValueError, ImportError) as error:
            preflight.setdefault("warnings", []).append(
                f"The baseline profile was not used: {error}"
            )
            return
        preflight["baseline"] = {"run_id": preflight.pop("baseline_run_id", None),
                                 "features": len(baseline["features"])}  # fmt: skip

    def summary(self, deployment: dict, window: float) -> dict:
        monitor = self.get(deployment["id"])
        return {"id": deployment["id"], "name": deployment["name"], "state": deployment["state"],
                "baseline": monitor.baseline is not None, **monitor.summary(window)}  # fmt: skip

    async def drift(self, deployment: dict, window: float) -> dict:
        """Drift and quality of the rows sampled in the last ``window`` s (monitor/drift.py)."""
        monitor = self.get(deployment["id"])
        samples = monitor.sampled(window)
        signature = (deployment.get("preflight") or {}).get("signature")
        answer = {"id": deployment["id"], "window_s": window, "rows": len(samples),
                  "quality": signature_quality(signature, samples)}  # fmt: skip
        if monitor.baseline is None:
            return {**answer, "baseline": None, "how": BASELINE_HOW}
        try:
            from . import drift
        except ImportError:
            return {**answer, "baseline": True, "error": SCIPY_MISSING}
        report = await asyncio.to_thread(drift.report, monitor.baseline, samples)
        return {**answer, "baseline": True, **report}

    def remove(self, deployment_id: str) -> None:
        self.get(deployment_id).remove()
        self._monitors.pop(deployment_id, None)

    def close(self) -> None:
        if self._flusher is not None:
            self._flusher.cancel()
        self.flush()

    def _schedule_flush(self) -> None:
        """Records reach the disk in batches, once a second, off the request path."""
        if self._flusher is None:
            self._flusher = asyncio.get_running_loop().call_later(1.0, self.flush)

    def flush(self) -> None:
        self._flusher = None
        for monitor in list(self._monitors.values()):
            try:
                monitor.flush()
            except OSError as error:
                if self._log:
                    self._log.warning("Could not save request records: %s", error)
