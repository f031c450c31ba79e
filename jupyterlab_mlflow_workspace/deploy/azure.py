"""Azure deployments made from this user's notebooks: a list, never a cloud call.

The cell that deployed (in the user's kernel, with the user's Azure sign-in) records what it made
through the kernel bridge; the panel lists it beside the local web services. State, logs, calls
and deletion run as reviewable cells in the kernel too (design: cloud calls stay in the kernel),
so this server holds no Azure credential. A record is checked field by field and holds no secret:
an unknown field (a key, a token) is refused rather than stored.

``azure-deployments.json`` sits beside ``deployments.json`` (0600 in the 0700 state folder) and is
shared by every Jupyter server of the user: a cloud deployment outlives the server that saw it.
"""

from __future__ import annotations

import os
import re
import secrets
import time
import urllib.parse

from ..errors import UserError
from .records import RecordFile

STATE_FILE = "azure-deployments.json"
KINDS = ("azure-managed-online", "azure-kubernetes-online", "azure-aci", "azure-aks")
# Azure's own rules are checked by the dialog; here only what keeps the list sane.
_TEXT = re.compile(r"^[^\x00-\x1f\x7f]{0,256}$")
_FIELDS = {
    "target": True,
    "subscription_id": True,
    "resource_group": True,
    "workspace_name": True,
    "endpoint": True,
    "deployment": False,
    "scoring_uri": False,
    "model_uri": False,
    "auth_mode": False,
}
MAX_RECORDS = 200
ID_PREFIX = "az-"  # local ids are 8 hex digits: an Azure record never takes one


def _problem(body: object) -> str:
    if not isinstance(body, dict):
        return "send a JSON object"
    unknown = sorted(set(body) - set(_FIELDS))
    if unknown:
        return f"unknown field(s) {', '.join(map(repr, unknown))}; a record holds no secret"
    for name, required in _FIELDS.items():
        value = body.get(name)
        if value is None and not required:
            continue
        if not isinstance(value, str) or not _TEXT.match(value) or (required and not value):
            return f"{name} must be text of at most 256 characters, without control characters"
    if body["target"] not in KINDS:
        return f"target must be one of {', '.join(KINDS)}"
    uri = body.get("scoring_uri")
    if uri:
        parts = urllib.parse.urlsplit(uri)
        # ACI scores over http unless TLS was configured; nothing else is a scoring URI.
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return "scoring_uri must be an http(s) URL"
    return ""


class AzureDeployments:
    """The recorded Azure deployments, shaped like the local ones for the panel's list."""

    def __init__(self, state_dir: str):
        os.makedirs(state_dir, mode=0o700, exist_ok=True)
        self._file = RecordFile(state_dir, owner="", name=STATE_FILE)

    def list(self) -> list[dict]:
        with self._file._locked():
            return [self._shown(r) for r in self._file._read()]

    def record(self, body: object) -> dict:
        """Add (or replace: same target, workspace, endpoint and deployment) one record."""
        problem = _problem(body)
        if problem:
            raise UserError(
                f"Cannot record the Azure deployment: {problem}.", status=400, reason="bad_request"
            )
        record = {name: body.get(name) for name in _FIELDS}
        same = (
            "target",
            "subscription_id",
            "resource_group",
            "workspace_name",
            "endpoint",
            "deployment",
        )
        with self._file._locked():
            items = self._file._read()
            kept = [r for r in items if any(r.get(k) != record[k] for k in same)]
            if len(kept) >= MAX_RECORDS:
                raise UserError(
                    f"Cannot record more than {MAX_RECORDS} Azure deployments: remove some from "
                    "the list first.",
                    status=409,
                    reason="too_many",
                )
            record["id"] = f"{ID_PREFIX}{secrets.token_hex(4)}"
            record["created_at"] = time.time()
            self._file._write(kept + [record])
        return self._shown(record)

    def get(self, deployment_id: str) -> dict:
        for item in self.list():
            if item["id"] == deployment_id:
                return item
        raise UserError(
            f"No Azure deployment {deployment_id!r} is listed.", status=404, reason="not_found"
        )

    def forget(self, deployment_id: str) -> dict:
        """Remove a record from the list (the cloud resource is deleted by a cell, not here)."""
        with self._file._locked():
            items = self._file._read()
            kept = [r for r in items if r.get("id") != deployment_id]
            if len(kept) == len(items):
                raise UserError(
                    f"No Azure deployment {deployment_id!r} is listed.",
                    status=404,
                    reason="not_found",
                )
            self._file._write(kept)
        return {"id": deployment_id, "state": "stopped"}

    @staticmethod
    def _shown(record: dict) -> dict:
        azure = {name: record.get(name) for name in _FIELDS if name != "model_uri"}
        name = record.get("endpoint") or ""
        if record.get("deployment"):
            name = f"{name}/{record['deployment']}"
        return {
            "id": record.get("id"),
            "name": name,
            "target": record.get("target"),
            "model_uri": record.get("model_uri") or "",
            "workspace": {"id": "", "name": record.get("workspace_name") or ""},
            "state": "deployed",
            "message": "",
            "scoring_uri": record.get("scoring_uri") or None,
            "created_at": record.get("created_at"),
            "azure": azure,
            # The local service's fields, empty: the panel shows one list.
            "python": "",
            "python_source": "",
            "env_manager": "",
            "port": None,
            "url": None,
            "pid": None,
            "restarts": 0,
            "ready_at": None,
            "started_in": None,
            "preflight": None,
        }
