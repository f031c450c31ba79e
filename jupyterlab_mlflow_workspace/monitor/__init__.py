"""Monitoring of local web services: the tap on the owner gate, request records and samples."""

from .monitors import Monitors
from .store import Limits, ServiceMonitor
from .tap import Exchange, Tap

__all__ = ["Exchange", "Limits", "Monitors", "ServiceMonitor", "Tap"]
