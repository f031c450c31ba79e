"""No orphans, ever: `kill -9` of a real Jupyter server leaves none of our processes behind."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

from http_peers import free_port

TOKEN = "kill9-test-token"


def _get(url, method="GET"):
    request = urllib.request.Request(
        url, method=method, data=b"{}" if method == "POST" else None,
        headers={"Authorization": f"token {TOKEN}"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                cmdline = handle.read().decode("utf-8", "replace")
            with open(f"/proc/{entry}/stat") as handle:
                zombie = handle.read().split(") ", 1)[1][0] == "Z"
        except OSError:
            continue
        if text in cmdline and not zombie:
            found.append(int(entry))
    return found


def _gone(text: str, bound: float = 30.0) -> list[int]:
    """Wait until no process mentions ``text`` (bounded); return those still there."""
    deadline = time.monotonic() + bound
    while _processes_mentioning(text) and time.monotonic() < deadline:
        time.sleep(0.25)
    return _processes_mentioning(text)


def _start_jupyter(tmp_path, local_dir: str):
    """A real Jupyter server with the extension, in its own session; returns (process, API base)
    once the extension answers."""
    port = free_port()
    env = dict(os.environ, JUPYTER_DATA_DIR=str(tmp_path / "data"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"))  # fmt: skip
    jupyter = subprocess.Popen(
        [
            sys.executable, "-m", "jupyter_server", f"--port={port}", "--ip=127.0.0.1",
            "--no-browser", "--ServerApp.allow_root=True", f"--IdentityProvider.token={TOKEN}",
            "--ServerApp.jpserver_extensions=jupyterlab_mlflow_workspace=True",
            f"--MlflowWorkspaceApp.local_dir={local_dir}", f"--ServerApp.root_dir={tmp_path}",
        ],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}/mlflow-workspace/api"
    deadline = time.monotonic() + 60
    while True:
        try:
            _get(f"{base}/local")
            return jupyter, base
        except OSError:
            if time.monotonic() > deadline or jupyter.poll() is not None:
                jupyter.kill()
                raise AssertionError("Jupyter did not start") from None
            time.sleep(0.3)


def test_kill_9_of_jupyter_leaves_no_mlflow_server(tmp_path):
    local_dir = str(tmp_path / "local-kill9")
    jupyter, base = _start_jupyter(tmp_path, local_dir)
    try:
        status = _get(f"{base}/local/start", method="POST")
        assert status["state"] == "ready"
        assert _processes_mentioning(local_dir), "the local MLflow server should be running"

        os.kill(jupyter.pid, signal.SIGKILL)
        jupyter.wait()

        assert _gone(local_dir) == []
    finally:
        if jupyter.poll() is None:
            os.killpg(jupyter.pid, signal.SIGKILL)
        for pid in _processes_mentioning(local_dir):
            os.kill(pid, signal.SIGKILL)


def test_kill_9_of_jupyter_during_a_pre_flight_leaves_nothing(tmp_path):
    """One-shot processes run under the launcher too: a pre-flight stuck on a model host that
    never answers dies with Jupyter."""
    import socket
    import threading
    import uuid

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts into the backlog, never answers
    marker = f"preflight-{uuid.uuid4().hex}"
    model_uri = (
        f"http://127.0.0.1:{silent.getsockname()[1]}/api/2.0/mlflow-artifacts/artifacts/{marker}"
    )
    jupyter, base = _start_jupyter(tmp_path, str(tmp_path / "local"))
    try:

        def preflight():
            request = urllib.request.Request(
                f"{base}/deployments/preflight", method="POST",
                data=json.dumps({"model_uri": model_uri, "workspace": "local"}).encode(),
                headers={"Authorization": f"token {TOKEN}"},
            )  # fmt: skip
            try:
                urllib.request.urlopen(request, timeout=120).read()
            except OSError:
                pass  # Jupyter is killed while this waits

        threading.Thread(target=preflight, daemon=True).start()
        deadline = time.monotonic() + 90
        while not _processes_mentioning(marker):
            assert time.monotonic() < deadline, "the pre-flight did not start"
            time.sleep(0.2)

        os.kill(jupyter.pid, signal.SIGKILL)
        jupyter.wait()

        assert _gone(marker) == []
    finally:
        silent.close()
        if jupyter.poll() is None:
            os.killpg(jupyter.pid, signal.SIGKILL)
        for pid in _processes_mentioning(marker):
            os.kill(pid, signal.SIGKILL)
        local = str(tmp_path / "local")
        for pid in _processes_mentioning(local):
            os.kill(pid, signal.SIGKILL)
