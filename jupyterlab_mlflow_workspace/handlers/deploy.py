"""Deployments the server part runs (target "local": MLflow's scoring server).

``GET  /mlflow-workspace/api/deployments``                   the list (survives a browser reload)
``POST /mlflow-workspace/api/deployments``                   deploy: {target, model_uri, workspace?, …}
``POST /mlflow-workspace/api/deployments/preflight``         the pre-flight alone
``GET  /mlflow-workspace/api/deployments/<id>``              status
``DELETE /mlflow-workspace/api/deployments/<id>``            stop (and forget)
``GET  /mlflow-workspace/api/deployments/<id>/log``          log tail (``?lines=``)
``GET  /mlflow-workspace/api/deployments/<id>/monitor``      traffic, latency, errors (``?window=`` s)
``GET  /mlflow-workspace/api/deployments/<id>/drift``        drift and quality vs the baseline
``POST /mlflow-workspace/api/deployments/<id>/invocations``  forwarded to the scoring server
``POST /mlflow-workspace/api/deployments/azure``             record an Azure deployment (kernel only)

Azure deployments (ids ``az-…``) are records the deploying cell made (deploy/azure.py): listed
here, removed by DELETE; everything else about them runs as cells in the kernel.

The interpreter that serves (``python``) is accepted only from a kernel started by this server,
proven by the bridge key of the 0600 runtime file (as for the bridge route): a path from the
browser would let it run any binary. Without the key the server's own interpreter serves.
"""

import tornado
from jupyter_server.auth.decorator import authorized

from ..bridge import KEY_HEADER, require_key
from ..deploy.azure import ID_PREFIX as AZURE_ID_PREFIX
from ..deploy.targets import TARGETS, target_for
from ..errors import UserError
from .base import ExtensionHandler

SOURCE_HEADER = "X-MLflow-Workspace-Source"  # "scoring-server" on answers of the model itself
_CONTENT_TYPES = ("application/json", "text/csv")


class _DeployHandler(ExtensionHandler):
    def _from_kernel(self) -> bool:
        """True with a valid bridge key; a wrong key is refused, none means the browser."""
        if self.request.headers.get(KEY_HEADER) is None:
            return False
        require_key(self.request.headers, getattr(self.ext, "bridge", None))
        return True

    def _request(self) -> tuple[object, dict]:
        """(manager, keyword arguments shared by deploy and preflight) from the JSON body."""
        body = self.json_body()
        manager = target_for(self.ext, body.get("target", "local"))
        python = body.get("python")
        if python is not None and not self._from_kernel():
            raise UserError(
                "The interpreter can only be chosen by a kernel of this server (through "
                "jupyterlab_mlflow_workspace.deploy_local); the browser deploys with the "
                "server's own interpreter.",
                status=403,
                reason="python_not_allowed",
            )
        return manager, {
            "model_uri": body.get("model_uri"),
            "workspace": body.get("workspace"),
            "tracking_uri": body.get("tracking_uri"),
            "python": python,
            "python_source": "kernel" if python is not None else "server",
            **{k: body[k] for k in ("name", "port", "preflight", "wait") if k in body},
        }


class DeploymentsHandler(_DeployHandler):
    @tornado.web.authenticated
    @authorized("read")
    def get(self):
        deployments = []
        for name in TARGETS:
            deployments.extend(target_for(self.ext, name).list())
        deployments.extend(self.ext.azure_deployments.list())
        self.write_json({"targets": list(TARGETS), "deployments": deployments})

    @tornado.web.authenticated
    @authorized("execute")
    async def post(self):
        manager, kwargs = self._request()
        for flag in ("preflight", "wait"):
            if flag in kwargs and not isinstance(kwargs[flag], bool):
                raise UserError(f"{flag} must be true or false", status=400, reason="bad_request")
        wait = kwargs.get("wait", True)
        deployment = await manager.deploy(**kwargs)
        self.write_json(deployment, status=200 if wait else 202)


class DeploymentPreflightHandler(_DeployHandler):
    @tornado.web.authenticated
    @authorized("execute")
    async def post(self):
        manager, kwargs = self._request()
        for key in ("name", "port", "preflight", "wait"):
            kwargs.pop(key, None)
        self.write_json(await manager.validate(**kwargs))


class AzureDeploymentsHandler(_DeployHandler):
    @tornado.web.authenticated
    @authorized("write")
    def post(self):
        # Only the cell that deployed records (a kernel of this server, by the bridge key): a
        # page cannot plant a scoring URI that a later "Call endpoint" cell would send data to.
        require_key(self.request.headers, getattr(self.ext, "bridge", None))
        self.write_json(self.ext.azure_deployments.record(self.json_body()))


class DeploymentHandler(_DeployHandler):
    @tornado.web.authenticated
    @authorized("read")
    def get(self, deployment_id):
        if deployment_id.startswith(AZURE_ID_PREFIX):
            self.write_json(self.ext.azure_deployments.get(deployment_id))
        else:
            self.write_json(self.ext.deployments.get(deployment_id))

    @tornado.web.authenticated
    @authorized("execute")
    async def delete(self, deployment_id):
        if deployment_id.startswith(AZURE_ID_PREFIX):
            # Removes the record only; the delete cell removes the Azure resource.
            self.write_json(self.ext.azure_deployments.forget(deployment_id))
        else:
            self.write_json(await self.ext.deployments.stop(deployment_id))


class DeploymentLogHandler(_DeployHandler):
    @tornado.web.authenticated
    @authorized("read")
    def get(self, deployment_id):
        try:
            lines = int(self.get_query_argument("lines", "200"))
        except ValueError:
            raise UserError("lines must be a number", status=400, reason="bad_request") from None
        deployments = self.ext.deployments
        self.write_json({"id": deployment_id, "log": deployments.log_tail(deployment_id, lines)})


class _MonitorHandler(_DeployHandler):
    def _window(self) -> float:
        try:
            window = float(self.get_query_argument("window", "3600"))
        except ValueError:
            window = -1.0
        if not 60 <= window <= 30 * 86400:
            raise UserError(
                "window must be a number of seconds from 60 to 2592000 (30 days)",
                status=400,
                reason="bad_request",
            )
        return window


class DeploymentMonitorHandler(_MonitorHandler):
    @tornado.web.authenticated
    @authorized("read")
    def get(self, deployment_id):
        window = self._window()
        deployment = self.ext.deployments.get(deployment_id)  # 404 for an unknown id
        self.write_json(self.ext.deployments.monitors.summary(deployment, window))


class DeploymentDriftHandler(_MonitorHandler):
    @tornado.web.authenticated
    @authorized("read")
    async def get(self, deployment_id):
        window = self._window()
        deployment = self.ext.deployments.get(deployment_id)
        self.write_json(await self.ext.deployments.monitors.drift(deployment, window))


class DeploymentInvocationsHandler(_DeployHandler):
    @tornado.web.authenticated
    @authorized("execute")
    async def post(self, deployment_id):
        self.ext.deployments.get(deployment_id)  # a 404 first for an unknown deployment
        content_type = self.request.headers.get("Content-Type") or "application/json"
        if content_type.split(";", 1)[0].strip().lower() not in _CONTENT_TYPES:
            raise UserError(
                "Send application/json (or text/csv) to the scoring server",
                status=415,
                reason="unsupported_media_type",
            )
        status, answer_type, body = await self.ext.deployments.invoke(
            deployment_id, self.request.body or b"", content_type
        )
        # The model's own answer, predictions or MLflow's error body, passed through unchanged.
        self.set_status(status)
        self.set_header("Content-Type", answer_type)
        self.set_header(SOURCE_HEADER, "scoring-server")
        self.set_header("Cache-Control", "no-store")
        self.finish(body)
