"""The proxy's (method, path) table and path normalisation, checked without a server."""

import pathlib
import re

import pytest

from jupyterlab_mlflow_workspace.errors import UserError
from jupyterlab_mlflow_workspace.tracking.allowlist import ALLOWED, check_allowed, normalise

CLIENT = pathlib.Path(__file__).resolve().parents[2] / "src" / "api" / "mlflowClient.ts"


def test_the_allowlist_is_exactly_what_the_browser_client_calls():
    """Every route the proxy passes is one the TypeScript client sends, and the reverse."""
    source = CLIENT.read_text()
    table = source[source.index("export const MLFLOW_ROUTES") :]
    table = table[: table.index("} as const")]
    client = set(re.findall(r"\[\s*'(GET|POST)',\s*'([^']+)'\s*\]", table))
    assert len(client) >= 16
    assert client == set(ALLOWED)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "../api/2.0/mlflow/experiments/search",
        "api/2.0/mlflow/../../admin",
        "api/2.0/mlflow/./experiments/search",
        "api/2.0/mlflow/%2e%2e/users/create",
        "api/2.0/mlflow/%2E%2E/users/create",
        "api/2.0/mlflow%2fexperiments/search",
        "api/2.0/mlflow/experiments%252fsearch",
        "api//2.0/mlflow/experiments/search",
        "/etc/passwd",
        "api\\2.0\\mlflow",
        "api/2.0/mlflow/experiments/search/",
        "http://169.254.169.254/latest",
        "api/2.0/mlflow/experiments/search?x=1",
    ],
)
def test_malformed_paths_are_refused_with_400(raw):
    with pytest.raises(UserError) as caught:
        normalise(raw)
    assert caught.value.status == 400


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "api/2.0/mlflow/experiments/search"),
        ("POST", "api/2.0/mlflow/runs/search"),
        ("GET", "api/2.0/mlflow/metrics/get-history"),
        ("POST", "api/2.0/mlflow/logged-models/search"),
        ("GET", "api/3.0/mlflow/server-info"),
    ],
)
def test_endpoints_the_extension_uses_pass(method, path):
    assert check_allowed(method, normalise(path))


@pytest.mark.parametrize(
    ("method", "path"),
    [
        # user admin and permissions of the basic-auth app
        ("POST", "api/2.0/mlflow/users/create"),
        ("GET", "api/2.0/mlflow/users/get"),
        ("POST", "api/2.0/mlflow/experiments/permissions/create"),
        # gateway and writes the extension never makes
        ("POST", "api/2.0/mlflow/gateway-proxy"),
        ("POST", "api/2.0/mlflow/runs/delete"),
        ("POST", "api/2.0/mlflow/runs/log-batch"),
        # right path, wrong method
        ("POST", "api/2.0/mlflow/runs/get"),
        ("GET", "api/2.0/mlflow/runs/search"),
        ("GET", "api/2.0/mlflow/experiments/search"),
        # routes the browser never calls (issue 15 item 9): artifact downloads could pass an
        # upstream text/html page inline, and reads nobody needs widen what a page can reach
        ("GET", "get-artifact"),
        ("GET", "model-versions/get-artifact"),
        ("GET", "api/2.0/mlflow/model-versions/get-download-uri"),
        ("GET", "api/2.0/mlflow/logged-models/m-0123456789abcdef"),
        # a prefix of an allowed path is not allowed, nor a longer one
        ("GET", "api/2.0/mlflow"),
        ("GET", "api/2.0/mlflow/logged-models/m-1/artifacts"),
    ],
)
def test_everything_else_is_refused_with_403(method, path):
    with pytest.raises(UserError) as caught:
        check_allowed(method, normalise(path))
    assert caught.value.status == 403
