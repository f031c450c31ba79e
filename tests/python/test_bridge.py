"""The kernel bridge: the 0600 runtime file, the bridge route and ``connect()`` in a real kernel.

A kernel started by the Jupyter server inherits only the runtime file's path; ``connect()`` reads
the file and asks the bridge route (Jupyter token + bridge key) for a workspace's tracking URI and
credentials. The browser has no bridge key, so it can never read credentials through this route.
"""

import asyncio
import hashlib
import json
import logging
import os
import re
import secrets
import stat
import subprocess
import sys
import textwrap
import time
import types

import pytest
from http_peers import free_port

import jupyterlab_mlflow_workspace
from jupyterlab_mlflow_workspace.bridge.runtime_file import (
    ENV_VAR,
    FILE_PREFIX,
    KEY_HEADER,
    RuntimeFile,
    server_url,
)
from jupyterlab_mlflow_workspace.kernel.connect import connect

NS = "mlflow-workspace"
BRIDGE = ("mlflow-workspace", "api", "bridge", "connect")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOKEN = "bridge-remote-token-" + secrets.token_hex(8)
PASSWORD = "bridge-basic-password-" + secrets.token_hex(8)


def _ext(jp_serverapp):
    (ext,) = jp_serverapp.extension_manager.extension_apps["jupyterlab_mlflow_workspace"]
    return ext


def _runtime(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


@pytest.fixture
def extension_config(extension_config, monkeypatch):
    # Route tests need no live tracking server: the route only hands out URL and credentials.
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.setenv("T_BRIDGE_TOKEN", TOKEN)
    monkeypatch.setenv("T_BRIDGE_USER", "bridge-user")
    monkeypatch.setenv("T_BRIDGE_PASSWORD", PASSWORD)
    workspaces = [
        {"id": "remote", "name": "Remote", "url": "http://127.0.0.1:9", "token_env": "T_BRIDGE_TOKEN"},
        {"id": "basic", "url": "http://127.0.0.1:9/prefix/", "username_env": "T_BRIDGE_USER",
         "password_env": "T_BRIDGE_PASSWORD", "workspace": "team-a"},
        {"id": "plain", "url": "http://127.0.0.1:9"},
    ]  # fmt: skip
    return {**extension_config, "workspaces": workspaces}


async def _bridge(jp_fetch, workspace, key=None, **kwargs):
    headers = {KEY_HEADER: key} if key is not None else {}
    return await jp_fetch(
        *BRIDGE, method="POST", body=json.dumps({"workspace": workspace}), headers=headers,
        raise_error=False, request_timeout=240, **kwargs,
    )  # fmt: skip


# --- (1) the runtime file --------------------------------------------------------------------


async def test_runtime_file_is_private_and_removed_on_stop(jp_serverapp, jp_http_port):
    ext = _ext(jp_serverapp)
    path = os.environ[ENV_VAR]
    assert path == ext.bridge.path
    assert os.path.dirname(path) == jp_serverapp.runtime_dir
    assert os.path.basename(path) == f"{FILE_PREFIX}{os.getpid()}.json"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert _runtime(path) == {
        "url": f"http://127.0.0.1:{jp_http_port}/a%40b/",
        "token": jp_serverapp.identity_provider.token,
        "bridge_key": ext.bridge.key,
        "version": jupyterlab_mlflow_workspace.__version__,
        "root_dir": jp_serverapp.root_dir,
    }
    assert len(ext.bridge.key) >= 40
    # Kernels inherit this process's environment: the path, never the key or the token.
    assert not any(ext.bridge.key in value for value in os.environ.values())
    # No temporary file left beside it.
    assert [
        n for n in os.listdir(jp_serverapp.runtime_dir) if n.startswith(f".{FILE_PREFIX}")
    ] == []

    await jp_serverapp.cleanup_extensions()
    assert not os.path.exists(path)
    assert ENV_VAR not in os.environ


def test_runtime_file_follows_the_bound_port_and_removes_stale_files(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f"{FILE_PREFIX}{dead.pid}.json"
    stale.write_text("{}")
    app = types.SimpleNamespace(
        runtime_dir=str(tmp_path), base_url="/user/x/", ip="", port=0, sock="", certfile="",
        identity_provider=types.SimpleNamespace(token="tok"),
    )  # fmt: skip
    bridge = RuntimeFile(app, version="1.2.3")
    bridge.start()
    try:
        assert not stale.exists()
        assert _runtime(bridge.path)["url"] == "http://127.0.0.1:0/user/x/"
        app.port = 45678  # what the server binds after extensions are loaded
        bridge.refresh()
        content = _runtime(bridge.path)
        assert content["url"] == "http://127.0.0.1:45678/user/x/"
        assert content["bridge_key"] == bridge.key
        assert stat.S_IMODE(os.stat(bridge.path).st_mode) == 0o600
        assert os.environ[ENV_VAR] == bridge.path
    finally:
        bridge.stop()
    assert not os.path.exists(bridge.path)
    assert ENV_VAR not in os.environ


@pytest.mark.parametrize(
    ("settings", "url"),
    [
        ({"ip": "localhost"}, "http://127.0.0.1:8888/"),
        ({"ip": "0.0.0.0"}, "http://127.0.0.1:8888/"),  # noqa: S104
        ({"ip": "::"}, "http://[::1]:8888/"),
        ({"ip": "10.1.2.3"}, "http://10.1.2.3:8888/"),
        ({"ip": "fe80::1"}, "http://[fe80::1]:8888/"),
        ({"ip": "127.0.0.1", "certfile": "/c.pem"}, "https://127.0.0.1:8888/"),
        ({"sock": "/tmp/j.sock"}, "http+unix://%2Ftmp%2Fj.sock/"),
    ],
)
def test_server_url(settings, url):
    app = types.SimpleNamespace(**{"ip": "", "port": 8888, "base_url": "/", "sock": "",
                                   "certfile": "", **settings})  # fmt: skip
    assert server_url(app) == url


# --- (2) the bridge route -------------------------------------------------------------------


async def test_bridge_refuses_without_the_key(
    jp_fetch, jp_serverapp, http_server_client, jp_base_url
):
    key = _ext(jp_serverapp).bridge.key
    for given in (None, "", "not-the-key", key[:-1], key + "x"):
        response = await _bridge(jp_fetch, "remote", key=given)
        assert response.code == 403, given
        error = json.loads(response.body)
        assert error["reason"] == "bridge_key"
        assert TOKEN not in response.body.decode()

    # The key without Jupyter's own credentials is refused too.
    response = await http_server_client.fetch(
        f"{jp_base_url}{'/'.join(BRIDGE)}", method="POST", body='{"workspace": "remote"}',
        headers={KEY_HEADER: key}, raise_error=False,
    )  # fmt: skip
    assert response.code == 403
    assert TOKEN not in response.body.decode()


async def test_bridge_answers_with_the_key(jp_fetch, jp_serverapp):
    key = _ext(jp_serverapp).bridge.key
    response = await _bridge(jp_fetch, "remote", key=key)
    assert response.code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert json.loads(response.body) == {
        "tracking_uri": "http://127.0.0.1:9",
        "env": {"MLFLOW_TRACKING_URI": "http://127.0.0.1:9", "MLFLOW_TRACKING_TOKEN": TOKEN},
        "workspace": {"id": "remote", "name": "Remote", "kind": "mlflow"},
    }

    answer = json.loads((await _bridge(jp_fetch, "basic", key=key)).body)
    assert answer["env"] == {
        "MLFLOW_TRACKING_URI": "http://127.0.0.1:9/prefix",
        "MLFLOW_TRACKING_USERNAME": "bridge-user",
        "MLFLOW_TRACKING_PASSWORD": PASSWORD,
        "MLFLOW_WORKSPACE": "team-a",
    }
    answer = json.loads((await _bridge(jp_fetch, "plain", key=key)).body)
    assert answer["env"] == {"MLFLOW_TRACKING_URI": "http://127.0.0.1:9"}

    response = await _bridge(jp_fetch, "nope", key=key)
    assert (response.code, json.loads(response.body)["reason"]) == (404, "unknown_workspace")
    response = await _bridge(jp_fetch, 42, key=key)
    assert response.code == 400


async def test_default_workspace_is_the_local_server_started_on_demand(jp_fetch, jp_serverapp):
    key = _ext(jp_serverapp).bridge.key
    response = await _bridge(jp_fetch, None, key=key)
    assert response.code == 200, response.body
    answer = json.loads(response.body)
    assert answer["workspace"] == {"id": "local", "name": "Local", "kind": "local"}
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", answer["tracking_uri"])
    assert answer["env"] == {"MLFLOW_TRACKING_URI": answer["tracking_uri"]}
    status = json.loads((await jp_fetch(NS, "api", "local")).body)
    assert status["state"] == "ready"


async def test_default_workspace_is_the_environment_when_set(jp_fetch, jp_serverapp, monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:9/env")
    answer = json.loads((await _bridge(jp_fetch, None, key=_ext(jp_serverapp).bridge.key)).body)
    assert answer["workspace"]["id"] == "environment"
    assert answer["tracking_uri"] == "http://127.0.0.1:9/env"


async def test_the_key_appears_in_no_other_route(jp_fetch, jp_serverapp):
    bridge = _ext(jp_serverapp).bridge
    for parts in [(NS, "info"), (NS, "api", "workspaces"), (NS, "api", "local")]:
        response = await jp_fetch(*parts)
        assert response.code == 200
        seen = response.body.decode() + json.dumps(dict(response.headers.get_all()))
        assert bridge.key not in seen, parts
        assert TOKEN not in seen and PASSWORD not in seen, parts


# --- (3) a real kernel started by the Jupyter server ------------------------------------------


class TestRealKernel:
    @pytest.fixture
    def extension_config(
        self, extension_config, monkeypatch, mlflow_server, mlflow_basic_auth_server
    ):
        auth = mlflow_basic_auth_server
        monkeypatch.setenv("T_AUTH_USER", auth.admin.username)
        monkeypatch.setenv("T_AUTH_PASSWORD", auth.admin.password)
        workspaces = [
            {"id": "remote", "name": "Remote", "url": mlflow_server.url, "token_env": "T_BRIDGE_TOKEN"},
            {"id": "auth", "name": "Auth", "url": auth.url, "username_env": "T_AUTH_USER",
             "password_env": "T_AUTH_PASSWORD"},
        ]  # fmt: skip
        return {**extension_config, "workspaces": workspaces}

    async def test_connect_in_a_kernel_logs_a_run_without_showing_secrets(
        self, jp_fetch, jp_serverapp, jp_root_dir, mlflow_server, mlflow_basic_auth_server, caplog
    ):
        caplog.set_level(logging.DEBUG)
        auth = mlflow_basic_auth_server
        response = await jp_fetch(
            "api", "sessions", method="POST", request_timeout=120,
            body=json.dumps({"path": "bridge.ipynb", "name": "bridge.ipynb", "type": "notebook",
                             "kernel": {"name": "python3"}}),
        )  # fmt: skip
        kernel_id = json.loads(response.body)["kernel"]["id"]
        client = jp_serverapp.kernel_manager.get_kernel(kernel_id).client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=180)
            code = textwrap.dedent(
                """
                import hashlib, os
                from jupyterlab_mlflow_workspace import connect
                connect("remote", "bridge-exp")
                import mlflow
                with mlflow.start_run() as run:
                    mlflow.log_metric("m", 2.0)
                print("RUN", run.info.run_id)
                print("RUNTIME", os.environ["JUPYTER_MLFLOW_WORKSPACE_RUNTIME"])
                print("TOKEN_SHA", hashlib.sha256(os.environ["MLFLOW_TRACKING_TOKEN"].encode()).hexdigest())
                connect("auth", "bridge-auth-exp")
                print("TOKEN_LEFT", "MLFLOW_TRACKING_TOKEN" in os.environ)
                with mlflow.start_run() as run:
                    mlflow.log_metric("m", 3.0)
                print("AUTH_RUN", run.info.run_id)
                """
            )
            outputs, reply = await _execute(client, code)
        finally:
            client.stop_channels()

        text = "\n".join(outputs)
        assert reply["content"]["status"] == "ok", text
        for secret in (TOKEN, auth.admin.password, _ext(jp_serverapp).bridge.key,
                       jp_serverapp.identity_provider.token):  # fmt: skip
            assert secret not in text
        lines = text.splitlines()
        assert (
            f"MLflow tracking: {mlflow_server.url} (workspace Remote), experiment 'bridge-exp'"
            in lines
        )
        assert (
            f"MLflow tracking: {auth.url} (workspace Auth), experiment 'bridge-auth-exp'" in lines
        )
        assert sum(line.startswith("MLflow tracking:") for line in lines) == 2
        assert _value(text, "TOKEN_SHA") == hashlib.sha256(TOKEN.encode()).hexdigest()
        assert _value(text, "TOKEN_LEFT") == "False"
        assert _value(text, "RUNTIME") == _ext(jp_serverapp).bridge.path
        assert "/mlflow-workspace/api/bridge/connect" in caplog.text  # the server's log is seen
        for secret in (TOKEN, auth.admin.password, _ext(jp_serverapp).bridge.key):
            assert secret not in caplog.text

        run = mlflow_server.call(
            "GET", "/api/2.0/mlflow/runs/get", params={"run_id": _value(text, "RUN")}
        )
        experiment = mlflow_server.call(
            "GET",
            "/api/2.0/mlflow/experiments/get-by-name",
            params={"experiment_name": "bridge-exp"},
        )["experiment"]
        assert run["run"]["info"]["experiment_id"] == experiment["experiment_id"]
        assert {m["key"]: m["value"] for m in run["run"]["data"]["metrics"]} == {"m": 2.0}
        tags = {t["key"]: t["value"] for t in run["run"]["data"]["tags"]}
        assert tags["mlflow.source.type"] == "NOTEBOOK"
        # Relative to the Jupyter root: the server's own path never goes into the store.
        assert tags["mlflow.source.name"] == "bridge.ipynb"
        assert str(jp_root_dir) not in json.dumps(tags)

        # The basic-auth server refuses anonymous requests: the run proves the credentials arrived.
        auth_run = auth.call(
            "GET", "/api/2.0/mlflow/runs/get", params={"run_id": _value(text, "AUTH_RUN")}
        )
        assert {m["key"]: m["value"] for m in auth_run["run"]["data"]["metrics"]} == {"m": 3.0}


async def _execute(client, code, timeout=300):
    outputs = []

    def hook(msg):
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            outputs.append(content["text"])
        elif kind in ("execute_result", "display_data"):
            outputs.append(json.dumps(content["data"]))
        elif kind == "error":
            outputs.append("\n".join(content["traceback"]))

    reply = await client.execute_interactive(code, output_hook=hook, timeout=timeout)
    return outputs, reply


def _value(text, label):
    match = re.search(rf"^{label} (\S+)$", text, re.M)
    assert match, f"{label} missing in:\n{text}"
    return match.group(1)


# --- (4) connect() without the bridge, and with a bad runtime file --------------------------


@pytest.fixture
def kernel_env(monkeypatch, tmp_path):
    """A kernel-like environment: no runtime file, no MLflow variables, mlflow state restored."""
    import mlflow.tracking._tracking_service.utils as tracking_utils

    monkeypatch.setattr(tracking_utils, "_tracking_uri", tracking_utils._tracking_uri)
    for name in (ENV_VAR, "MLFLOW_TRACKING_URI", "MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_USERNAME",
                 "MLFLOW_TRACKING_PASSWORD", "MLFLOW_WORKSPACE", "MLFLOW_RUN_CONTEXT",
                 "JPY_SESSION_NAME", "JUPYTERHUB_API_TOKEN"):  # fmt: skip
        # setenv first, so that teardown also removes what connect() sets later
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    return monkeypatch


def test_fallback_uses_mlflow_tracking_uri_with_one_line(kernel_env, capsys):
    kernel_env.setenv("MLFLOW_TRACKING_URI", "https://someone:s3cret@mlflow.example.invalid/x?k=v")
    uri = connect()
    assert uri == "https://mlflow.example.invalid/x?…"  # safe to print; MLflow has the full URI
    assert (
        os.environ["MLFLOW_TRACKING_URI"] == "https://someone:s3cret@mlflow.example.invalid/x?k=v"
    )
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert out.startswith(
        "MLflow tracking: https://mlflow.example.invalid/x?… (from MLFLOW_TRACKING_URI: "
    )
    assert "not started by a Jupyter server" in out
    assert "s3cret" not in out and "someone" not in out

    connect("remote", quiet=True)
    assert capsys.readouterr().out == ""


def test_fallback_when_the_server_is_gone_or_unreachable(kernel_env, tmp_path, capsys):
    kernel_env.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:9")
    kernel_env.setenv(ENV_VAR, str(tmp_path / "missing.json"))
    connect("remote")
    out = capsys.readouterr().out
    assert "has stopped" in out and "workspace 'remote' not used" in out

    path = tmp_path / "runtime.json"
    path.write_text(json.dumps({"url": f"http://127.0.0.1:{free_port()}/", "token": "t",
                                "bridge_key": "k", "version": "0"}))  # fmt: skip
    path.chmod(0o600)
    kernel_env.setenv(ENV_VAR, str(path))
    connect()
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "did not answer" in out, out


def test_no_bridge_and_no_uri_is_a_clear_error(kernel_env):
    with pytest.raises(RuntimeError, match="MLFLOW_TRACKING_URI is not set"):
        connect()


def test_an_insecure_runtime_file_is_refused(kernel_env, tmp_path):
    kernel_env.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:9")
    path = tmp_path / "runtime.json"
    path.write_text(json.dumps({"url": "http://127.0.0.1:9/", "token": "t", "bridge_key": "k"}))
    path.chmod(0o644)
    kernel_env.setenv(ENV_VAR, str(path))
    with pytest.raises(RuntimeError, match=r"other users may access it \(mode 0644\)"):
        connect()

    path.chmod(0o600)
    link = tmp_path / "link.json"
    link.symlink_to(path)
    kernel_env.setenv(ENV_VAR, str(link))
    with pytest.raises(RuntimeError, match="symbolic link"):
        connect()


async def test_connect_against_the_test_server(jp_fetch, jp_serverapp, kernel_env, capsys):
    # In this process (as a kernel would), through the real route: env set, nothing secret printed.
    kernel_env.setenv(ENV_VAR, _ext(jp_serverapp).bridge.path)
    kernel_env.setenv("MLFLOW_TRACKING_TOKEN", "stale-token-of-another-workspace")
    uri = await asyncio.to_thread(connect, "basic", mlflow_workspace="team-b")
    assert uri == "http://127.0.0.1:9/prefix"
    assert os.environ["MLFLOW_TRACKING_URI"] == uri
    assert os.environ["MLFLOW_TRACKING_USERNAME"] == "bridge-user"
    assert os.environ["MLFLOW_TRACKING_PASSWORD"] == PASSWORD
    assert os.environ["MLFLOW_WORKSPACE"] == "team-b"
    assert "MLFLOW_TRACKING_TOKEN" not in os.environ
    out = capsys.readouterr().out
    assert out == "MLflow tracking: http://127.0.0.1:9/prefix (workspace basic)\n"

    with pytest.raises(RuntimeError, match="no workspace with this id"):
        await asyncio.to_thread(connect, "nope")


# --- a real `jupyter server` process: the port is known only after start ---------------------


def test_real_server_on_port_0_writes_the_bound_port(tmp_path, kernel_env):
    runtime_dir = tmp_path / "runtime"
    env = dict(os.environ, JUPYTER_DATA_DIR=str(tmp_path / "data"), JUPYTER_RUNTIME_DIR=str(runtime_dir),
               JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"), MLFLOW_TRACKING_URI="file:///tmp/bridge-env",
               PYTHONPATH=os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")])))  # fmt: skip
    server = subprocess.Popen(
        [
            sys.executable, "-m", "jupyter_server", "--port=0", "--ip=127.0.0.1", "--no-browser",
            "--ServerApp.allow_root=True", "--IdentityProvider.token=real-server-token",
            "--ServerApp.base_url=/hub/user/x/",
            "--ServerApp.jpserver_extensions=jupyterlab_mlflow_workspace=True",
            f"--MlflowWorkspaceApp.local_dir={tmp_path / 'local'}",
            f"--MlflowWorkspaceApp.store_dir={tmp_path / 'store'}", f"--ServerApp.root_dir={tmp_path}",
        ],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    path = runtime_dir / f"{FILE_PREFIX}{server.pid}.json"
    try:
        deadline = time.monotonic() + 120
        content = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                content = _runtime(path)
            except (OSError, ValueError):
                content = None
            if content and not content["url"].endswith(":0/hub/user/x/"):
                break
            time.sleep(0.2)
        assert content, "the runtime file was not written"
        assert re.fullmatch(r"http://127\.0\.0\.1:[1-9]\d*/hub/user/x/", content["url"]), content
        assert content["token"] == "real-server-token"
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600

        kernel_env.setenv(ENV_VAR, str(path))
        assert connect(quiet=True) == "file:///tmp/bridge-env"
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, 9)
            server.wait()
    assert not path.exists(), "the runtime file should be removed on stop"


# --- (5) the kernel side imports neither tornado nor jupyter_server -------------------------


def test_kernel_side_does_not_import_the_server_stack():
    code = textwrap.dedent(
        """
        import sys
        import jupyterlab_mlflow_workspace.kernel.connect
        import jupyterlab_mlflow_workspace
        jupyterlab_mlflow_workspace.connect
        heavy = ("tornado", "jupyter_server", "mlflow", "requests")
        print(sorted({m.split(".")[0] for m in sys.modules if m.split(".")[0] in heavy}))
        """
    )
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")]))
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


@pytest.mark.parametrize(
    ("uri", "shown"),
    [
        ("http://127.0.0.1:5000", "http://127.0.0.1:5000"),
        ("sqlite:///tmp/x.db", "sqlite:///tmp/x.db"),  # unchanged, not round-tripped
        ("databricks", "databricks"),
        ("http://user:pw@host:5/x?token=t#f", "http://host:5/x?…"),
    ],
)
def test_printed_uri_has_no_credentials(uri, shown):
    from jupyterlab_mlflow_workspace.kernel.connect import _display

    assert _display(uri) == shown
