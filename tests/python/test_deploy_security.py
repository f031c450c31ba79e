"""Issue 15 item 5: a deployment never hands the workspace's token to another host.

MLflow sends ``MLFLOW_TRACKING_TOKEN`` to every HTTP artifact host. The workspace here has a
token; a loopback peer records every request it gets and stands for the other host. Its model is
asked for directly (``http://<peer>/…``) and through a run of a real MLflow server whose
experiment keeps its artifacts on the peer. The pre-flight really runs (MLflow in a subprocess);
whatever reaches the peer must carry no token. Metadata-class hosts are refused before any
process starts.
"""

import json
import secrets
import time

import pytest
from mlflow_servers import http_request

NS = ("mlflow-workspace", "api", "deployments")
TOKEN = "ws-token-never-elsewhere-" + secrets.token_hex(4)
# MLflow's HTTP artifact client needs its route in an http:// artifact URI.
ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts"


@pytest.fixture
def peer(http_peer):
    return http_peer("echo")  # (base URL, headers of every request it got)


@pytest.fixture
def extension_config(extension_config, mlflow_server, mlflow2_server, monkeypatch):
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.setenv("DEPLOY_TEST_TOKEN", TOKEN)
    workspaces = [
        {"id": "tok", "name": "Team", "url": mlflow_server.url, "token_env": "DEPLOY_TEST_TOKEN"},
        {"id": "tok2", "name": "Old", "url": mlflow2_server.url, "token_env": "DEPLOY_TEST_TOKEN"},
    ]
    return {**extension_config, "workspaces": workspaces}


async def _preflight(jp_fetch, model_uri, workspace="tok"):
    response = await jp_fetch(
        *NS, "preflight", method="POST", raise_error=False, request_timeout=200,
        body=json.dumps({"model_uri": model_uri, "workspace": workspace}),
    )  # fmt: skip
    return response.code, json.loads(response.body)


def _tokens_seen(seen) -> list[str]:
    return [h.get("Authorization", "") for h in seen if TOKEN in h.get("Authorization", "")]


async def test_a_model_on_another_host_is_fetched_without_the_token(jp_fetch, peer):
    base, seen = peer
    code, answer = await _preflight(jp_fetch, f"{base}{ARTIFACTS}/m1/model")
    assert code == 200, answer
    assert seen, "MLflow should have asked the other host for the model's files"
    assert _tokens_seen(seen) == []
    assert any("without the workspace's credentials" in w for w in answer["warnings"])


async def test_a_run_whose_artifacts_are_elsewhere_does_not_leak_the_token(
    jp_fetch, peer, mlflow2_server
):
    # MLflow 3.17 servers refuse an experiment whose artifacts name another host (unless the
    # admin allows the scheme); MLflow 2.x servers, still common, accept it.
    base, seen = peer
    created = http_request(
        "POST", f"{mlflow2_server.url}/api/2.0/mlflow/experiments/create",
        json_body={"name": f"elsewhere-{secrets.token_hex(4)}", "artifact_location": f"{base}{ARTIFACTS}/x"},
    )  # fmt: skip
    assert created.status == 200, created.body
    experiment_id = json.loads(created.body)["experiment_id"]
    run = http_request(
        "POST", f"{mlflow2_server.url}/api/2.0/mlflow/runs/create",
        json_body={"experiment_id": experiment_id, "start_time": int(time.time() * 1000)},
    )  # fmt: skip
    info = json.loads(run.body)["run"]["info"]
    assert info["artifact_uri"].startswith(base)

    code, answer = await _preflight(jp_fetch, f"runs:/{info['run_id']}/model", "tok2")
    assert code == 200, answer
    assert seen, "MLflow should have asked the other host for the model's files"
    assert _tokens_seen(seen) == []


@pytest.mark.parametrize(
    "model_uri",
    [
        "http://169.254.169.254/latest/meta-data/model",
        "http://[::ffff:169.254.169.254]/model",
        "mlflow-artifacts://169.254.169.254/model",
    ],
)
async def test_a_metadata_host_is_refused_before_anything_runs(jp_fetch, model_uri):
    started = time.monotonic()
    code, answer = await _preflight(jp_fetch, model_uri)
    assert (code, answer["reason"]) == (403, "forbidden_host")
    assert time.monotonic() - started < 10  # no subprocess, no connection attempt


async def test_a_model_on_the_workspaces_own_server_keeps_its_credentials(jp_fetch, mlflow_server):
    # The plan for the workspace's own server: credentials go with the model (as before).
    code, answer = await _preflight(jp_fetch, f"{mlflow_server.url}{ARTIFACTS}/nothing-here/model")
    assert code == 200, answer
    assert not any("without the workspace's credentials" in w for w in answer["warnings"])


@pytest.mark.parametrize("which", ["1", "latest"])
async def test_a_registered_version_kept_elsewhere_does_not_leak_the_token(
    jp_fetch, peer, mlflow2_server, which
):
    base, seen = peer
    name = f"elsewhere-{secrets.token_hex(4)}"
    created = http_request(
        "POST", f"{mlflow2_server.url}/api/2.0/mlflow/registered-models/create",
        json_body={"name": name},
    )  # fmt: skip
    assert created.status == 200, created.body
    version = http_request(
        "POST", f"{mlflow2_server.url}/api/2.0/mlflow/model-versions/create",
        json_body={"name": name, "source": f"{base}{ARTIFACTS}/reg/model"},
    )  # fmt: skip
    assert version.status == 200, version.body

    code, answer = await _preflight(jp_fetch, f"models:/{name}/{which}", "tok2")
    assert code == 200, answer
    assert seen, "MLflow should have asked the other host for the model's files"
    assert _tokens_seen(seen) == []
