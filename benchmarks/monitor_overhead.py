"""What observing a local web service costs a request: straight vs through the gate and its tap.

One real scoring server (``mlflow models serve`` on a saved scikit-learn model, listening on a
Unix socket as the extension runs it), three ways in, interleaved, keep-alive connections, the
same small ``dataframe_split`` body: straight to the Unix socket (no gate), through an owner gate
without monitoring, and through an owner gate with the monitor's tap (records + row samples).
Prints p50/p99 of each and the added cost (goal: observation adds ≤ 1 ms at p50).

    PYTHONPATH=. .build/venv-test/bin/python benchmarks/monitor_overhead.py [--requests 1000]
"""

import argparse
import asyncio
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

from jupyterlab_mlflow_workspace.monitor import Monitors
from jupyterlab_mlflow_workspace.processes.owner_gate import OwnerGate


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str):
        super().__init__("127.0.0.1")
        self._path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(self._path)


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args()
    import mlflow.sklearn
    from sklearn.linear_model import LinearRegression

    root = tempfile.mkdtemp(prefix="monitor-bench-")
    model_dir = os.path.join(root, "model")
    mlflow.sklearn.save_model(
        LinearRegression().fit([[0.0, 1.0], [1.0, 0.0]], [1.0, 2.0]), model_dir
    )
    sock = os.path.join(root, "score.sock")
    env = {**os.environ, "UVICORN_UDS": sock, "MLFLOW_DISABLE_TELEMETRY": "true"}
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    log = open(os.path.join(root, "serve.log"), "wb")  # noqa: SIM115 - lives with the process
    server = subprocess.Popen(
        [sys.executable, "-m", "mlflow", "models", "serve", "-m", model_dir, "--env-manager",
         "local", "-h", "127.0.0.1", "-p", "0", "-w", "1"],
        env=env, stdout=log, stderr=log, start_new_session=True,
    )  # fmt: skip
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()
    monitors = Monitors(os.path.join(root, "monitors"))
    plain = OwnerGate(sock, what="bench (no monitor)")
    watched = OwnerGate(sock, what="bench", tap=monitors.tap("bench"))
    run = lambda coro: asyncio.run_coroutine_threadsafe(coro, loop).result()  # noqa: E731
    try:
        deadline = time.monotonic() + 180
        while not os.path.exists(sock):
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(open(os.path.join(root, "serve.log")).read()[-3000:])
            time.sleep(0.2)
        plain_port, watched_port = run(plain.start(0)), run(watched.start(0))
        body = json.dumps({"dataframe_split": {"columns": ["a", "b"], "data": [[0.5, 0.5]]}})
        headers = {"Content-Type": "application/json"}
        conns = {
            "straight (Unix socket)": UnixHTTPConnection(sock),
            "gate, no monitor": http.client.HTTPConnection("127.0.0.1", plain_port),
            "gate + monitor": http.client.HTTPConnection("127.0.0.1", watched_port),
        }
        times = {name: [] for name in conns}
        for i in range(args.requests + 50):
            for name, conn in conns.items():
                started = time.perf_counter()
                conn.request("POST", "/invocations", body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                if i >= 50:  # warm-up excluded
                    times[name].append(time.perf_counter() - started)
                assert response.status == 200, response.status
        base = pct(times["straight (Unix socket)"], 0.5)
        print(f"{args.requests} requests per path, interleaved, keep-alive; milliseconds")
        for name, values in times.items():
            print(f"{name:>24}: p50 {pct(values, .5):6.3f}  p99 {pct(values, .99):6.3f}  "
                  f"added p50 {pct(values, .5) - base:+6.3f}")  # fmt: skip
        summary = monitors.get("bench").summary(3600)
        print(f"monitor saw {summary['requests']} requests, sampled {summary['sampled_rows']} rows")
    finally:
        run(plain.stop())
        run(watched.stop())
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
        loop.call_soon_threadsafe(loop.stop)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
