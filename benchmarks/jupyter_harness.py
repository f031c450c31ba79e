"""A real Jupyter server with the extension, on loopback, for the benchmarks (not a test)."""

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

TOKEN = "benchmark-token"  # noqa: S105 - a throwaway server on loopback
AUTH = {"Authorization": f"token {TOKEN}"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_jupyter(prefix: str, *, timeout: float = 300):
    """Start Jupyter in its own folders and process group; yield (tmp folder, keep-alive
    connection); stop the whole group afterwards."""
    tmp = tempfile.mkdtemp(prefix=prefix)
    port = free_port()
    env = dict(os.environ, JUPYTER_DATA_DIR=f"{tmp}/data", JUPYTER_RUNTIME_DIR=f"{tmp}/rt",
               JUPYTER_CONFIG_DIR=f"{tmp}/cfg", MLFLOW_DISABLE_TELEMETRY="true")  # fmt: skip
    env.pop("MLFLOW_TRACKING_URI", None)
    jupyter = subprocess.Popen(
        [sys.executable, "-m", "jupyter_server", f"--port={port}", "--ip=127.0.0.1",
         "--no-browser", "--ServerApp.allow_root=True", f"--IdentityProvider.token={TOKEN}",
         "--ServerApp.jpserver_extensions=jupyterlab_mlflow_workspace=True",
         f"--MlflowWorkspaceApp.local_dir={tmp}/local", f"--ServerApp.root_dir={tmp}",
         "--ServerApp.log_level=WARN"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            try:
                conn.request("GET", "/mlflow-workspace/info", headers=AUTH)
                conn.getresponse().read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        yield tmp, conn
    finally:
        os.killpg(jupyter.pid, signal.SIGTERM)
        jupyter.wait(timeout=60)
