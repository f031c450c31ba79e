"""The server extension application.

An ``ExtensionApp`` rather than a module-style extension because only ExtensionApps get
``stop_extension()``, which is where the processes we start are stopped.
"""

from jupyter_server.extension.application import ExtensionApp

from . import __version__
from .routes import build_routes


class MlflowWorkspaceApp(ExtensionApp):
    """Admin settings live here as traitlets (``c.MlflowWorkspaceApp.<trait>``), never in the browser."""

    name = "jupyterlab_mlflow_workspace"
    # Our routes are APIs; there is no page of our own to open.
    load_other_extensions = True

    def initialize_settings(self):
        self.log.debug("jupyterlab_mlflow_workspace %s loaded", __version__)

    def initialize_handlers(self):
        self.handlers.extend(build_routes(self))

    async def stop_extension(self):
        self.log.debug("jupyterlab_mlflow_workspace stopping")
