"""``GET /mlflow-workspace/info``: the handshake the panel makes on start."""

import tornado
from jupyter_server.auth.decorator import authorized

from .. import __version__
from .base import ExtensionHandler

# Capabilities this server part offers; the browser enables features by name, not by version.
FEATURES = ["info", "workspaces", "local", "proxy", "bridge", "deployments"]


class InfoHandler(ExtensionHandler):
    @tornado.web.authenticated
    @authorized("read")
    def get(self):
        self.write_json({"version": __version__, "features": FEATURES})
