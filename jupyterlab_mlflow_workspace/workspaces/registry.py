"""The list of workspaces the server part knows, and the only way a proxy target is chosen.

Sources, in display order: the environment (``MLFLOW_TRACKING_URI`` of the Jupyter server), the
local server the extension runs, and workspaces the admin configured with traitlets (secrets by
environment-variable name). The target of a request is always looked up here by id.
"""

from __future__ import annotations

import os
from urllib.parse import unquote, urlsplit, urlunsplit

from ..errors import UserError
from .model import Credentials, Workspace

LOCAL_ID = "local"
ENVIRONMENT_ID = "environment"


def _env_credentials(token_var=None, username_var=None, password_var=None) -> Credentials:
    def read(name):
        return os.environ.get(name) if name else None

    return Credentials(
        token=read(token_var), username=read(username_var), password=read(password_var)
    )


def split_userinfo(uri: str) -> tuple[str, tuple[str, str] | None]:
    """``http://alice:pw@host/x`` -> (``http://host/x``, ("alice", "pw")), percent-decoded."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return uri, None
    if "@" not in parts.netloc:
        return uri, None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    username, _, password = userinfo.partition(":")
    clean = urlunsplit((parts.scheme, hostport, parts.path, parts.query, parts.fragment))
    return clean, (unquote(username), unquote(password))


class WorkspaceRegistry:
    def __init__(self, *, local_url_getter, admin_workspaces: list[dict], store=None):
        self._local_url = local_url_getter
        self._admin = admin_workspaces
        self.store = store

    def list(self) -> list[Workspace]:
        found = []
        env = self._environment()
        if env is not None:
            found.append(env)
        found.append(self._local())
        found.extend(self._admin_workspace(entry) for entry in self._admin)
        if self.store is not None:
            found.extend(self.store.list())
        return found

    def secrets(self) -> list[str]:
        """Every secret the server holds (admin environment variables and the store)."""
        found = []
        for entry in self._admin:
            creds = _env_credentials(entry.get("token_env"), None, entry.get("password_env"))
            found.extend(creds.secrets())
        env = self._environment()
        if env is not None:
            found.extend(env.credentials.secrets())
        if self.store is not None:
            found.extend(self.store.secrets())
        return found

    def editable(self, workspace_id: str) -> None:
        """Raise unless ``workspace_id`` is a user workspace (not environment, local or admin)."""
        workspace = self.get(workspace_id)
        if workspace.read_only:
            raise UserError(
                f"The workspace {workspace.name!r} is provided by the server and cannot be changed here",
                status=409,
                reason="read_only",
            )

    def get(self, workspace_id: str) -> Workspace:
        for workspace in self.list():
            if workspace.id == workspace_id:
                return workspace
        raise UserError(
            "There is no workspace with this id", status=404, reason="unknown_workspace"
        )

    def _local(self) -> Workspace:
        url = self._local_url() or ""
        return Workspace(
            id=LOCAL_ID,
            kind="local",
            name="Local",
            url=url,
            tracking_uri=url,
            read_only=True,
            note="An MLflow server the extension runs on this machine, started on first use.",
        )

    def _environment(self) -> Workspace | None:
        uri = os.environ.get("MLFLOW_TRACKING_URI", "").strip()
        if not uri:
            return None
        browsable = uri.startswith(("http://", "https://"))
        uri, userinfo = split_userinfo(uri)
        credentials = _env_credentials(
            "MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD"
        )
        if userinfo and not (credentials.token or credentials.username):
            # MLflow itself reads a password from the URI; here it becomes stored credentials
            # (sent as basic auth, masked in logs) and never part of a URL the browser or a
            # notebook sees.
            credentials = Credentials(username=userinfo[0], password=userinfo[1])
        return Workspace(
            id=ENVIRONMENT_ID,
            kind="environment",
            name="Environment",
            url=uri if browsable else "",
            tracking_uri=uri,
            read_only=True,
            mlflow_workspace=os.environ.get("MLFLOW_WORKSPACE") or None,
            credentials=credentials,
            note=""
            if browsable
            else "Set by MLFLOW_TRACKING_URI; only http(s) servers can be browsed.",
        )

    @staticmethod
    def _admin_workspace(entry: dict) -> Workspace:
        return Workspace(
            id=str(entry["id"]),
            kind=entry.get("kind", "mlflow"),
            name=str(entry.get("name", entry["id"])),
            url=str(entry.get("url", "")).rstrip("/"),
            read_only=True,
            mlflow_workspace=entry.get("workspace") or None,
            credentials=_env_credentials(
                entry.get("token_env"), entry.get("username_env"), entry.get("password_env")
            ),
        )
