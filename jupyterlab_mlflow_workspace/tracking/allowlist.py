"""Which MLflow endpoints the browser may reach through the proxy: an explicit (method, path) table.

Not prefixes: a prefix like ``api/2.0/mlflow/`` would also let the browser reach user admin,
permissions and gateway routes of a server the user is logged into with powerful credentials.
Paths are relative to the workspace's tracking URL (which may carry a path prefix).
"""

import re

from ..errors import UserError

_READ = "GET"
_WRITE = "POST"

# Exactly the (method, path) pairs the extension's own client sends (src/api/mlflowClient.ts,
# MLFLOW_ROUTES; a test keeps the two equal): a route the browser never calls is a route an
# attacker with the page's credentials could call. A path segment "{}" would match one URL-safe
# segment (ids). Both /api and /ajax-api mount the same routes; we use /api only.
ALLOWED = frozenset(
    {
        # experiments
        (_WRITE, "api/2.0/mlflow/experiments/search"),
        (_READ, "api/2.0/mlflow/experiments/get"),
        (_READ, "api/2.0/mlflow/experiments/get-by-name"),
        (_WRITE, "api/2.0/mlflow/experiments/create"),
        (_WRITE, "api/2.0/mlflow/experiments/update"),
        (_WRITE, "api/2.0/mlflow/experiments/delete"),
        (_WRITE, "api/2.0/mlflow/experiments/restore"),
        # runs and metrics
        (_WRITE, "api/2.0/mlflow/runs/search"),
        (_READ, "api/2.0/mlflow/runs/get"),
        (_READ, "api/2.0/mlflow/metrics/get-history"),
        (_READ, "api/2.0/mlflow/artifacts/list"),
        # model registry (read side; registering happens in the user's kernel)
        (_READ, "api/2.0/mlflow/registered-models/search"),
        (_WRITE, "api/2.0/mlflow/registered-models/get-latest-versions"),
        (_READ, "api/2.0/mlflow/model-versions/search"),
        # MLflow 3 logged models
        (_WRITE, "api/2.0/mlflow/logged-models/search"),
        # server features (404 on 2.x means "absent")
        (_READ, "api/3.0/mlflow/server-info"),
    }
)

# The routes of the table that change data (for the Authorizer's "write"; the rest are reads).
WRITES = frozenset(
    {
        "api/2.0/mlflow/experiments/create",
        "api/2.0/mlflow/experiments/update",
        "api/2.0/mlflow/experiments/delete",
        "api/2.0/mlflow/experiments/restore",
    }
)

_SEGMENT = re.compile(r"^[A-Za-z0-9._~-]+$")


def normalise(raw_path: str) -> str:
    """Return a clean relative path, or raise a 400 for anything that could escape the table.

    ``raw_path`` is the still-encoded path from the request URL. MLflow's routes and ids never
    need percent-encoding, so any ``%`` is refused: that closes ``%2e%2e``, ``%2f`` and double
    encodings before anything could decode them into a traversal.
    """
    if not raw_path or "%" in raw_path or "\\" in raw_path:
        raise _refused()
    segments = raw_path.split("/")
    for segment in segments:
        if segment in ("", ".", "..") or not _SEGMENT.match(segment):
            raise _refused()
    return raw_path


def check_allowed(method: str, path: str) -> str:
    """Return the table entry ``path`` matches for ``method``, or raise a 403."""
    if (method, path) in ALLOWED:
        return path
    parts = path.split("/")
    for allowed_method, pattern in ALLOWED:
        if allowed_method != method or "{}" not in pattern:
            continue
        pattern_parts = pattern.split("/")
        if len(pattern_parts) == len(parts) and all(
            p == "{}" or p == q for p, q in zip(pattern_parts, parts, strict=True)
        ):
            return pattern
    raise UserError(
        f"{method} {path} is not an MLflow endpoint this extension uses",
        status=403,
        reason="not_allowed",
    )


def _refused() -> UserError:
    return UserError(
        "The MLflow path is malformed (empty, encoded or traversing segments are refused)",
        status=400,
        reason="bad_path",
    )
