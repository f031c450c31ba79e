"""Deployments the server part runs itself (only the local web service: ``mlflow models serve``).

Other targets (Azure managed endpoints, Kubernetes, ...) have no Python side: their cells are
generated in TypeScript and run in the user's kernel. See ``targets.py``.
"""

from .local import LocalDeployments
from .targets import TARGETS, target_for

__all__ = ["TARGETS", "LocalDeployments", "target_for"]
