"""The one error type a user reads, raised anywhere in the server part and mapped to HTTP once.

Domain modules (tracking, workspaces, local server, deployments) raise it without importing the
web layer; ``handlers/base.py`` turns it into ``{"message", "reason", **details}``.
"""


class UserError(Exception):
    """A failure the user should read: ``status`` for HTTP, ``message`` in plain words, a
    ``reason`` the browser can branch on, and optional ``details`` for the reply (a deployment
    and its log tail, for example)."""

    status = 500
    reason = "error"

    def __init__(self, message, *, status=None, reason=None, details=None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        if reason is not None:
            self.reason = reason
        self.details = dict(details or {})
