"""``POST /mlflow-workspace/api/bridge/connect``: the one route that hands credentials to a kernel.

Besides Jupyter's own authentication it demands the bridge key from the 0600 runtime file that
only this server and the kernels it started can read; the browser never has it. The answer holds
the environment a kernel needs for MLflow's own client: the tracking URI and only the credentials
the workspace has.
"""

import tornado
from jupyter_server.auth.decorator import authorized

from ..bridge import kernel_env, require_key
from ..errors import UserError
from .base import ExtensionHandler


class BridgeConnectHandler(ExtensionHandler):
    @tornado.web.authenticated
    @authorized("execute")
    async def post(self):
        require_key(self.request.headers, getattr(self.ext, "bridge", None))
        body = self.get_json_body() or {}
        if not isinstance(body, dict):
            raise UserError("Expected a JSON object", status=400, reason="bad_request")
        workspace_id = body.get("workspace")
        if workspace_id is None:
            workspace_id = self.ext.registry.list()[0].id
        elif not isinstance(workspace_id, str) or not workspace_id:
            raise UserError(
                "The workspace must be an id (a string) or null", status=400, reason="bad_request"
            )
        workspace = await self.ext.resolve_workspace(workspace_id)
        tracking_uri = workspace.tracking_uri or workspace.url
        if not tracking_uri:
            raise UserError(
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
