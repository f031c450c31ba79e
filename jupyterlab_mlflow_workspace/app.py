"""The server extension application.

An ``ExtensionApp`` rather than a module-style extension because only ExtensionApps get
``stop_extension()``, which is where the processes we start are stopped.
"""

import logging
import os
import shutil
import tempfile

from jupyter_core.paths import jupyter_data_dir
from jupyter_server.extension.application import ExtensionApp
from traitlets import Bool, Dict, Float, Int, List, Unicode, default

from . import __version__
from .bridge import RuntimeFile
from .bridge.runtime_file import server_token
from .deploy import LocalDeployments
from .deploy.artifacts import ArtifactResolver
from .deploy.azure import AzureDeployments
from .local.privacy import private_problems
from .local.redact import RedactingFilter
from .local.server import LocalMlflowServer
from .monitor import Limits
from .processes import Supervisor
from .routes import build_routes
from .tracking.upstream import Upstream
from .workspaces.registry import LOCAL_ID, WorkspaceRegistry
from .workspaces.store import WorkspaceStore


class MlflowWorkspaceApp(ExtensionApp):
    """Admin settings live here as traitlets (``c.MlflowWorkspaceApp.<trait>``), never in the browser."""

    name = "jupyterlab_mlflow_workspace"
    load_other_extensions = True

    local_dir = Unicode(
        help="Folder of the local MLflow server: SQLite store, artifacts, port and log. "
        "Default: <Jupyter data dir>/mlflow_workspace/local (outside the served root)."
    ).tag(config=True)

    workspaces = List(
        Dict(),
        help="Read-only workspaces provided by the admin: dicts with id, name, url and optional "
        "token_env / username_env / password_env (names of environment variables holding the "
        "secrets) and workspace (MLflow 3.10+ workspace name).",
    ).tag(config=True)

    allow_link_local = Bool(
        False, help="Allow workspace URLs that resolve to link-local or cloud metadata addresses."
    ).tag(config=True)

    request_timeout = Float(
        60.0,
        help="Seconds to wait for a tracking server's answer; also how long a request may wait "
        "behind others to the same server before it is answered 'busy'.",
    ).tag(config=True)

    max_json_bytes = Int(
        256 * 1024 * 1024,
        help="Largest answer (bytes) the proxy passes on, counted as it arrives (chunked "
        "answers included).",
    ).tag(config=True)

    monitor_rows_per_window = Int(
        1000,
        help="Local web services: at most this many input rows (with their predictions) are "
        "kept as a sample per monitor_window_seconds; every request is still counted.",
    ).tag(config=True)

    monitor_window_seconds = Float(
        60.0, help="The sampling window of monitor_rows_per_window."
    ).tag(config=True)

    monitor_rows_total = Int(
        20000,
        help="Local web services: at most this many sampled rows are kept per deployment (the "
        "oldest go first). They are removed with the deployment.",
    ).tag(config=True)

    store_dir = Unicode(
        help="Folder of the user's workspaces and their secrets (0700; files 0600). "
        "Default: <Jupyter data dir>/mlflow_workspace/workspaces (outside the served root)."
    ).tag(config=True)

    @default("store_dir")
    def _default_store_dir(self):
        return os.path.join(jupyter_data_dir(), "mlflow_workspace", "workspaces")

    @default("local_dir")
    def _default_local_dir(self):
        return os.path.join(jupyter_data_dir(), "mlflow_workspace", "local")

    def initialize_settings(self):
        state_dir = os.path.join(os.path.dirname(os.path.abspath(self.local_dir)), "processes")
        os.makedirs(state_dir, mode=0o700, exist_ok=True)
        self.supervisor = Supervisor(state_dir, log=self.log)
        # Children of a previous Jupyter that died without cleaning up (its pipe already closed
        # them; this catches what is left, checking start time and command line first).
        self.supervisor.reap_stale()
        # The servers' Unix sockets: a 0700 folder with a short path (sockets allow 107 bytes).
        self.sockets_dir = tempfile.mkdtemp(prefix="mlflow-ws-")
        self.local = LocalMlflowServer(
            local_dir=self.local_dir,
            supervisor=self.supervisor,
            sockets_dir=self.sockets_dir,
            log=self.log,
        )
        self.registry = WorkspaceRegistry(
            local_url_getter=lambda: self.local.tracking_uri,
            admin_workspaces=self.workspaces,
            store=WorkspaceStore(self.store_dir),
        )
        self._install_log_filter()
        self.upstream = Upstream(
            timeout=self.request_timeout,
            max_json_bytes=self.max_json_bytes,
            allow_link_local=self.allow_link_local,
            jupyter_ports=self.jupyter_ports,
        )
        self.deployments = LocalDeployments(
            state_dir=os.path.join(os.path.dirname(state_dir), "deployments"),
            supervisor=self.supervisor,
            registry=self.registry,
            resolve_workspace=self.resolve_workspace,
            sockets_dir=self.sockets_dir,
            # Credentials go to a deployment only when the model's files are on the workspace's
            # own server (deploy/artifacts.py).
            artifacts=ArtifactResolver(
                self.upstream,
                allow_link_local=self.allow_link_local,
                jupyter_ports=self.jupyter_ports,
            ),
            monitor_limits=Limits(
                rows_per_window=self.monitor_rows_per_window,
                window_seconds=self.monitor_window_seconds,
                rows_total=self.monitor_rows_total,
            ),
            log=self.log,
        )
        self.azure_deployments = AzureDeployments(
            os.path.join(os.path.dirname(state_dir), "deployments")
        )
        # Kernel bridge: a 0600 runtime file; kernels started from now on inherit only its path.
        self.bridge = RuntimeFile(self.serverapp, version=__version__, log=self.log)
        self.bridge.start()
        for problem in private_problems([self.local_dir, state_dir, self.store_dir,
                                         self.deployments.state_dir]):  # fmt: skip
            self.log.warning("jupyterlab_mlflow_workspace: %s", problem)
        self.log.debug("jupyterlab_mlflow_workspace %s loaded", __version__)

    def _install_log_filter(self):
        """Mask every secret the extension holds in Jupyter's and tornado's logs (request logs
        included), and nothing of Jupyter's own: its login URL must stay usable (issue 12)."""

        def secrets():
            # Called for every log record: never raise, and read only cached secrets.
            try:
                found = self.registry.secrets()
            except Exception:  # noqa: BLE001
                found = []
            bridge = getattr(self, "bridge", None)  # made after the filter is installed
            return [*found, getattr(bridge, "key", None) or ""]

        def jupyter_token():
            # Jupyter prints it in the URL the user opens; it is Jupyter's, not ours, to hide.
            return [server_token(self.serverapp)]

        log_filter = RedactingFilter(secrets, keep=jupyter_token)
        for logger in {self.log, self.serverapp.log, logging.getLogger("tornado.access"),
                       logging.getLogger("tornado.application")}:  # fmt: skip
            logger.addFilter(log_filter)
            # Records that propagate from child loggers pass handlers, not logger filters.
            for handler in logger.handlers:
                handler.addFilter(log_filter)

    def initialize_handlers(self):
        self.handlers.extend(build_routes(self))

    async def resolve_workspace(self, workspace_id: str):
        """The workspace a request targets; the local server is started on first use."""
        workspace = self.registry.get(workspace_id)
        if workspace_id == LOCAL_ID:
            await self.local.ensure_started()
            workspace = self.registry.get(workspace_id)
        return workspace

    def jupyter_ports(self) -> set[int]:
        """The ports this Jupyter server listens on, read now: ``--port=0`` and port retries
        settle only after the extension loads, and the proxy must never call Jupyter itself."""
        ports = set()
        port = getattr(self.serverapp, "port", None)
        if isinstance(port, int) and port > 0:
            ports.add(port)
        server = getattr(self.serverapp, "http_server", None)
        # tornado keeps no public list of a server's sockets; these are the bound ones.
        for sock in list(getattr(server, "_sockets", {}).values()):
            try:
                ports.add(sock.getsockname()[1])
            except (OSError, IndexError):
                continue
        return ports

    async def _start_jupyter_server_extension(self, serverapp):
        # The port is final only now (``--port=0`` and port retries resolve after extension load).
        self.bridge.refresh()

    async def stop_extension(self):
        self.bridge.stop()
        self.upstream.close()
        await self.deployments.close()
        await self.supervisor.stop_all()
        await self.local.close()
        shutil.rmtree(self.sockets_dir, ignore_errors=True)
