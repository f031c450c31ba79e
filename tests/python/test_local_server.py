"""The local MLflow workspace: a real `mlflow server`, started on first use, stopped cleanly."""

import asyncio
import json
import os
import subprocess
import sys
import time

import pytest
from mlflow_servers import ensure_mlflow2_venv

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
        method="POST", body=json.dumps({"max_results": 1}),
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


@pytest.mark.own_folder
async def test_a_2x_store_is_backed_up_upgraded_and_keeps_its_runs(jp_fetch, extension_config):
    folder = extension_config["local_dir"]
    os.makedirs(folder, exist_ok=True)
    database = os.path.join(folder, "mlflow.db")
    subprocess.run(
        [ensure_mlflow2_venv(), "-c", _MAKE_2X_STORE, f"sqlite:///{database}", folder],
        check=True, timeout=300, capture_output=True,
    )  # fmt: skip

    code, upgraded = await _json(jp_fetch, "local", "upgrade", method="POST")
    assert code == 200, upgraded
    assert os.path.getsize(upgraded["backup"]) > 0
    code, started = await _json(jp_fetch, "local", "start", method="POST")
    assert (code, started["state"]) == (200, "ready")
    response = await jp_fetch(
        NS, "workspaces", "local", "mlflow", "api/2.0/mlflow/experiments/get-by-name",
        params={"experiment_name": "from-mlflow-2"},
    )  # fmt: skip
    assert json.loads(response.body)["experiment"]["name"] == "from-mlflow-2"


@pytest.mark.own_folder
async def test_an_out_of_date_schema_is_reported_with_the_upgrade_offer(jp_fetch, extension_config):
    folder = extension_config["local_dir"]
    os.makedirs(folder, exist_ok=True)
    subprocess.run(
        [sys.executable, "-c", _MAKE_STALE_STORE, f"sqlite:///{os.path.join(folder, 'mlflow.db')}", folder],
        check=True, timeout=300, capture_output=True,
    )  # fmt: skip

    code, error = await _json(jp_fetch, "local", "start", method="POST")
    assert (code, error["reason"]) == (503, "local_failed")
    code, status = await _json(jp_fetch, "local")
    assert (status["state"], status["needs_upgrade"]) == ("failed", True)
    assert any("out-of-date database schema" in line for line in status["log"])


# A store as MLflow 2.x writes it, with one experiment in it.
_MAKE_2X_STORE = """
import sys
from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore
SqlAlchemyStore(sys.argv[1], sys.argv[2] + "/artifacts").create_experiment("from-mlflow-2")
"""

# A current store whose recorded schema revision is older than this MLflow expects: MLflow then
# refuses to serve it until `mlflow db upgrade` runs.
_MAKE_STALE_STORE = """
import sqlite3, sys
from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore
SqlAlchemyStore(sys.argv[1], sys.argv[2] + "/artifacts")
db = sqlite3.connect(sys.argv[1].replace("sqlite:///", ""))
db.execute("update alembic_version set version_num = '1b5f0d9ad7c1'")
db.commit()
"""


async def test_a_crash_keeps_the_port_while_requests_arrive(jp_fetch, extension_config):
    """Issue 15 item 7: requests during the supervisor's restart after a crash neither move the
    server to another port nor leave the local workspace answering 502."""
    code, status = await _json(jp_fetch, "local", "start", method="POST")
    assert (code, status["state"]) == (200, "ready")
    port, pid = status["port"], status["pid"]
    port_file = os.path.join(extension_config["local_dir"], "port.json")
    with open(port_file) as handle:
        assert json.load(handle)["port"] == port

    os.kill(pid, 9)  # the MLflow server itself, not its launcher: the supervisor restarts it

    async def search():
        response = await jp_fetch(
            NS, "workspaces", "local", "mlflow", "api/2.0/mlflow/experiments/search",
            method="POST", body=json.dumps({"max_results": 1}), raise_error=False,
            request_timeout=180,
        )  # fmt: skip
        return response.code, json.loads(response.body)

    during = await asyncio.gather(*(search() for _ in range(5)))
    # Each either waited for the restarted server, or was told plainly that it is restarting.
    for code, body in during:
        assert code == 200 or (code, body.get("reason")) == (503, "restarting"), body
    code, body = await search()
    assert code == 200, body
    code, status = await _json(jp_fetch, "local")
    assert (status["state"], status["port"]) == ("ready", port)
    assert status["pid"] != pid
    with open(port_file) as handle:
        assert json.load(handle)["port"] == port
