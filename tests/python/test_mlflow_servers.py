"""The real MLflow servers of ``mlflow_servers.py`` give what they promise.

Only fixtures and their methods are used here (no import of the plugin module), so this file works
under ``--import-mode=importlib`` as long as the plugin is loaded.
"""

import socket
import sys

WORKSPACE_HEADER = "X-MLFLOW-WORKSPACE"
SEARCH = "/api/2.0/mlflow/experiments/search?max_results=100"


def _names(body):
    return {e["name"] for e in body.get("experiments", [])}


def test_plain_server(mlflow_server):
    s = mlflow_server
    assert s.url.startswith("http://127.0.0.1:")
    assert s.version.startswith("3.")
    assert (s.data_dir / "mlflow.db").exists()
    assert "Default" in _names(s.call("GET", SEARCH))

    exp_id, run_id = s.seed("plain-seed")
    runs = s.call("POST", "/api/2.0/mlflow/runs/search", json_body={"experiment_ids": [exp_id]})
    [run] = runs["runs"]
    assert run["info"]["run_id"] == run_id
    assert run["info"]["status"] == "FINISHED"
    assert {m["key"]: m["value"] for m in run["data"]["metrics"]} == {"loss": 0.25, "accuracy": 0.9}
    history = s.call(
        "GET",
        "/api/2.0/mlflow/metrics/get-history",
        params={"run_id": run_id, "metric_key": "loss"},
    )
    assert [m["step"] for m in history["metrics"]] == [0, 1, 2]

    # 3.x only: logged models and server-info.
    assert (
        s.request(
            "POST", "/api/2.0/mlflow/logged-models/search", json_body={"experiment_ids": [exp_id]}
        ).status
        == 200
    )
    assert s.call("GET", "/api/3.0/mlflow/server-info")["workspaces_enabled"] is False


def test_basic_auth_server(mlflow_basic_auth_server):
    s = mlflow_basic_auth_server
    assert s.version.startswith("3.")
    assert s.admin and s.user and s.protected_experiment_id
    get_exp = "/api/2.0/mlflow/experiments/get"
    protected = {"experiment_id": s.protected_experiment_id}

    assert s.request("GET", "/health", auth=None).status == 200  # open
    res = s.request("GET", "/version", auth=None)  # closed, unlike on a plain server
    assert res.status == 401

    no_creds = s.request("GET", SEARCH, auth=None)
    assert no_creds.status == 401
    assert no_creds.headers["www-authenticate"] == 'Basic realm="mlflow"'
    assert "You are not authenticated" in no_creds.text

    wrong = type(s.admin)(s.admin.username, s.admin.password + "x")
    assert s.request("GET", SEARCH, auth=wrong).status == 401

    denied = s.request("GET", get_exp, params=protected, auth=s.user)
    assert denied.status == 403
    assert denied.text == "Permission denied"
    assert (
        s.request(
            "GET", "/api/2.0/mlflow/runs/get", params={"run_id": s.protected_run_id}, auth=s.user
        ).status
        == 403
    )
    # The user reads what default_permission (READ) allows; searches silently drop the rest.
    assert s.request("GET", get_exp, params={"experiment_id": "0"}, auth=s.user).status == 200
    visible = _names(s.call("GET", SEARCH, auth=s.user))
    assert "Default" in visible and "protected" not in visible

    assert s.call("GET", get_exp, params=protected)["experiment"]["name"] == "protected"


def test_workspaces_server(mlflow_workspaces_server):
    s = mlflow_workspaces_server
    assert s.workspace and s.workspace_experiment_id
    assert s.call("GET", "/api/3.0/mlflow/server-info")["workspaces_enabled"] is True
    listed = {w["name"] for w in s.call("GET", "/api/3.0/mlflow/workspaces")["workspaces"]}
    assert {"default", s.workspace} <= listed

    inside = s.call("GET", SEARCH, headers={WORKSPACE_HEADER: s.workspace})
    assert [(e["experiment_id"], e["workspace"]) for e in inside["experiments"]] == [
        (s.workspace_experiment_id, s.workspace)
    ]
    # No header means the reserved "default" workspace.
    assert _names(s.call("GET", SEARCH)) == {"Default"}
    hidden = s.request(
        "GET",
        "/api/2.0/mlflow/experiments/get",
        params={"experiment_id": s.workspace_experiment_id},
    )
    assert hidden.status == 404

    unknown = s.request("GET", SEARCH, workspace="no-such-workspace")
    assert unknown.status == 404
    assert unknown.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"


def test_mlflow2_server(mlflow2_server):
    s = mlflow2_server
    assert s.version.startswith("2.")
    assert s.python != sys.executable  # its own virtualenv
    assert "Default" in _names(s.call("GET", SEARCH))
    exp_id, run_id = s.seed("v2-seed")
    run = s.call("GET", "/api/2.0/mlflow/runs/get", params={"run_id": run_id})["run"]
    assert run["info"]["experiment_id"] == exp_id
    # Absent on 2.x: server-info (the workspace probe treats 404 as "no workspaces").
    assert s.request("GET", "/api/3.0/mlflow/server-info").status == 404
    # The workspace header is ignored.
    assert s.request("GET", SEARCH, workspace="team-a").status == 200


def test_free_port(request):
    free_port = request.config.pluginmanager.get_plugin("mlflow_servers").free_port
    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
