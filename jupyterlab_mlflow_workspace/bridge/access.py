"""What a kernel gets through the bridge, and the one check that a request comes from one.

Standard library only (``errors`` is too): the kernel side imports this package.
"""

import hmac

from ..errors import UserError
from .runtime_file import KEY_HEADER


def require_key(headers, bridge) -> None:
    """Raise a 403 unless ``headers`` carry this server's bridge key (compared in constant time).

    The key is in the 0600 runtime file that only this server and the kernels it started can
    read; the browser never has it.
    """
    given = headers.get(KEY_HEADER, "") or ""
    expected = getattr(bridge, "key", "") if bridge is not None else ""
    if (
        not given
        or not expected
        or not hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))
    ):
        raise UserError(
            "This route is only for kernels started by this Jupyter server: "
            "the bridge key is missing or wrong.",
            status=403,
            reason="bridge_key",
        )


def kernel_env(workspace, tracking_uri: str) -> dict[str, str]:
    """The environment MLflow's own client needs for ``workspace``: the URI and its credentials."""
    env = {"MLFLOW_TRACKING_URI": tracking_uri}
    creds = workspace.credentials
    # The same precedence as the proxy's Authorization header (Credentials.headers).
    if creds.token:
        env["MLFLOW_TRACKING_TOKEN"] = creds.token
    elif creds.username is not None and creds.password is not None:
        env["MLFLOW_TRACKING_USERNAME"] = creds.username
        env["MLFLOW_TRACKING_PASSWORD"] = creds.password
    if workspace.mlflow_workspace:
        env["MLFLOW_WORKSPACE"] = workspace.mlflow_workspace
    return env
