"""Issue 15 items 2, 4 and 8, through the real proxy at request time.

- The address dialled is the address checked: a name that answers loopback, then a metadata
  address (DNS rebinding, TTL 0), never gets a request to the second one.
- "Never this Jupyter server" is judged against Jupyter's real ports and every local address,
  at request time (``--port=0`` settles after the extension loads).
- One slow tracking server does not stall requests to the others.

The rebinding name is answered by a stand-in for the attacker's DNS inside this process, and
points at a plain loopback peer (a real MLflow server refuses a foreign Host header by itself).
"""

import asyncio
import glob
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.parse import urlsplit

import pytest
from tornado.httpclient import AsyncHTTPClient

from jupyterlab_mlflow_workspace.errors import UserError
from jupyterlab_mlflow_workspace.tracking.targets import check_address, owns_address

NS = "mlflow-workspace/api/workspaces"
GET_PATH = "api/2.0/mlflow/experiments/get"
REBINDING = "rebinding.attacker.test"
ANY = "0.0.0.0"  # noqa: S104 - a URL under test, never bound


@pytest.fixture
def rebinding_dns(monkeypatch):
    """Answers REBINDING with 127.0.0.1 and 169.254.169.254 in turn; records each answer."""
    real = socket.getaddrinfo
    answers: list[str] = []

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):  # noqa: A002
        if host != REBINDING:
            return real(host, port, family, type, proto, flags)
        address = "169.254.169.254" if len(answers) % 2 else "127.0.0.1"
        answers.append(address)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port)))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


@pytest.fixture
def extension_config(extension_config, mlflow_server, http_peer):
    port = urlsplit(http_peer("echo")[0]).port
    workspaces = [
        {"id": "remote", "url": mlflow_server.url},
        {"id": "rebind", "url": f"http://{REBINDING}:{port}"},
        {"id": "silent", "url": http_peer("silent")[0]},
    ]
    return {**extension_config, "workspaces": workspaces, "request_timeout": 3.0}


async def _search(jp_fetch, workspace):
    return await jp_fetch(
        NS, workspace, "mlflow", "api/2.0/mlflow/experiments/search", method="POST",
        body=json.dumps({"max_results": 1}), raise_error=False,
    )  # fmt: skip


async def test_every_connection_is_checked_at_the_address_it_dials(jp_fetch, rebinding_dns):
    outcomes = []
    for _ in range(4):
        response = await jp_fetch(NS, "rebind", "mlflow", GET_PATH, raise_error=False)
        outcomes.append((response.code, json.loads(response.body).get("reason")))
    # One lookup per request, and the request went where the checked answer pointed: the
    # loopback peer, or nowhere with the plain refusal. Never a timeout towards 169.254.169.254.
    assert len(rebinding_dns) == 4
    assert outcomes == [(200, None), (403, "forbidden_host")] * 2


async def test_a_slow_server_does_not_stall_the_other_workspaces(
    jp_fetch, jp_http_port, jp_base_url, jp_auth_header
):
    # Our own client: the test's shared one would queue these requests before they reach Jupyter.
    client = AsyncHTTPClient(force_instance=True, max_clients=100)
    url = f"http://localhost:{jp_http_port}{jp_base_url}{NS}/silent/mlflow/{GET_PATH}"
    try:
        waiting = [
            asyncio.ensure_future(
                client.fetch(url, headers=jp_auth_header, raise_error=False, request_timeout=30)
            )
            for _ in range(50)
        ]
        await asyncio.sleep(0.5)  # all 50 are in Jupyter, waiting on the silent server
        healthy = await _search(jp_fetch, "remote")
        assert healthy.code == 200, healthy.body
        slow = await asyncio.gather(*waiting)
    finally:
        client.close()
    # Each waiting request ends with a plain reason: timed out, or turned away as busy.
    reasons = {json.loads(r.body)["reason"] for r in slow}
    assert reasons <= {"timeout", "busy"}, reasons
    assert {r.code for r in slow} <= {503, 504}


def _local_interface_addresses() -> list[str]:
    found = set()
    for family, target in ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1")):
        try:  # UDP connect sends nothing: it only picks the outgoing interface's address
            with socket.socket(family, socket.SOCK_DGRAM) as probe:
                probe.connect((target, 9))
                found.add(probe.getsockname()[0])
        except OSError:
            continue
    return sorted(a for a in found if not a.startswith(("127.", "::1")))


def test_every_local_address_at_jupyters_port_is_this_jupyter_server():
    addresses = ["127.0.0.1", "127.0.0.2", ANY, "::1", "::ffff:127.0.0.1"]
    addresses += _local_interface_addresses()
    for address in addresses:
        assert owns_address(address), address
        with pytest.raises(UserError) as caught:
            check_address(address, 8888, allow_link_local=False, jupyter_port=lambda: {8888})
        assert caught.value.reason == "forbidden_host", address
        assert "this Jupyter server" in caught.value.message, address
        if address != ANY:  # refused at every port, as an unspecified address
            check_address(address, 5000, allow_link_local=False, jupyter_port=lambda: {8888})
    # Another machine's address at the same port number is somebody else's server.
    assert not owns_address("192.0.2.77")
    check_address("192.0.2.77", 8888, allow_link_local=False, jupyter_port=lambda: {8888})


def test_a_jupyter_started_with_port_0_refuses_itself(tmp_path):
    token = "port0-test-token"
    runtime = tmp_path / "runtime"
    env = dict(os.environ, JUPYTER_DATA_DIR=str(tmp_path / "data"),
               JUPYTER_RUNTIME_DIR=str(runtime), JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"))  # fmt: skip
    jupyter = subprocess.Popen(
        [
            sys.executable, "-m", "jupyter_server", "--port=0", "--ip=127.0.0.1",
            "--no-browser", "--ServerApp.allow_root=True", f"--IdentityProvider.token={token}",
            "--ServerApp.jpserver_extensions=jupyterlab_mlflow_workspace=True",
            f"--MlflowWorkspaceApp.local_dir={tmp_path / 'local'}",
            f"--MlflowWorkspaceApp.store_dir={tmp_path / 'store'}",
            f"--ServerApp.root_dir={tmp_path}",
        ],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        port = _wait_for_port(runtime, jupyter)
        base = f"http://127.0.0.1:{port}/mlflow-workspace/api/workspaces"

        def call(path, body):
            request = urllib.request.Request(
                f"{base}{path}", data=json.dumps(body).encode(), method="POST",
                headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
            )  # fmt: skip
            with urllib.request.urlopen(request, timeout=60) as reply:
                return json.loads(reply.read())

        for host in ["127.0.0.1", ANY, "[::ffff:127.0.0.1]", "localhost"] + [
            f"[{a}]" if ":" in a else a for a in _local_interface_addresses()
        ]:
            created = call("", {"kind": "mlflow", "name": host, "url": f"http://{host}:{port}"})
            result = call(f"/{created['id']}/test", {})
            assert (result["ok"], result["reason"]) == (False, "forbidden_host"), (host, result)
            assert "this Jupyter server" in result["message"], (host, result)
    finally:
        jupyter.terminate()
        try:
            jupyter.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(jupyter.pid, 9)
            jupyter.wait()


def _wait_for_port(runtime, jupyter) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert jupyter.poll() is None, "Jupyter exited"
        for path in glob.glob(str(runtime / "jpserver-*.json")):
            with open(path) as handle:
                port = json.load(handle).get("port")
            if port:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        return port
                except OSError:
                    pass
        time.sleep(0.3)
    raise AssertionError("Jupyter did not start")
