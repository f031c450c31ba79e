"""A real JupyterHub with two local users: each one's extension is theirs alone.

JupyterHub from PyPI and configurable-http-proxy from npm (the root package.json), the local
process spawner, two throwaway Unix users with homes. The hub runs as root (as on TLJH) and
starts each user's single-user server as that user, from a virtualenv made from Debian's Python
(the test virtualenv's interpreter lives under /root, which other users cannot enter). Driven
over HTTP with the hub's API: each user's panel works under ``/user/<name>/``; the other user's
token is refused there; each user's local MLflow server, secrets and deployments are invisible
and unreachable to the other, through the hub, through the loopback ports and through the
filesystem; stopping a user's server leaves no process of that user.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from http_peers import free_port
from mlflow_servers import http_request
from unix_users import CAN_SWITCH_USERS, SYSTEM_PYTHON, as_user, can_read, drop_user, make_user
from unix_users import probe as probe_as
from venvs import ROOT, ensure_venv, uv

CHP = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"
# Outside the checkout: the users' servers run from it, and a checkout may sit in a folder
# other users cannot enter (a home, /root). /tmp can be entered by all.
HUB_VENV = Path(tempfile.gettempdir()) / "jupyterlab-mlflow-workspace-venv-hub"
START_BOUND = 240.0  # a single-user server with the extension, on 2 busy cores

pytestmark = [
    pytest.mark.skipif(not CAN_SWITCH_USERS, reason="needs root to create two Unix users"),
    pytest.mark.skipif(not CHP.exists(), reason="configurable-http-proxy: run jlpm install"),
    pytest.mark.skipif(not os.path.exists(SYSTEM_PYTHON), reason="needs Debian's python3"),
]


def _wheel() -> Path:
    wheels = sorted((ROOT / "dist").glob("jupyterlab_mlflow_workspace-*.whl"))
    if not wheels:
        pytest.skip("no wheel in dist/ (the build stage makes it)")
    return wheels[-1]


def _hub_python() -> str:
    wheel = _wheel()
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()[:16]
    python = ensure_venv(
        HUB_VENV,
        ["jupyterhub>=5.2,<6", "jupyterlab>=4.6,<4.7", "scikit-learn>=1.3", f"{wheel}[local]"],
        # The marker holds the wheel's digest: a rebuilt wheel is installed again.
        after=[["{python}", "-c", f"'wheel {digest}'"],
               [uv(), "pip", "install", "-q", "--python",
                "{python}", "--reinstall-package", "jupyterlab_mlflow_workspace", str(wheel)]],
        base_python=SYSTEM_PYTHON,
    )  # fmt: skip
    # Readable by the hub's users whatever umask made it (files only ever gain read/execute).
    subprocess.run(["chmod", "-R", "a+rX", str(HUB_VENV)], check=True)
    return python


class Hub:
    def __init__(self, folder: Path, python: str, users: list[str]):
        self.folder = folder
        self.python = python
        self.users = users
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.service_token = secrets.token_hex(32)
        self.password = secrets.token_hex(16)
        self.tokens: dict[str, str] = {}
        self.log_path = folder / "hub.log"
        self.process: subprocess.Popen | None = None

    def config(self) -> str:
        bindir = os.path.dirname(self.python)
        node = os.path.dirname(shutil.which("node") or "/usr/bin/node")
        return f"""
c = get_config()  # noqa
c.JupyterHub.bind_url = "{self.url}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{free_port()}"
c.JupyterHub.db_url = "sqlite:///{self.folder}/hub.sqlite"
c.JupyterHub.cookie_secret_file = "{self.folder}/cookie_secret"
c.JupyterHub.cleanup_servers = True
c.ConfigurableHTTPProxy.command = ["{CHP}"]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{free_port()}"
c.ConfigurableHTTPProxy.auth_token = "{secrets.token_hex(32)}"
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = "{self.password}"
c.Authenticator.allowed_users = {set(self.users)!r}
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = ["{bindir}/jupyterhub-singleuser"]
c.Spawner.env_keep = ["LANG"]
c.Spawner.environment = {{"PATH": "{bindir}:{node}:/usr/bin:/bin",
                          "MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "1"}}
c.Spawner.start_timeout = {int(START_BOUND)}
c.Spawner.http_timeout = {int(START_BOUND)}
c.JupyterHub.services = [{{"name": "probe", "api_token": "{self.service_token}"}}]
c.JupyterHub.load_roles = [{{
    "name": "probe-admin",
    "scopes": ["admin:users", "admin:servers", "tokens", "access:servers", "read:users"],
    "services": ["probe"],
}}]
"""

    def start(self) -> None:
        config = self.folder / "jupyterhub_config.py"
        config.write_text(self.config())
        env = {"PATH": f"{os.path.dirname(self.python)}:/usr/bin:/bin", "LANG": "C.UTF-8",
               "HOME": str(self.folder)}  # fmt: skip
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [os.path.join(os.path.dirname(self.python), "jupyterhub"), "-f", str(config)],
                cwd=self.folder, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        self._until(lambda: self.api("GET", "/").status == 200, 90, "the hub did not answer")

    def stop(self) -> None:
        if self.process is None:
            return
        with_timeout = time.monotonic() + 60
        self.process.send_signal(signal.SIGTERM)  # cleanup_servers: users' servers stop too
        while self.process.poll() is None and time.monotonic() < with_timeout:
            time.sleep(0.2)
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]

    def _until(self, ok, bound: float, what: str) -> None:
        deadline = time.monotonic() + bound
        while time.monotonic() < deadline:
            try:
                if ok():
                    return
            except OSError:
                pass
            if self.process is not None and self.process.poll() is not None:
                break
            time.sleep(0.5)
        raise AssertionError(f"{what}\n{self.log_tail()}")

    def api(self, method: str, path: str, body=None, token: str | None = None):
        headers = {"Authorization": f"token {token or self.service_token}"}
        return http_request(method, f"{self.url}/hub/api{path}", json_body=body, headers=headers)

    def spawn(self, user: str) -> None:
        started = self.api("POST", f"/users/{user}/server")
        assert started.status in (201, 202), started.text
        self._until(
            lambda: self.api("GET", f"/users/{user}").json()["servers"].get("", {}).get("ready"),
            START_BOUND, f"{user}'s server did not become ready",
        )  # fmt: skip
        made = self.api(
            "POST", f"/users/{user}/tokens",
            {"scopes": [f"access:servers!user={user}"], "note": "test"},
        )  # fmt: skip
        assert made.status in (200, 201), made.text
        self.tokens[user] = made.json()["token"]

    def call(self, user: str, method: str, path: str, body=None, *, as_: str | None = None):
        """A request to ``user``'s extension API, with the token of ``as_`` (default: user)."""
        token = self.tokens[as_ or user]
        return http_request(
            method, f"{self.url}/user/{user}/mlflow-workspace/api/{path}",
            json_body=body, headers={"Authorization": f"token {token}"}, timeout=300,
        )  # fmt: skip


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    python = _hub_python()
    users = [make_user("mlwhuba", home=True), make_user("mlwhubb", home=True)]
    folder = tmp_path_factory.mktemp("hub")
    the_hub = Hub(folder, python, users)
    try:
        the_hub.start()
        for user in users:
            the_hub.spawn(user)
        yield the_hub
    finally:
        the_hub.stop()
        for user in users:
            drop_user(user)


def _pids(user: str) -> list[str]:
    found = subprocess.run(["pgrep", "-u", user], capture_output=True, text=True)
    return found.stdout.split()


def test_each_user_gets_their_own_panel_and_not_the_others(hub):
    a, b = hub.users
    for user in (a, b):
        listed = hub.call(user, "GET", "workspaces")
        assert listed.status == 200, listed.text
        assert any(w["id"] == "local" for w in listed.json()["workspaces"])
    # Through the hub, one user's token opens nothing of the other's.
    for method, path in (("GET", "workspaces"), ("POST", "local/start"), ("GET", "deployments")):
        refused = hub.call(a, method, path, {} if method == "POST" else None, as_=b)
        assert refused.status == 403, (path, refused.status, refused.text[:300])


def test_local_servers_are_each_users_own(hub):
    a, b = hub.users
    ports = {}
    for user in (a, b):
        started = hub.call(user, "POST", "local/start", {})
        assert started.status == 200 and started.json()["state"] == "ready", started.text
        ports[user] = started.json()["port"]
        home = Path(f"/home/{user}")
        assert started.json()["local_dir"].startswith(str(home))
    assert ports[a] != ports[b]
    search = "/api/2.0/mlflow/experiments/search?max_results=5"
    for owner, other in ((a, b), (b, a)):
        url = f"http://127.0.0.1:{ports[owner]}"
        status, text = probe_as(owner, "GET", url + search)
        assert status == 200, text
        status, text = probe_as(other, "GET", url + search)
        assert status == 403 and f"belongs to the Unix user {owner!r}" in text, text
        status, text = probe_as(other, "PUT", url + "/api/2.0/mlflow-artifacts/artifacts/0/x", "x")
        assert status == 403, text
        # The data on disk: the other user cannot even list it.
        data = hub.call(owner, "GET", "local").json()["local_dir"]
        assert can_read(other, data) == "PermissionError"
        assert can_read(owner, data) == "read"


def test_secrets_and_deployments_are_each_users_own(hub):
    a, b = hub.users
    sentinel = f"tok-{secrets.token_hex(12)}"
    made = hub.call(
        a, "POST", "workspaces",
        {"kind": "mlflow", "name": "Team of A", "url": "https://mlflow.example", "token": sentinel},
    )  # fmt: skip
    assert made.status in (200, 201), made.text
    assert sentinel not in made.text
    assert "Team of A" not in hub.call(b, "GET", "workspaces").text
    store = Path(f"/home/{a}/.local/share/jupyter/mlflow_workspace/workspaces")
    files = [p for p in store.rglob("*") if p.is_file()]
    holding = [p for p in files if sentinel in p.read_text(errors="replace")]
    assert holding, "the token is kept in the user's store"
    for path in holding:
        assert (path.stat().st_mode & 0o777) == 0o600 and path.stat().st_uid != 0
        assert can_read(b, str(path)) == "PermissionError"

    # A deployment of A's: logged as A (A's own process gets through A's gate), served as A.
    port = hub.call(a, "GET", "local").json()["port"]
    code = (
        "import mlflow, sklearn\n"
        "from sklearn.linear_model import LinearRegression\n"
        f"mlflow.set_tracking_uri('http://127.0.0.1:{port}')\n"
        "model = LinearRegression().fit([[0.0], [1.0]], [1.0, 3.0])\n"
        "with mlflow.start_run():\n"
        "    info = mlflow.sklearn.log_model(model, name='model',\n"
        "        pip_requirements=[f'scikit-learn=={sklearn.__version__}'])\n"
        "print(info.model_uri)\n"
    )
    logged = as_user(a, hub.python, "-c", code, timeout=300, env={"HOME": f"/home/{a}"})
    assert logged.returncode == 0, logged.stderr[-3000:]
    model_uri = logged.stdout.strip().splitlines()[-1]
    deployed = hub.call(a, "POST", "deployments", {"model_uri": model_uri, "workspace": "local"})
    assert deployed.status == 200 and deployed.json()["state"] == "ready", deployed.text[-3000:]
    scoring = deployed.json()["scoring_uri"]
    body = json.dumps({"inputs": [[2.0]]})
    status, text = probe_as(a, "POST", scoring, body)
    assert status == 200 and round(json.loads(text)["predictions"][0]) == 5, text
    status, text = probe_as(b, "POST", scoring, body)
    assert status == 403 and f"belongs to the Unix user {a!r}" in text, text
    assert hub.call(b, "GET", "deployments").json()["deployments"] == []
    assert len(hub.call(a, "GET", "deployments").json()["deployments"]) == 1


def test_the_panel_in_a_browser_through_the_hub(hub):
    """Galata's browser settings (Debian's Chromium): log in on the hub's form, open
    /user/<name>/lab, the ML Workspace panel is ready (ui-tests/tests/hub/)."""
    node = shutil.which("node")
    cli = ROOT / "ui-tests" / "node_modules" / ".bin" / "playwright"
    if node is None or not cli.exists():
        pytest.skip("the ui-tests' node_modules are not installed")
    a = hub.users[0]
    env = {**os.environ, "HUB_URL": hub.url, "HUB_USER": a, "HUB_PASSWORD": hub.password}
    done = subprocess.run(
        [str(cli), "test", "-c", "hub.config.js"], cwd=ROOT / "ui-tests", env=env,
        capture_output=True, text=True, timeout=400,
    )  # fmt: skip
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    assert "1 passed" in done.stdout


def test_stopping_a_users_server_stops_all_their_processes(hub):
    a, b = hub.users
    assert _pids(a) and _pids(b)
    stopped = hub.api("DELETE", f"/users/{a}/server")
    assert stopped.status in (202, 204), stopped.text
    deadline = time.monotonic() + 90
    while _pids(a) and time.monotonic() < deadline:
        time.sleep(0.5)
    left = subprocess.run(["ps", "-o", "pid,args", "-u", a], capture_output=True, text=True)
    assert _pids(a) == [], left.stdout
    assert _pids(b), "the other user's server keeps running"
    assert hub.call(b, "GET", "local").json()["state"] == "ready"
