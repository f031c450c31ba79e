"""Shared hosts: another Unix user on the same machine gets nothing from the owner's servers.

Run as root (as CI does), a throwaway second user is created for the module. As that user, plain
HTTP from the system Python (and MLflow's own client) is pointed at every loopback port the
extension opened: the local tracking server (API, artifact upload and download, /health) and a
local web service (/invocations, /ping). Each must be refused with a 403 that says whose it is,
while the owner (this process, Jupyter's user) gets the same calls answered. The Unix sockets
behind the ports, the data folders and the files in them must be closed to that user too.
"""

import asyncio
import json
import os
import pwd
import stat
import subprocess
import urllib.request

import pytest
import unix_users
from mlflow_servers import http_request
from tiny_model import log_line_model
from unix_users import CAN_SWITCH_USERS, drop_user, make_user

NS = "mlflow-workspace/api"

pytestmark = pytest.mark.skipif(
    not CAN_SWITCH_USERS, reason="needs root to create a throwaway second user"
)


@pytest.fixture(scope="module")
def other_user():
    name = make_user()
    try:
        yield name
    finally:
        drop_user(name)


def _owner_call(method: str, url: str, body=None):
    return http_request(method, url, json_body=body)


def _owner_put(url: str, data: bytes):
    request = urllib.request.Request(url, data=data, method="PUT")  # noqa: S310 - loopback
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=30) as response:
        return response.status


# Jupyter (and so the gate) runs on this test's event loop: blocking calls go to a thread.
async def probe(*args):
    return await asyncio.to_thread(unix_users.probe, *args)


async def can_read(*args):
    return await asyncio.to_thread(unix_users.can_read, *args)


async def can_connect_unix(*args):
    return await asyncio.to_thread(unix_users.can_connect_unix, *args)


async def owner_call(*args):
    return await asyncio.to_thread(_owner_call, *args)


async def owner_put(*args):
    return await asyncio.to_thread(_owner_put, *args)


@pytest.fixture
def ext(jp_serverapp):
    (app,) = jp_serverapp.extension_manager.extension_apps["jupyterlab_mlflow_workspace"]
    return app


async def _local(jp_fetch, action="start"):
    response = await jp_fetch(
        NS, "local", action, method="POST", body="{}", raise_error=False, request_timeout=180
    )
    return json.loads(response.body)


def _refused(status, text, what):
    assert status == 403, text
    answer = json.loads(text)
    assert answer["error_code"] == "PERMISSION_DENIED"
    owner = pwd.getpwuid(os.geteuid()).pw_name
    assert answer["message"].startswith(f"This {what} belongs to the Unix user {owner!r}")


async def test_the_local_tracking_server_admits_only_its_owner(jp_fetch, ext, other_user):
    status = await _local(jp_fetch)
    assert status["state"] == "ready", status
    url = status["url"]
    search = f"{url}/api/2.0/mlflow/experiments/search?max_results=5"

    # The owner: every call answered.
    created = await owner_call("POST", f"{url}/api/2.0/mlflow/experiments/create", {"name": "mine"})
    assert created.status == 200, created.text
    assert (await owner_call("GET", search)).status == 200
    upload = f"{url}/api/2.0/mlflow-artifacts/artifacts/0/owner/note.txt"
    assert await owner_put(upload, b"hello") == 200
    assert (await owner_call("GET", upload)).text == "hello"
    assert (await owner_call("GET", f"{url}/health")).status == 200

    # The other user: nothing read, nothing written, and told why.
    calls = [
        ("GET", search, ""),
        ("POST", f"{url}/api/2.0/mlflow/experiments/create", json.dumps({"name": "theirs"})),
        ("PUT", f"{url}/api/2.0/mlflow-artifacts/artifacts/0/other/x.txt", "planted"),
        ("GET", upload, ""),
        ("GET", f"{url}/health", ""),
        ("GET", f"{url}/", ""),
    ]
    for method, target, body in calls:
        _refused(*await probe(other_user, method, target, body), "local MLflow server")
    names = [e["name"] for e in (await owner_call("GET", search)).json()["experiments"]]
    assert "theirs" not in names and "mine" in names
    listed = await owner_call("GET", f"{url}/api/2.0/mlflow-artifacts/artifacts?path=0")
    assert "other" not in listed.text

    # Behind the port: the Unix socket, and the data on disk.
    # (pytest's own temporary folders are 0700 too, so the modes are checked as well.)
    assert await can_connect_unix(other_user, ext.local.socket_path) == "PermissionError"
    local_dir = status["local_dir"]
    for path in (local_dir, os.path.join(local_dir, "mlflow.db")):
        assert await can_read(other_user, path) == "PermissionError", path
    assert stat.S_IMODE(os.stat(local_dir).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(os.path.join(local_dir, "mlflow.db")).st_mode) == 0o600


def _search_experiments(tracking_uri: str) -> str:
    from mlflow import MlflowClient

    try:
        MlflowClient(tracking_uri=tracking_uri).search_experiments()
    except Exception as error:  # noqa: BLE001 - the text is what the user reads
        return str(error)
    return "answered"


async def test_mlflow_in_someone_elses_process_says_why_it_cannot_get_in(ext, other_user):
    """What MLflow's own client prints when refused. The gate is mirrored (it names the other
    user as owner, so this process is the stranger): the uv Python of the test virtualenv is
    not reachable by another user, so MLflow cannot be run as that user here."""
    from jupyterlab_mlflow_workspace.processes.owner_gate import OwnerGate

    await ext.local.ensure_started()
    uid = pwd.getpwnam(other_user).pw_uid
    gate = OwnerGate(ext.local.socket_path, what="local MLflow server", owner_uid=uid)
    port = await gate.start(0)
    try:
        text = await asyncio.to_thread(_search_experiments, f"http://127.0.0.1:{port}")
    finally:
        await gate.stop()
    assert f"This local MLflow server belongs to the Unix user {other_user!r}" in text, text
    assert "PERMISSION_DENIED" in text and gate.refused == 1


async def test_a_wider_data_folder_is_reported_with_the_chmod_line(jp_fetch):
    status = await _local(jp_fetch)
    local_dir = status["local_dir"]
    os.chmod(local_dir, 0o755)  # noqa: S103 - the state a user must be told about
    try:
        response = await jp_fetch(NS, "local", method="GET")
        message = json.loads(response.body)["message"]
        assert "can be read by other users of this machine (mode 755)" in message
        assert message.endswith(f"chmod -R go-rwx {local_dir}")
    finally:
        os.chmod(local_dir, 0o700)
    response = await jp_fetch(NS, "local", method="GET")
    assert "chmod" not in json.loads(response.body)["message"]


async def test_a_local_web_service_admits_only_its_owner(jp_fetch, ext, other_user):
    status = await _local(jp_fetch)
    info = await asyncio.to_thread(log_line_model, status["url"])
    response = await jp_fetch(
        NS, "deployments", method="POST", raise_error=False, request_timeout=400,
        body=json.dumps({"model_uri": info.model_uri, "workspace": "local", "name": "line"}),
    )  # fmt: skip
    deployment = json.loads(response.body)
    assert response.code == 200 and deployment["state"] == "ready", deployment
    try:
        scoring = deployment["scoring_uri"]
        body = {"inputs": [[10.0]]}
        # The owner, straight and through Call endpoint: answered.
        direct = await owner_call("POST", scoring, body)
        assert direct.status == 200 and round(direct.json()["predictions"][0]) == 21
        called = await jp_fetch(
            NS, "deployments", deployment["id"], "invocations", method="POST",
            body=json.dumps(body), headers={"Content-Type": "application/json"},
        )  # fmt: skip
        assert round(json.loads(called.body)["predictions"][0]) == 21
        # The other user: refused on every path, and told whose it is.
        ping = scoring.rsplit("/", 1)[0] + "/ping"
        what = "local web service 'line'"
        _refused(*await probe(other_user, "POST", scoring, json.dumps(body)), what)
        _refused(*await probe(other_user, "GET", ping), what)
        socket_path = os.path.join(ext.deployments.sockets_dir, f"{deployment['id']}.sock")
        assert os.path.exists(socket_path)
        assert await can_connect_unix(other_user, socket_path) == "PermissionError"
        assert stat.S_IMODE(os.stat(ext.deployments.sockets_dir).st_mode) == 0o700
        assert stat.S_IMODE(os.stat(ext.deployments.state_dir).st_mode) == 0o700
        log = os.path.join(ext.deployments.state_dir, f"{deployment['id']}.log")
        served = [os.path.join(root, name) for root, _, names in
                  os.walk(os.path.join(ext.deployments.state_dir, f"{deployment['id']}.tmp"))
                  for name in names]  # fmt: skip
        for path in [log, *served]:
            assert stat.S_IMODE(os.stat(path).st_mode) & 0o077 == 0, path
    finally:
        await jp_fetch(NS, "deployments", deployment["id"], method="DELETE", raise_error=False)


def test_both_ways_of_finding_the_connecting_user_agree(other_user):
    """sock_diag (used) and /proc/net/tcp (the fallback where sock_diag is missing) name the
    user holding the client end, not the server end (which is this process's)."""
    import socket

    from jupyterlab_mlflow_workspace.processes.owner_gate import _diag_uid, _table_uid

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        code = f"import socket, time; s = socket.create_connection(('127.0.0.1', {port})); time.sleep(5)"
        client = subprocess.Popen(
            ["/usr/sbin/runuser", "-u", other_user, "--", "/usr/bin/python3", "-c", code]
        )
        try:
            listener.settimeout(20)
            conn, peer = listener.accept()
            with conn:
                local = conn.getsockname()
                want = pwd.getpwnam(other_user).pw_uid
                assert _diag_uid(peer, local) == want
                assert _table_uid(peer, local) == want
                assert _diag_uid(local, peer) == _table_uid(local, peer) == os.geteuid()
        finally:
            client.kill()
            client.wait()
