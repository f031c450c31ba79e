"""Server-side deployment targets: a plug-in has a Python side only where the server acts.

A target here implements ``validate → deploy → status (get / list) → stop`` (see
``LocalDeployments``). Only "local" exists: the cloud targets generate reviewable cells in
TypeScript that run in the user's kernel with the user's credentials, so the server does nothing.
"""

from __future__ import annotations

from ..errors import UserError

# name → attribute of the extension app holding the manager
TARGETS = {"local": "deployments"}


def target_for(ext, name) -> object:
    """The manager of target ``name``; a 400 in plain words for anything else."""
    attribute = TARGETS.get(name) if isinstance(name, str) else None
    manager = getattr(ext, attribute, None) if attribute else None
    if manager is None:
        known = ", ".join(sorted(TARGETS))
        raise UserError(
            f"Unknown deployment target {name!r}: the server part deploys only to {known}; "
            "other targets run as generated cells in the notebook.",
            status=400,
            reason="unknown_target",
        )
    return manager
