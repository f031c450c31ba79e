"""``POST /mlflow-workspace/api/bridge/connect``: the one route that hands credentials to a kernel.

Besides Jupyter's own authentication it demands the bridge key from the 0600 runtime file that
only this server and the kernels it started can read; the browser never has it. The answer holds
the environment a kernel needs for MLflow's own client: the tracking URI and only the credentials
the workspace has.
"""

import hmac

import tornado

from ..bridge import KEY_HEADER
from .base import WorkspaceError, WorkspaceHandler


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))


def kernel_env(workspace, tracking_uri: str) -> dict[str, str]:
    env = {"MLFLOW_TRACKING_URI": tracking_uri}
    creds = workspace.credentials
    # The same precedence as the proxy's Authorization header (Credentials.headers).
    if creds.token:
        env["MLFLOW_TRACKING_TOKEN"] = creds.token
    elif creds.username is not None and creds.password is not None:
        env["MLFLOW_TRACKING_USERNAME"] = creds.username
        env["MLFLOW_TRACKING_PASSWORD"] = creds.password
    if workspace.mlflow_workspace:
        env["MLFLOW_WORKSPACE"] = workspace.mlflow_workspace
    return env


class BridgeConnectHandler(WorkspaceHandler):
    @tornado.web.authenticated
    async def post(self):
        bridge = getattr(self.ext, "bridge", None)
        given = self.request.headers.get(KEY_HEADER, "")
        if bridge is None or not given or not _same(given, bridge.key):
            raise WorkspaceError(
                "This route is only for kernels started by this Jupyter server: "
                "the bridge key is missing or wrong.",
                status=403,
                reason="bridge_key",
            )
        body = self.get_json_body() or {}
        if not isinstance(body, dict):
            raise WorkspaceError("Expected a JSON object", status=400, reason="bad_request")
        workspace_id = body.get("workspace")
        if workspace_id is None:
            workspace_id = self.ext.registry.list()[0].id
        elif not isinstance(workspace_id, str) or not workspace_id:
            raise WorkspaceError(
                "The workspace must be an id (a string) or null", status=400, reason="bad_request"
            )
        workspace = await self.ext.resolve_workspace(workspace_id)
        tracking_uri = workspace.tracking_uri or workspace.url
        if not tracking_uri:
            raise WorkspaceError(
                f"The workspace {workspace.name!r} has no tracking URI",
                status=409,
                reason="no_tracking_uri",
            )
        self.set_header("Cache-Control", "no-store")
        self.write_json(
            {
                "tracking_uri": tracking_uri,
                "env": kernel_env(workspace, tracking_uri),
                "workspace": {"id": workspace.id, "name": workspace.name, "kind": workspace.kind},
            }
        )
