"""The base handler: authentication and the one mapping from failures to HTTP replies."""

import json

from jupyter_server.base.handlers import APIHandler


class WorkspaceError(Exception):
    """A failure the user should read: ``status`` for HTTP, ``message`` in plain words."""

    status = 500
    reason = "error"

    def __init__(self, message, *, status=None, reason=None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        if reason is not None:
            self.reason = reason


class WorkspaceHandler(APIHandler):
    """Every route of the extension derives from this. Each verb still needs ``@tornado.web.authenticated``."""

    def initialize(self, ext):
        self.ext = ext

    def json_body(self) -> dict:
        """The request's JSON object body, or a 400 in plain words."""
        try:
            body = json.loads(self.request.body or b"{}")
        except ValueError:
            raise WorkspaceError(
                "The request body is not valid JSON", status=400, reason="bad_json"
            ) from None
        if not isinstance(body, dict):
            raise WorkspaceError(
                "The request body must be a JSON object", status=400, reason="bad_json"
            )
        return body

    def write_json(self, payload, status=200):
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(payload))

    def write_error(self, status_code, **kwargs):
        # One error shape for the typed client: {"message", "reason"}; never a traceback.
        exc_info = kwargs.get("exc_info")
        error = exc_info[1] if exc_info else None
        if isinstance(error, WorkspaceError):
            self.set_status(error.status)
            payload = {"message": error.message, "reason": error.reason}
        else:
            payload = {
                "message": self._reason or "Unexpected server error",
                "reason": "http_error" if status_code < 500 else "server_error",
            }
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(payload))

    def log_exception(self, typ, value, tb):
        if isinstance(value, WorkspaceError):
            self.log.warning("%s %s: %s", self.request.method, self.request.path, value.message)
            return
        super().log_exception(typ, value, tb)
