"""The route table: every REST route of the extension, in one place.

Patterns are relative to the server's base URL (``ExtensionApp`` prepends it), so the same table
works under JupyterHub's ``/user/<name>/``.
"""

from jupyter_server.utils import url_path_join

from .handlers.bridge import BridgeConnectHandler
from .handlers.deploy import (
    AzureDeploymentsHandler,
    DeploymentDriftHandler,
    DeploymentHandler,
    DeploymentInvocationsHandler,
    DeploymentLogHandler,
    DeploymentMonitorHandler,
    DeploymentPreflightHandler,
    DeploymentsHandler,
)
from .handlers.info import InfoHandler
from .handlers.local import LocalActionHandler, LocalStatusHandler
from .handlers.proxy import ProxyHandler
from .handlers.workspaces import TestConnectionHandler, WorkspaceHandlerById, WorkspacesHandler

NAMESPACE = "mlflow-workspace"
_ID = r"(?P<workspace_id>[A-Za-z0-9_.-]+)"
_DEPLOYMENT = r"(?P<deployment_id>[0-9a-f]{8}|az-[0-9a-f]{8})"  # local, or a recorded Azure one


def build_routes(app):
    """Return ``(pattern, handler, kwargs)`` triples for the extension app."""
    kwargs = {"ext": app}

    def route(path, handler):
        return (url_path_join(NAMESPACE, path), handler, kwargs)

    return [
        # Handshake: version and features, so the panel can warn about a missing or stale server part.
        route("info", InfoHandler),
        # Workspaces: list, test connection.
        route("api/workspaces", WorkspacesHandler),
        route(f"api/workspaces/{_ID}", WorkspaceHandlerById),
        route(f"api/workspaces/{_ID}/test", TestConnectionHandler),
        # The proxy to the workspace's tracking server (allowlisted MLflow endpoints only).
        route(f"api/workspaces/{_ID}/mlflow/(?P<_path>.*)", ProxyHandler),
        # The local MLflow server the extension runs.
        route("api/local", LocalStatusHandler),
        route("api/local/(?P<action>[a-z]+)", LocalActionHandler),
        # Kernel bridge: credentials for kernels started by this server (needs the bridge key).
        route("api/bridge/connect", BridgeConnectHandler),
        # Local deployments (MLflow's scoring server under the supervisor) and calls to them.
        route("api/deployments", DeploymentsHandler),
        route("api/deployments/preflight", DeploymentPreflightHandler),
        route("api/deployments/azure", AzureDeploymentsHandler),
        route(f"api/deployments/{_DEPLOYMENT}", DeploymentHandler),
        route(f"api/deployments/{_DEPLOYMENT}/log", DeploymentLogHandler),
        route(f"api/deployments/{_DEPLOYMENT}/monitor", DeploymentMonitorHandler),
        route(f"api/deployments/{_DEPLOYMENT}/drift", DeploymentDriftHandler),
        route(f"api/deployments/{_DEPLOYMENT}/invocations", DeploymentInvocationsHandler),
    ]
