"""The local MLflow workspace: a real `mlflow server`, started on first use, stopped cleanly."""

import json
import os
import subprocess
import sys
import time

import pytest

NS = "mlflow-workspace/api"


@pytest.fixture(scope="module")
def shared_local_dir(tmp_path_factory):
    # One data folder for the module: MLflow creates its database once, not per test.
    return str(tmp_path_factory.mktemp("local") / "mlflow-local")


@pytest.fixture
def extension_config(extension_config, shared_local_dir, request):
    if "own_folder" in request.keywords:
        return extension_config
    return {**extension_config, "local_dir": shared_local_dir}


async def _json(jp_fetch, *parts, method="GET"):
    body = "{}" if method == "POST" else None
    response = await jp_fetch(
        NS, *parts, method=method, body=body, raise_error=False, request_timeout=180
    )
    return response.code, json.loads(response.body)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


async def test_local_workspace_starts_on_first_use(jp_fetch, extension_config):
    code, status = await _json(jp_fetch, "local")
    assert (code, status["state"]) == (200, "stopped")
    assert status["local_dir"] == extension_config["local_dir"]

    code, result = await _json(jp_fetch, "workspaces", "local", "test", method="POST")
    assert code == 200
    assert result["ok"] is True, result
    assert result["message"].startswith("Ready: MLflow 3.")

    code, status = await _json(jp_fetch, "local")
    assert status["state"] == "ready"
    assert status["url"] == status["tracking_uri"] == f"http://127.0.0.1:{status['port']}"
    assert os.path.exists(os.path.join(extension_config["local_dir"], "mlflow.db"))

    response = await jp_fetch(
        NS, "workspaces", "local", "mlflow", "api/2.0/mlflow/experiments/search",
        params={"max_results": 1},
    )  # fmt: skip
    assert json.loads(response.body)["experiments"][0]["name"] == "Default"


async def test_stop_and_start_keep_the_port(jp_fetch):
    code, first = await _json(jp_fetch, "local", "start", method="POST")
    assert (code, first["state"]) == (200, "ready")
    pid = first["pid"]

    code, stopped = await _json(jp_fetch, "local", "stop", method="POST")
    assert stopped["state"] == "stopped"
    deadline = time.monotonic() + 30
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(pid)

    code, again = await _json(jp_fetch, "local", "start", method="POST")
    assert again["state"] == "ready"
    assert again["port"] == first["port"]
    assert again["pid"] != pid


@pytest.mark.own_folder
async def test_a_locked_folder_names_the_process_holding_it(jp_fetch, extension_config):
    folder = extension_config["local_dir"]
    os.makedirs(folder, exist_ok=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, os.path.join(folder, "server.lock")],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout.readline().strip() == b"locked"
        code, error = await _json(jp_fetch, "local", "start", method="POST")
        assert code == 409
        assert error["reason"] == "folder_in_use"
        assert f"process {holder.pid}" in error["message"]
        code, status = await _json(jp_fetch, "local")
        assert status["state"] == "failed"
    finally:
        holder.kill()
        holder.wait()


# Another "Jupyter server" holding the folder: the same lock protocol as FolderLock.
_HOLD_LOCK = """
import fcntl, json, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
os.write(fd, json.dumps({"pid": os.getpid(), "command": "jupyter-lab (test)"}).encode())
print("locked", flush=True)
time.sleep(120)
"""
