"""The handshake route the panel calls on start."""

import json

import jupyterlab_mlflow_workspace


async def test_info_reports_version_and_features(jp_fetch):
    response = await jp_fetch("mlflow-workspace", "info")

    assert response.code == 200
    payload = json.loads(response.body)
    assert payload["version"] == jupyterlab_mlflow_workspace.__version__
    assert "info" in payload["features"]
    # Jupyter echoes a token-authenticated caller's Origin; we must never widen that to "*".
    assert response.headers.get("Access-Control-Allow-Origin", "") != "*"


async def test_unknown_route_in_namespace_is_404(jp_fetch):
    response = await jp_fetch("mlflow-workspace", "no-such-route", raise_error=False)

    assert response.code == 404
