"""Workspace routes: list them, and test the connection to one."""

import tornado

from ..tracking.probe import probe
from .base import WorkspaceHandler


class WorkspacesHandler(WorkspaceHandler):
    @tornado.web.authenticated
    def get(self):
        self.write_json({"workspaces": [w.public() for w in self.ext.registry.list()]})


class TestConnectionHandler(WorkspaceHandler):
    @tornado.web.authenticated
    async def post(self, workspace_id):
        workspace = await self.ext.resolve_workspace(workspace_id)
        self.write_json(await probe(self.ext.upstream, workspace))
