"""The base handler: authentication and the one mapping from failures to HTTP replies."""

import json

from jupyter_server.base.handlers import APIHandler

from ..errors import UserError


class ExtensionHandler(APIHandler):
    """Every route of the extension derives from this. Each verb still needs ``@tornado.web.authenticated``."""

    # For a deployment's custom Authorizer: every route checks (resource, action), with action
    # "read", "write" (workspaces, experiments) or "execute" (anything that starts a process
    # or runs a model: the local server, deployments, pre-flight, the kernel bridge).
    auth_resource = "mlflow_workspace"

    def initialize(self, ext):
        self.ext = ext

    def json_body(self) -> dict:
        """The request's JSON object body, or a 400 in plain words."""
        try:
            body = json.loads(self.request.body or b"{}")
        except ValueError:
            raise UserError(
                "The request body is not valid JSON", status=400, reason="bad_json"
            ) from None
        if not isinstance(body, dict):
            raise UserError("The request body must be a JSON object", status=400, reason="bad_json")
        return body

    def write_json(self, payload, status=200):
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(payload))

    def write_error(self, status_code, **kwargs):
        # One error shape for the typed client: {"message", "reason", **details}; never a
        # traceback.
        exc_info = kwargs.get("exc_info")
        error = exc_info[1] if exc_info else None
        if isinstance(error, UserError):
            self.set_status(error.status)
            payload = {"message": error.message, "reason": error.reason, **error.details}
        else:
            payload = {
                "message": self._reason or "Unexpected server error",
                "reason": "http_error" if status_code < 500 else "server_error",
            }
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(payload))

    def log_exception(self, typ, value, tb):
        if isinstance(value, UserError):
            self.log.warning("%s %s: %s", self.request.method, self.request.path, value.message)
            return
        super().log_exception(typ, value, tb)
