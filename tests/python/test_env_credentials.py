"""Issue 15 item 6: a password in Jupyter's MLFLOW_TRACKING_URI reaches no browser and no notebook.

Jupyter runs with ``MLFLOW_TRACKING_URI=http://<user>:<password>@host`` pointing at a real MLflow
server with the basic-auth app. The Environment workspace shows the address without the
password, yet the proxy and Test connection authenticate with it.
"""

import json
import urllib.parse

import pytest

NS = "mlflow-workspace/api/workspaces"


@pytest.fixture
def extension_config(extension_config, mlflow_basic_auth_server, monkeypatch):
    auth = mlflow_basic_auth_server
    host = auth.url.split("://", 1)[1]
    user = urllib.parse.quote(auth.admin.username, safe="")
    password = urllib.parse.quote(auth.admin.password, safe="")
    for name in ("MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"http://{user}:{password}@{host}")
    return extension_config


async def test_the_password_is_split_off_and_still_used(jp_fetch, mlflow_basic_auth_server, caplog):
    password = mlflow_basic_auth_server.admin.password
    listed = await jp_fetch(NS)
    assert password not in listed.body.decode()
    (env,) = [w for w in json.loads(listed.body)["workspaces"] if w["id"] == "environment"]
    assert env["url"] == env["tracking_uri"] == mlflow_basic_auth_server.url
    assert env["username"] == mlflow_basic_auth_server.admin.username
    assert env["has_password"] is True

    tested = await jp_fetch(NS, "environment", "test", method="POST", body="{}")
    result = json.loads(tested.body)
    assert (result["ok"], result["reason"]) == (True, "ready"), result
    searched = await jp_fetch(
        NS, "environment", "mlflow", "api/2.0/mlflow/experiments/search",
        method="POST", body=json.dumps({"max_results": 5}),
    )  # fmt: skip
    assert searched.code == 200
    assert password not in caplog.text
