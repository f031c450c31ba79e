"""The proxy: happy paths against a real MLflow server, and every refusal and failure class."""

import json

import pytest
from http_peers import free_port

from jupyterlab_mlflow_workspace.tracking.upstream import Upstream

NS = "mlflow-workspace/api/workspaces"
# A GET route of the allowlist; the peers answer any path.
GET_PATH = "api/2.0/mlflow/experiments/get"


@pytest.fixture
def peers(http_peer):
    return {kind: http_peer(kind) for kind in ("redirect", "html", "echo", "silent", "chunked")}


@pytest.fixture
def extension_config(extension_config, mlflow_server, peers, plaintext_peer, monkeypatch):
    monkeypatch.setenv("TEST_TEAM_TOKEN", "team-token-123")
    workspaces = [
        {"id": "remote", "name": "Remote", "url": mlflow_server.url},
        {"id": "redirect", "url": peers["redirect"][0]},
        {"id": "html", "url": peers["html"][0]},
        {
            "id": "echo",
            "url": peers["echo"][0],
            "token_env": "TEST_TEAM_TOKEN",
            "workspace": "team-a",
        },
        {"id": "silent", "url": peers["silent"][0]},
        {"id": "chunked", "url": peers["chunked"][0]},
        {"id": "refused", "url": f"http://127.0.0.1:{free_port()}"},
        {"id": "dns", "url": "http://no-such-host.invalid"},
        {"id": "metadata", "url": "http://169.254.169.254"},
        {"id": "tls", "url": plaintext_peer},
        {"id": "creds-in-url", "url": "http://user:pw@127.0.0.1:1"},
    ]
    return {**extension_config, "workspaces": workspaces, "request_timeout": 3.0}


async def _proxy(jp_fetch, workspace, path, **kwargs):
    return await jp_fetch(NS, workspace, "mlflow", path, raise_error=False, **kwargs)


def _error(response):
    return json.loads(response.body)


async def test_search_reaches_the_real_server(jp_fetch):
    # The session's server is shared with other tests: ask for the Default experiment by name.
    response = await _proxy(
        jp_fetch, "remote", "api/2.0/mlflow/experiments/search", method="POST",
        body=json.dumps({"max_results": 5, "filter": "name = 'Default'"}),
    )  # fmt: skip
    assert response.code == 200
    names = [e["name"] for e in json.loads(response.body)["experiments"]]
    assert names == ["Default"]


async def test_post_search_carries_the_json_body(jp_fetch):
    body = json.dumps({"experiment_ids": ["0"], "max_results": 1})
    response = await _proxy(
        jp_fetch, "remote", "api/2.0/mlflow/runs/search", method="POST", body=body
    )
    assert response.code == 200
    assert json.loads(response.body) == {} or "runs" in json.loads(response.body)


async def test_mlflow_errors_pass_through_with_their_code(jp_fetch):
    response = await _proxy(
        jp_fetch, "remote", "api/2.0/mlflow/runs/get", params={"run_id": "does-not-exist"}
    )
    assert response.code == 404
    assert _error(response)["error_code"] == "RESOURCE_DOES_NOT_EXIST"


async def test_unknown_workspace_is_404(jp_fetch):
    response = await _proxy(jp_fetch, "nope", GET_PATH)
    assert response.code == 404
    assert _error(response)["reason"] == "unknown_workspace"


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "api/2.0/mlflow/users/get"), ("POST", "api/2.0/mlflow/runs/delete")],
)
async def test_paths_outside_the_allowlist_are_403(jp_fetch, method, path):
    body = "{}" if method == "POST" else None
    response = await _proxy(jp_fetch, "remote", path, method=method, body=body)
    assert response.code == 403
    assert _error(response)["reason"] == "not_allowed"


@pytest.mark.parametrize(
    "raw",
    [
        "api/2.0/mlflow/%2e%2e/%2e%2e/admin",
        "api/2.0/mlflow/experiments%2fsearch",
        "api/2.0/mlflow//experiments/search",
        "api/2.0/mlflow/experiments/search%5c..",
    ],
)
async def test_traversal_encodings_are_400(http_server_client, jp_base_url, jp_auth_header, raw):
    # Sent byte for byte (jp_fetch would re-encode the path).
    response = await http_server_client.fetch(
        f"{jp_base_url}{NS}/remote/mlflow/{raw}", headers=jp_auth_header, raise_error=False
    )
    assert response.code == 400, raw
    assert _error(response)["reason"] == "bad_path"


@pytest.mark.parametrize(
    ("workspace", "status", "reason"),
    [
        ("redirect", 502, "redirect"),
        ("refused", 502, "refused"),
        ("dns", 502, "dns"),
        ("silent", 504, "timeout"),
        ("tls", 502, "tls"),
        ("metadata", 403, "forbidden_host"),
        ("creds-in-url", 400, "credentials_in_url"),
    ],
)
async def test_failures_map_to_one_status_and_reason(jp_fetch, workspace, status, reason):
    response = await _proxy(jp_fetch, workspace, GET_PATH)
    assert (response.code, _error(response)["reason"]) == (status, reason)
    assert "Traceback" not in response.body.decode()


async def test_request_headers_are_rebuilt_not_forwarded(jp_fetch, peers):
    _, seen = peers["echo"]
    response = await _proxy(
        jp_fetch,
        "echo",
        GET_PATH,
        headers={"Cookie": "_xsrf=browser-cookie", "X-XSRFToken": "browser-xsrf"},
    )
    assert response.code == 200
    sent = seen[-1]
    assert sent["Authorization"] == "Bearer team-token-123"  # the workspace's, not Jupyter's
    assert sent["X-Mlflow-Workspace"] == "team-a"
    assert "Cookie" not in sent and "X-Xsrftoken" not in sent
    # and nothing the upstream sets for the browser comes back
    assert not any("upstream-cookie" in c for c in response.headers.get_list("Set-Cookie"))
    assert response.headers.get("Access-Control-Allow-Origin", "") != "*"


@pytest.mark.parametrize("workspace", ["echo", "chunked"])
async def test_json_answers_over_the_cap_are_refused(jp_fetch, jp_serverapp, workspace):
    (ext,) = jp_serverapp.extension_manager.extension_apps["jupyterlab_mlflow_workspace"]
    ext.upstream.close()
    # The echo peer announces ~100 bytes; the chunked one announces nothing and sends ~4 KB.
    ext.upstream = Upstream(timeout=3.0, max_json_bytes=32, allow_link_local=False)
    response = await _proxy(jp_fetch, workspace, GET_PATH)
    assert (response.code, _error(response)["reason"]) == (502, "too_large")
    assert "larger than the proxy's limit of 32 bytes" in _error(response)["message"]


async def test_a_chunked_answer_under_the_cap_passes_whole(jp_fetch):
    response = await _proxy(jp_fetch, "chunked", GET_PATH)
    assert response.code == 200
    assert json.loads(response.body)["experiments"][-1] == {"experiment_id": "last"}


async def test_an_html_page_from_upstream_is_never_served_from_jupyter(jp_fetch):
    # A page the tracking server wrote, served from Jupyter's origin, could script Jupyter.
    response = await _proxy(jp_fetch, "html", GET_PATH)
    assert (response.code, _error(response)["reason"]) == (502, "not_mlflow")
    assert "nginx" not in response.body.decode()
    assert response.headers["Content-Type"].startswith("application/json")


async def test_routes_the_browser_never_calls_are_refused(jp_fetch):
    # Artifact downloads streamed upstream bodies (text/html included); the client never used them.
    response = await _proxy(jp_fetch, "remote", "get-artifact", params={"run_id": "x", "path": "a"})
    assert (response.code, _error(response)["reason"]) == (403, "not_allowed")
