"""Issue 15 item 9: two Jupyter servers on one data folder keep each other's deployments.

Each record names the server that owns it; a server writes back only its own, under an OS lock,
and takes over only the records of servers that are gone.
"""

import json
import subprocess
import sys
import time

from jupyterlab_mlflow_workspace.deploy.records import RecordFile, this_server

_SERVER = """
import sys, time
from jupyterlab_mlflow_workspace.deploy.records import RecordFile, this_server
records = RecordFile(sys.argv[1], this_server())
mine = []
for i in range(int(sys.argv[3])):
    mine.append({"id": f"{sys.argv[2]}{i:07x}", "phase": "running"})
    records.save(mine)
print("saved", flush=True)
time.sleep(float(sys.argv[4]))  # alive: its records are its own
"""


def _ids(state_dir):
    with open(state_dir / "deployments.json") as handle:
        return {item["id"] for item in json.load(handle)["deployments"]}


def test_concurrent_servers_keep_every_record(tmp_path):
    servers = [
        subprocess.Popen(
            [sys.executable, "-c", _SERVER, str(tmp_path), who, "30", "0"],
            stdout=subprocess.DEVNULL,
        )
        for who in ("a", "b")
    ]
    for server in servers:
        assert server.wait(timeout=120) == 0
    assert _ids(tmp_path) == {f"{who}{i:07x}" for who in ("a", "b") for i in range(30)}


def test_a_live_servers_deployment_is_neither_taken_nor_forgotten(tmp_path):
    other = subprocess.Popen(
        [sys.executable, "-c", _SERVER, str(tmp_path), "c", "1", "60"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert other.stdout.readline().strip() == "saved"
        # A record of a server that is gone (pid 1 never started at time 1).
        with open(tmp_path / "deployments.json") as handle:
            data = json.load(handle)
        data["deployments"].append({"id": "dead0001", "phase": "running", "owner": "1:1"})
        with open(tmp_path / "deployments.json", "w") as handle:
            json.dump(data, handle)

        here = RecordFile(str(tmp_path), this_server())
        taken = here.load()
        assert [item["id"] for item in taken] == ["dead0001"]  # only the gone server's
        here.save([{"id": "here0001", "phase": "running"}])
        # The live server's running deployment is still there, still its own.
        assert _ids(tmp_path) == {"c0000000", "here0001"}
    finally:
        other.kill()
        other.wait()
    time.sleep(0.1)
    # Once it is gone, its record is taken over (and shown as stopped by the manager).
    assert {item["id"] for item in RecordFile(str(tmp_path), this_server()).load()} == {
        "c0000000",
        "here0001",
    }


def test_a_server_that_exits_first_keeps_its_records_listed(tmp_path):
    # "a" saves and exits; "b" saves afterwards: a's records are still there for the next start.
    first = subprocess.run(
        [sys.executable, "-c", _SERVER, str(tmp_path), "a", "3", "0"], capture_output=True
    )
    assert first.returncode == 0
    RecordFile(str(tmp_path), "2:2").save([{"id": "b0000000", "phase": "running"}])
    assert _ids(tmp_path) == {"a0000000", "a0000001", "a0000002", "b0000000"}
    taken = RecordFile(str(tmp_path), this_server()).load()
    assert {item["id"] for item in taken} >= {"a0000000", "a0000001", "a0000002"}
