"""The local MLflow server: status with log tail, and start / stop / restart / upgrade."""

import tornado
from jupyter_server.auth.decorator import authorized

from ..errors import UserError
from .base import ExtensionHandler

ACTIONS = ("start", "stop", "restart", "upgrade")


class LocalStatusHandler(ExtensionHandler):
    @tornado.web.authenticated
    @authorized("read")
    def get(self):
        local = self.ext.local
        self.write_json({**local.status(), "log": local.logs(200)})


class LocalActionHandler(ExtensionHandler):
    @tornado.web.authenticated
    @authorized("execute")
    async def post(self, action):
        local = self.ext.local
        if action not in ACTIONS:
            raise UserError(f"Unknown action {action!r}", status=404, reason="unknown_action")
        extra = {}
        if action == "start":
            await local.ensure_started()
        elif action == "stop":
            await local.stop()
        elif action == "restart":
            await local.restart()
        else:
            extra = await local.upgrade()
        self.write_json({**local.status(), **extra})
