"""A 1,000,000-point metric history on a real MLflow server: how long `metrics/get-history`
takes to read it whole at several page sizes (the figures behind Live Metrics' page size).

Run from the repository root (after `bash scripts/test.sh build pytest` made .build/venv-test):
    .build/venv-test/bin/python benchmarks/chart_1m.py [--points 1000000] [--url http://127.0.0.1:5000]

Without ``--url`` it starts ``mlflow server`` on a SQLite store in .build/bench/mlflow-1m/ (kept:
the next run reuses the seeded run). The run is seeded with ``runs/log-batch``, 1,000 points a
request: metric ``loss`` is 1 everywhere but a spike of 1e6 at step 543,210 and 0.123456789 at
the last step. ``--serve`` seeds, prints the run id and keeps the server running (the browser
benchmark, ui-tests/benchmarks/chart-1m.bench.ts, uses it).

For each page size (5,000 / 25,000 / 100,000 / all in one reply): the first page's time, the
whole history's time read in sequence (each page needs the previous page's token), requests,
megabytes and points.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENT = "chart-1m-benchmark"
SPIKE_STEP = 543_210


def call(url: str, path: str, body: dict | None = None, query: str = "") -> tuple[dict, int]:
    """One MLflow REST call; returns the JSON reply and its size in bytes."""
    full = f"{url}/api/2.0/mlflow/{path}{'?' + query if query else ''}"
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"} if data else {}
    request = urllib.request.Request(full, data=data, headers=headers)  # noqa: S310 - loopback
    with urllib.request.urlopen(request, timeout=600) as response:  # noqa: S310 - loopback
        raw = response.read()
    return json.loads(raw), len(raw)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    folder = ROOT / ".build" / "bench" / "mlflow-1m"
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mlflow",
            "server",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "--backend-store-uri",
            f"sqlite:///{folder}/mlflow.db",
            "--artifacts-destination",
            str(folder / "artifacts"),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 180
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)  # noqa: S310
            return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError("mlflow server did not start")


def seeded_run(url: str, points: int) -> str:
    """The run holding `points` points of `loss`, seeded now unless an earlier call did."""
    name = f"{EXPERIMENT}-{points}"
    try:
        reply, _ = call(url, "experiments/get-by-name", query=f"experiment_name={name}")
        experiment_id = reply["experiment"]["experiment_id"]
    except urllib.error.HTTPError:
        reply, _ = call(url, "experiments/create", {"name": name})
        experiment_id = reply["experiment_id"]
    runs, _ = call(url, "runs/search", {"experiment_ids": [experiment_id], "max_results": 10})
    for run in runs.get("runs", []):
        if run["data"].get("tags") and any(
            t["key"] == "seeded" and t["value"] == "yes" for t in run["data"]["tags"]
        ):
            return run["info"]["run_id"]
    t0 = int(time.time() * 1000) - points
    reply, _ = call(
        url, "runs/create", {"experiment_id": experiment_id, "run_name": "1m", "start_time": t0}
    )
    run_id = reply["run"]["info"]["run_id"]
    started = time.perf_counter()
    for first in range(0, points, 1000):
        metrics = []
        for step in range(first, min(points, first + 1000)):
            value = 1e6 if step == SPIKE_STEP else 0.123456789 if step == points - 1 else 1
            metrics.append({"key": "loss", "value": value, "timestamp": t0 + step, "step": step})
        call(url, "runs/log-batch", {"run_id": run_id, "metrics": metrics})
    call(url, "runs/update", {"run_id": run_id, "status": "FINISHED", "end_time": t0 + points})
    call(url, "runs/set-tag", {"run_id": run_id, "key": "seeded", "value": "yes"})
    print(f"seeded {points:,} points in {time.perf_counter() - started:.1f} s", flush=True)
    return run_id


def read_history(url: str, run_id: str, page_size: int | None) -> dict:
    """Read the whole history in pages, in sequence; figures of the read."""
    token = None
    requests = 0
    size = 0
    count = 0
    first_page = None
    started = time.perf_counter()
    while True:
        query = f"run_id={run_id}&metric_key=loss"
        if page_size:
            query += f"&max_results={page_size}"
        if token:
            query += f"&page_token={urllib.parse.quote(token)}"
        reply, nbytes = call(url, "metrics/get-history", query=query)
        requests += 1
        size += nbytes
        count += len(reply.get("metrics", []))
        if first_page is None:
            first_page = time.perf_counter() - started
        token = reply.get("next_page_token")
        if not token or not page_size:
            break
    return {
        "first": first_page,
        "total": time.perf_counter() - started,
        "requests": requests,
        "mib": size / 2**20,
        "points": count,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--url", help="an MLflow server to use (default: start one)")
    parser.add_argument("--port", type=int, default=0, help="port of the started server")
    parser.add_argument("--serve", action="store_true", help="seed, print the run id, keep serving")
    parser.add_argument("--sizes", default="5000,25000,100000,0", help="page sizes; 0: all")
    args = parser.parse_args()
    server = None
    url = args.url
    if not url:
        port = args.port or free_port()
        server = start_server(port)
        url = f"http://127.0.0.1:{port}"
    try:
        run_id = seeded_run(url, args.points)
        print(f"run {run_id} on {url}", flush=True)
        if args.serve:
            if server:
                server.wait()
            return
        print(f"metrics/get-history of {args.points:,} points, pages read in sequence")
        print(f"{'page size':>10}{'1st page s':>12}{'total s':>10}{'requests':>10}{'MiB':>8}")
        for size in (int(s) for s in args.sizes.split(",")):
            r = read_history(url, run_id, size or None)
            assert r["points"] == args.points, r
            label = f"{size:,}" if size else "all"
            print(
                f"{label:>10}{r['first']:>12.2f}{r['total']:>10.2f}"
                f"{r['requests']:>10}{r['mib']:>8.1f}",
                flush=True,
            )
    finally:
        if server and not args.serve:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
