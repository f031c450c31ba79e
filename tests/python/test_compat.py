"""Test connection and a search through the proxy against real MLflow servers of every flavour:
3.x, 3.x with the basic-auth app (401 / 403), 3.x with workspaces (header), and 2.x."""

import json

import pytest

NS = "mlflow-workspace/api/workspaces"


@pytest.fixture
def extension_config(
    extension_config, monkeypatch, mlflow_server, mlflow_basic_auth_server,
    mlflow_workspaces_server, mlflow2_server,
):  # fmt: skip
    auth = mlflow_basic_auth_server
    monkeypatch.setenv("T_ADMIN_USER", auth.admin.username)
    monkeypatch.setenv("T_ADMIN_PASSWORD", auth.admin.password)
    monkeypatch.setenv("T_USER", auth.user.username)
    monkeypatch.setenv("T_USER_PASSWORD", auth.user.password)
    monkeypatch.setenv("T_WRONG_PASSWORD", "not-the-password")
    workspaces = [
        {"id": "v3", "url": mlflow_server.url},
        {"id": "v2", "url": mlflow2_server.url},
        {"id": "auth-admin", "url": auth.url, "username_env": "T_ADMIN_USER", "password_env": "T_ADMIN_PASSWORD"},
        {"id": "auth-user", "url": auth.url, "username_env": "T_USER", "password_env": "T_USER_PASSWORD"},
        {"id": "auth-wrong", "url": auth.url, "username_env": "T_USER", "password_env": "T_WRONG_PASSWORD"},
        {"id": "ws-team", "url": mlflow_workspaces_server.url, "workspace": mlflow_workspaces_server.workspace},
        {"id": "ws-default", "url": mlflow_workspaces_server.url},
    ]  # fmt: skip
    return {**extension_config, "workspaces": workspaces}


async def _test(jp_fetch, workspace):
    response = await jp_fetch(NS, workspace, "test", method="POST", body="{}", request_timeout=60)
    return json.loads(response.body)


async def _search(jp_fetch, workspace, **fields):
    # As the browser searches: POST with a JSON body (the only search the allowlist passes).
    return await jp_fetch(
        NS, workspace, "mlflow", "api/2.0/mlflow/experiments/search", method="POST",
        body=json.dumps(fields), raise_error=False, request_timeout=60,
    )  # fmt: skip


async def _proxy(jp_fetch, workspace, path, **params):
    return await jp_fetch(
        NS, workspace, "mlflow", path, params=params, raise_error=False, request_timeout=60
    )


@pytest.mark.parametrize(("workspace", "major"), [("v3", "3."), ("v2", "2."), ("auth-admin", "3.")])
async def test_connection_is_ready_with_the_server_version(jp_fetch, workspace, major):
    result = await _test(jp_fetch, workspace)
    assert result["ok"] is True, result
    assert result["mlflow_version"].startswith(major)
    assert result["message"] == f"Ready: MLflow {result['mlflow_version']}"


@pytest.mark.parametrize("workspace", ["v3", "v2", "auth-admin", "ws-team"])
async def test_search_through_the_proxy(jp_fetch, workspace):
    response = await _search(jp_fetch, workspace, max_results=10)
    assert response.code == 200
    assert "experiments" in json.loads(response.body)


async def test_wrong_password_says_wrong_credentials(jp_fetch):
    result = await _test(jp_fetch, "auth-wrong")
    assert (result["ok"], result["reason"], result["status"]) == (False, "unauthorized", 401)
    assert result["message"].startswith("Wrong credentials")

    response = await _search(jp_fetch, "auth-wrong", max_results=1)
    assert response.code == 401
    assert json.loads(response.body)["message"].startswith("Wrong credentials")


async def test_no_permission_says_so(jp_fetch, mlflow_basic_auth_server):
    # Searches filter silently on basic-auth; reading the protected experiment is refused.
    response = await _proxy(
        jp_fetch, "auth-user", "api/2.0/mlflow/experiments/get",
        experiment_id=mlflow_basic_auth_server.protected_experiment_id,
    )  # fmt: skip
    assert response.code == 403
    error = json.loads(response.body)
    assert error["reason"] == "forbidden"
    assert error["message"].startswith("No permission")


async def test_workspace_header_selects_the_workspace(jp_fetch, mlflow_workspaces_server):
    wanted = mlflow_workspaces_server.workspace_experiment_id

    async def ids(workspace):
        response = await _search(jp_fetch, workspace, max_results=100)
        return {e["experiment_id"] for e in json.loads(response.body).get("experiments", [])}

    assert wanted in await ids("ws-team")
    assert wanted not in await ids("ws-default")


async def test_server_info_is_absent_on_2x(jp_fetch):
    response = await _proxy(jp_fetch, "v2", "api/3.0/mlflow/server-info")
    assert response.code == 404
    response = await _proxy(jp_fetch, "v3", "api/3.0/mlflow/server-info")
    assert response.code == 200
