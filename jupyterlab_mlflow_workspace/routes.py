"""The route table: every REST route of the extension, in one place.

Patterns are relative to the server's base URL (``ExtensionApp`` prepends it), so the same table
works under JupyterHub's ``/user/<name>/``.
"""

from jupyter_server.utils import url_path_join

from .handlers.info import InfoHandler

NAMESPACE = "mlflow-workspace"


def build_routes(app):
    """Return ``(pattern, handler, kwargs)`` triples for the extension app."""
    kwargs = {"ext": app}
    return [
        # Handshake: version and features, so the panel can warn about a missing or stale server part.
        (url_path_join(NAMESPACE, "info"), InfoHandler, kwargs),
    ]
