"""What the owner gate costs: MLflow calls straight to a server on a TCP port vs through the gate.

Two real `mlflow server` processes with their own SQLite stores, same machine, same run: one
listening on 127.0.0.1 as before (no isolation), one on a Unix socket behind an ``OwnerGate``
(run on an asyncio loop in a thread here, as in Jupyter). Interleaved, on the same client
settings: ``MlflowClient.log_metric`` (what a training loop pays per call; MLflow keeps its
connection alive), ``log_batch`` of 1,000 points, and a raw ``GET /health`` on a new connection
each time (the gate's per-connection cost: the socket-table lookup). Prints p50/p95 per path.

    PYTHONPATH=. .build/venv-test/bin/python benchmarks/owner_gate.py [--calls 300]
"""

import argparse
import asyncio
import http.client
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from jupyterlab_mlflow_workspace.processes.owner_gate import OwnerGate


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(folder: str, port: int, uds: str | None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    env.update({"MLFLOW_DISABLE_TELEMETRY": "true", "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"})
    if uds:
        env["UVICORN_UDS"] = uds
    argv = [sys.executable, "-m", "mlflow", "server", "--host", "127.0.0.1", "--port", str(port),
            "--workers", "1", "--backend-store-uri", f"sqlite:///{folder}/mlflow.db",
            "--artifacts-destination", f"{folder}/artifacts"]  # fmt: skip
    log = open(os.path.join(folder, "server.log"), "wb")  # noqa: SIM115 - lives with the process
    return subprocess.Popen(argv, env=env, stdout=log, stderr=log, start_new_session=True)


def wait_health(port: int, bound: float = 120) -> None:
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"no server on {port}")


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    from mlflow import MlflowClient
    from mlflow.entities import Metric

    root = tempfile.mkdtemp(prefix="gate-bench-")
    direct_dir, gated_dir = os.path.join(root, "direct"), os.path.join(root, "gated")
    os.makedirs(direct_dir)
    os.makedirs(gated_dir)
    direct_port, gated_port = free_port(), free_port()
    socket_path = os.path.join(gated_dir, "mlflow.sock")
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()
    gate = OwnerGate(socket_path, what="benchmark server")
    asyncio.run_coroutine_threadsafe(gate.start(gated_port), loop).result()
    servers = [start_server(direct_dir, direct_port, None),
               start_server(gated_dir, gated_port, socket_path)]  # fmt: skip
    try:
        wait_health(direct_port)
        wait_health(gated_port)
        clients = {name: MlflowClient(tracking_uri=f"http://127.0.0.1:{port}")
                   for name, port in (("direct", direct_port), ("gated", gated_port))}  # fmt: skip
        runs = {name: c.create_run(c.create_experiment("bench")).info.run_id
                for name, c in clients.items()}  # fmt: skip
        times = {(name, what): [] for name in clients for what in ("log_metric", "batch", "health")}
        for i in range(args.calls):
            for name, client in clients.items():
                started = time.perf_counter()
                client.log_metric(runs[name], "loss", 1.0 / (i + 1), step=i)
                times[(name, "log_metric")].append(time.perf_counter() - started)
                port = direct_port if name == "direct" else gated_port
                started = time.perf_counter()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", "/health")
                conn.getresponse().read()
                conn.close()
                times[(name, "health")].append(time.perf_counter() - started)
                if i % 10 == 0:
                    now = int(time.time() * 1000)
                    batch = [Metric("b", float(j), now, i * 1000 + j) for j in range(1000)]
                    started = time.perf_counter()
                    client.log_batch(runs[name], metrics=batch)
                    times[(name, "batch")].append(time.perf_counter() - started)
        print(f"{args.calls} rounds, interleaved; milliseconds")
        for what in ("log_metric", "health", "batch"):
            d, g = times[("direct", what)], times[("gated", what)]
            print(
                f"{what:>10}: direct p50 {pct(d, 0.5):7.2f} p95 {pct(d, 0.95):7.2f} | "
                f"through gate p50 {pct(g, 0.5):7.2f} p95 {pct(g, 0.95):7.2f} | "
                f"added p50 {pct(g, 0.5) - pct(d, 0.5):+6.2f} "
                f"(mean {1000 * (statistics.mean(g) - statistics.mean(d)):+.2f})"
            )
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(30)
        asyncio.run_coroutine_threadsafe(gate.stop(), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
