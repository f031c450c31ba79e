"""The monitors of all local web services of this Jupyter server, and their batched saving."""

from __future__ import annotations

import asyncio
import os

from .store import Limits, ServiceMonitor
from .tap import Exchange, Tap


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
