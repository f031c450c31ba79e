"""Jupyter's log through the extension's redacting filter: the extension's secrets are masked,
Jupyter's own login URL stays usable (a masked ``?token=`` locked newcomers out)."""

import json
import logging
import uuid

from jupyterlab_mlflow_workspace.local.redact import redact


async def test_jupyter_login_url_survives_while_workspace_secret_is_masked(
    jp_fetch, jp_serverapp, caplog
):
    sentinel = f"SENTINEL-{uuid.uuid4()}"
    response = await jp_fetch(
        "mlflow-workspace", "api", "workspaces", method="POST",
        body=json.dumps({"kind": "mlflow", "name": "Team", "url": "https://mlflow.example", "token": sentinel}),
    )  # fmt: skip
    assert response.code == 201
    jupyter_token = "7f3c0e9a1b2d4c5e6f708192a3b4c5d6e7f8091a2b3c4d5e"
    caplog.set_level(logging.INFO)
    # Exactly the lines Jupyter prints at start-up, and a line that leaks a stored secret.
    jp_serverapp.log.info(f"    http://127.0.0.1:8888/lab?token={jupyter_token}")
    jp_serverapp.log.info("Jupyter Server is running at: %s", f"/lab?token={jupyter_token}")
    jp_serverapp.log.info("upstream said: MLFLOW_TRACKING_TOKEN=%s", sentinel)
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert f"http://127.0.0.1:8888/lab?token={jupyter_token}" in text
    assert f"/lab?token={jupyter_token}" in text
    assert sentinel not in text
    assert "MLFLOW_TRACKING_TOKEN=[REDACTED]" in text


def test_logs_of_started_processes_still_mask_key_value_shapes():
    # The local MLflow server's and scoring servers' log tails keep the stricter masking.
    line = "GET /x?token=abc123 Authorization: Bearer eyJhbGciOi http://u:pw@host/p"
    cleaned = redact(line)
    assert "abc123" not in cleaned and "eyJhbGciOi" not in cleaned and "pw@" not in cleaned
    kept = redact(line, key_values=False)
    assert "token=abc123" in kept and "eyJhbGciOi" not in kept and "pw@" not in kept
