"""Workspace routes: list them, and test the connection to one."""

import tornado
from jupyter_server.auth.decorator import authorized

from ..tracking.probe import probe
from .base import ExtensionHandler


class WorkspacesHandler(ExtensionHandler):
    @tornado.web.authenticated
    @authorized("read")
    def get(self):
        self.write_json({"workspaces": [w.public() for w in self.ext.registry.list()]})

    @tornado.web.authenticated
    @authorized("write")
    def post(self):
        # Secrets only ever travel in request bodies, never in URLs.
        workspace = self.ext.registry.store.create(self.json_body())
        self.write_json(workspace.public(), status=201)


class WorkspaceHandlerById(ExtensionHandler):
    @tornado.web.authenticated
    @authorized("write")
    def put(self, workspace_id):
        self.ext.registry.editable(workspace_id)
        workspace = self.ext.registry.store.update(workspace_id, self.json_body())
        self.write_json(workspace.public())

    @tornado.web.authenticated
    @authorized("write")
    def delete(self, workspace_id):
        self.ext.registry.editable(workspace_id)
        self.ext.registry.store.delete(workspace_id)
        self.set_status(204)
        self.finish()


class TestConnectionHandler(ExtensionHandler):
    @tornado.web.authenticated
    @authorized("read")
    async def post(self, workspace_id):
        workspace = await self.ext.resolve_workspace(workspace_id)
        self.write_json(await probe(self.ext.upstream, workspace))
