"""Test connection and a search through the proxy against real MLflow servers of every flavour:
3.x, 3.x with the basic-auth app (401 / 403), 3.x with workspaces (header), 3.x on PostgreSQL
(a team's shared server), and 2.x."""

import contextlib
import hashlib
import json
import math
import os
import time

import pytest

NS = "mlflow-workspace/api/workspaces"


@pytest.fixture
def extension_config(
    extension_config, monkeypatch, mlflow_server, mlflow_basic_auth_server,
    mlflow_workspaces_server, mlflow2_server, mlflow_postgres_server,
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
        {"id": "pg", "url": mlflow_postgres_server.url},
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


@pytest.mark.parametrize(
    ("workspace", "major"), [("v3", "3."), ("v2", "2."), ("auth-admin", "3."), ("pg", "3.")]
)
async def test_connection_is_ready_with_the_server_version(jp_fetch, workspace, major):
    result = await _test(jp_fetch, workspace)
    assert result["ok"] is True, result
    assert result["mlflow_version"].startswith(major)
    assert result["message"] == f"Ready: MLflow {result['mlflow_version']}"


@pytest.mark.parametrize("workspace", ["v3", "v2", "auth-admin", "ws-team", "pg"])
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


# MLflow refuses quotes in metric keys on every backend (400 INVALID_PARAMETER_VALUE, "Names may
# only contain alphanumerics, …"): quotes go into the run name, a param and a tag instead.
UNICODE_KEY = "val/données: 温度 loss.ü"
QUOTED = 'it\'s "quoted"; DROP TABLE runs;-- ü 温度'


async def test_postgres_server_gives_back_a_run_exactly(jp_fetch, mlflow_postgres_server, tmp_path):
    """A team's shared server on PostgreSQL: 1,000 points logged in one log-batch, a unicode
    metric key, quotes in names and values, and an artifact's bytes all come back unchanged."""
    from mlflow import MlflowClient

    server = mlflow_postgres_server
    assert server.database is not None and server.database.uri.startswith("postgresql://")
    client = MlflowClient(tracking_uri=server.url)
    exp_id = client.create_experiment(f"pg-exact-{os.urandom(3).hex()}")
    run = client.create_run(exp_id, run_name=QUOTED)
    run_id = run.info.run_id
    assert run.info.artifact_uri.startswith("mlflow-artifacts:/")  # proxied by the server

    start = int(time.time() * 1000)
    # Values across magnitudes, so a lossy float column would show.
    sent = [(step, math.sin(step) * 10.0 ** (step % 9 - 4), start + step) for step in range(1000)]
    metrics = [{"key": UNICODE_KEY, "value": v, "timestamp": t, "step": s} for s, v, t in sent]
    server.call(
        "POST", "/api/2.0/mlflow/runs/log-batch", json_body={"run_id": run_id, "metrics": metrics}
    )
    server.call(
        "POST", "/api/2.0/mlflow/runs/log-batch",
        json_body={"run_id": run_id, "params": [{"key": "note", "value": QUOTED}],
                   "tags": [{"key": "owner", "value": QUOTED}]},
    )  # fmt: skip
    payload = os.urandom(300_000) + bytes(range(256))
    (tmp_path / "weights.bin").write_bytes(payload)
    client.log_artifact(run_id, str(tmp_path / "weights.bin"), artifact_path="model")
    client.set_terminated(run_id)

    # Read back as the panel does: through the extension's proxy, history page by page.
    history, token = [], None
    while True:
        params = {"run_id": run_id, "metric_key": UNICODE_KEY, "max_results": "400"}
        response = await _proxy(jp_fetch, "pg", "api/2.0/mlflow/metrics/get-history",
                                **params, **({"page_token": token} if token else {}))  # fmt: skip
        assert response.code == 200
        page = json.loads(response.body)
        history += page["metrics"]
        token = page.get("next_page_token")
        if not token:
            break
    got = sorted((m["step"], m["value"], int(m["timestamp"])) for m in history)
    assert got == sent
    assert {m["key"] for m in history} == {UNICODE_KEY}

    response = await _proxy(jp_fetch, "pg", "api/2.0/mlflow/runs/get", run_id=run_id)
    data = json.loads(response.body)["run"]
    assert data["info"]["run_name"] == QUOTED
    assert {p["key"]: p["value"] for p in data["data"]["params"]} == {"note": QUOTED}
    assert {t["key"]: t["value"] for t in data["data"]["tags"]}["owner"] == QUOTED
    assert {m["key"]: m["value"] for m in data["data"]["metrics"]} == {UNICODE_KEY: sent[-1][1]}

    # The unicode key in a search filter, as the run browser sends it.
    response = await _search_runs(jp_fetch, exp_id, f"metrics.`{UNICODE_KEY}` > -1e9")
    assert [r["info"]["run_id"] for r in json.loads(response.body)["runs"]] == [run_id]

    response = await jp_fetch(  # not _proxy: "path" is one of this route's parameters
        NS,
        "pg",
        "mlflow",
        "api/2.0/mlflow/artifacts/list",
        params={"run_id": run_id, "path": "model"},
    )
    [listed] = json.loads(response.body)["files"]
    assert (listed["path"], int(listed["file_size"])) == ("model/weights.bin", len(payload))
    local = client.download_artifacts(run_id, "model/weights.bin", str(tmp_path / "back"))
    with open(local, "rb") as handle:
        assert hashlib.sha256(handle.read()).digest() == hashlib.sha256(payload).digest()


async def _search_runs(jp_fetch, experiment_id, filter_string):
    return await jp_fetch(
        NS, "pg", "mlflow", "api/2.0/mlflow/runs/search", method="POST", request_timeout=60,
        body=json.dumps({"experiment_ids": [experiment_id], "filter": filter_string}),
    )  # fmt: skip


def test_postgres_password_stays_out_of_logs_and_process_lists(mlflow_postgres_server):
    """The database password reaches MLflow through its environment: not its log, not the
    PostgreSQL log, not any command line that `ps` shows to every user of the host."""
    database = mlflow_postgres_server.database
    assert database is not None and database.password in database.uri
    places = {
        "MLflow's log": mlflow_postgres_server.log_path.read_bytes(),
        "PostgreSQL's log": database.log_path.read_bytes(),
    }
    for pid in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError), open(f"/proc/{pid}/cmdline", "rb") as handle:
            places[f"the command line of process {pid}"] = handle.read()
    # Names only: a failure must not print the password either.
    assert [name for name, text in places.items() if database.password.encode() in text] == []
