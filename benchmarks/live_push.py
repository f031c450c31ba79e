"""Live metrics push: cost to the training loop, and a burst through a real Jupyter server.

Run from the repository root (any venv with this package's [test] dependencies):
    .venv/bin/python benchmarks/live_push.py [--loop 10000] [--repeats 3] [--burst 100000]

It starts a real Jupyter server (our server extension off, default IOPub rate limits) and a
kernel in it, and talks to the kernel over the server's WebSocket like JupyterLab does, so any
"IOPub message rate exceeded" would reach this client. The kernel logs to a local file store.

1. Overhead: ``--loop`` ``mlflow.log_metric`` calls per mode, with and without the helper
   (``live.activate()`` / ``live.deactivate()`` between blocks), in ``--blocks`` blocks per mode
   interleaved ABBA so that the machine's drift cancels, ``--repeats`` times; the ratio of the
   median totals and the median ratio of paired blocks (target: <= 1.05).
2. Bursts of ``--burst`` points: a tight ``log_metric`` loop; ``log_batch`` calls of 1,000; and
   points put straight into the push buffer as fast as Python goes (there the 256 KB and
   20 msg/s limits bind). For each: messages, max messages in any 1 s (by the kernel's send
   time), max bytes per message (the WebSocket frame), points received, rate-limit notices.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "benchmark-token"  # noqa: S105 - a throwaway server on loopback
TARGET = "jupyterlab-mlflow-workspace:live-metrics"
RATE_NOTICE = "rate exceeded"  # "IOPub message rate exceeded." / "IOPub data rate exceeded."

SETUP = """
import json, math, time, warnings
warnings.simplefilter("ignore")
import mlflow
from mlflow import MlflowClient
from mlflow.entities import Metric
from jupyterlab_mlflow_workspace import live
mlflow.set_experiment("live-push-benchmark")

def timed_loop(n, key):
    with mlflow.start_run() as run:
        t0 = time.perf_counter()
        for i in range(n):
            mlflow.log_metric(key, i * 0.001, step=i)
        elapsed = time.perf_counter() - t0
    return run.info.run_id, elapsed

def overhead(n, blocks):
    # n calls per mode in blocks, order ABBA so that drift cancels; seconds per block
    size = n // blocks
    times = {"without": [], "with": []}
    cpu = {"without": [], "with": []}  # CPU of the kernel's other threads during the block
    with mlflow.start_run() as run:
        for b in range(blocks):
            order = ("without", "with") if b % 2 == 0 else ("with", "without")
            for mode in order:
                if mode == "with":
                    assert live.activate()
                else:
                    live.deactivate()
                base = (2 * b + order.index(mode)) * size
                t0, p0, m0 = time.perf_counter(), time.process_time(), time.thread_time()
                for i in range(base, base + size):
                    mlflow.log_metric("overhead", i * 0.001, step=i)
                wall = time.perf_counter() - t0
                other = (time.process_time() - p0) - (time.thread_time() - m0)
                times[mode].append(wall)
                cpu[mode].append(other)
    live.deactivate()
    return run.info.run_id, times, cpu

def synthetic_burst(n, key):
    # straight into the buffer, as fast as Python goes: the push limits bind
    run_id = "0" * 32
    sink = live.pusher.get_pusher()
    t0 = time.perf_counter()
    ts = int(time.time() * 1000)
    for i in range(n):
        sink.add(run_id, key, i, ts, i * 0.001)
    return run_id, time.perf_counter() - t0

def batch_burst(n, key):
    client = MlflowClient()
    with mlflow.start_run() as run:
        t0 = time.perf_counter()
        ts = int(time.time() * 1000)
        for start in range(0, n, 1000):
            client.log_batch(run.info.run_id, metrics=[
                Metric(key, i * 0.001, ts + i, i) for i in range(start, min(n, start + 1000))
            ])
        elapsed = time.perf_counter() - t0
    return run.info.run_id, elapsed
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Kernel:
    """A kernel of the Jupyter server, driven over the server's WebSocket (JSON protocol)."""

    def __init__(self, port: int, kernel_id: str) -> None:
        self.url = f"ws://127.0.0.1:{port}/api/kernels/{kernel_id}/channels"
        self.session = uuid.uuid4().hex
        self.comm_ids: set[str] = set()
        self.comm_msgs: list[dict] = []  # {"date", "bytes", "points": [(run_id, step)]}
        self.rate_notices: list[str] = []
        self.counted: list[float] = []  # arrival times of messages jupyter_server rate-counts

    async def connect(self) -> None:
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        request = HTTPRequest(self.url, headers={"Authorization": f"token {TOKEN}"})
        self.ws = await websocket_connect(request, max_message_size=64 * 1024 * 1024)

    async def _read(self, timeout: float) -> dict | None:
        try:
            raw = await asyncio.wait_for(self.ws.read_message(), timeout)
        except asyncio.TimeoutError:
            return None
        if raw is None:
            raise RuntimeError("the WebSocket closed")
        msg = json.loads(raw)
        kind, content = msg["msg_type"], msg.get("content", {})
        if msg.get("channel") == "iopub" and kind not in ("status", "comm_open", "execute_input"):
            self.counted.append(time.monotonic())
        if kind == "comm_open" and content.get("target_name") == TARGET:
            self.comm_ids.add(content["comm_id"])
        if kind in ("comm_open", "comm_msg") and content.get("comm_id") in self.comm_ids:
            date = datetime.datetime.fromisoformat(msg["header"]["date"].replace("Z", "+00:00"))
            points = [(p["run_id"], p["step"]) for p in content["data"].get("points", [])]
            self.comm_msgs.append({"date": date, "bytes": len(raw.encode()), "points": points})
        if kind == "stream" and RATE_NOTICE in content.get("text", ""):
            self.rate_notices.append(content["text"])
        return msg

    async def execute(self, code: str, timeout: float = 1800) -> str:
        msg_id = uuid.uuid4().hex
        await self.ws.write_message(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "msg_type": "execute_request",
                        "session": self.session,
                        "username": "bench",
                        "version": "5.3",
                        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                    },
                    "parent_header": {},
                    "metadata": {},
                    "content": {"code": code, "silent": False, "store_history": False},
                    "channel": "shell",
                }
            )
        )
        out, error = [], None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = await self._read(deadline - time.monotonic())
            if msg is None or msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream" and content.get("name") == "stdout":
                out.append(content["text"])
            elif kind == "error":
                error = "\n".join(content["traceback"])
            elif kind == "status" and content["execution_state"] == "idle":
                if error:
                    raise RuntimeError(f"cell failed:\n{error}")
                return "".join(out)
        raise RuntimeError("cell timed out")

    async def result(self, expression: str) -> object:
        out = await self.execute(f"print('@@' + json.dumps({expression}))")
        return json.loads(out.rsplit("@@", 1)[1])

    async def wait_points(self, run_id: str, count: int, timeout: float = 600) -> float:
        """Seconds until ``count`` distinct points of ``run_id`` arrived (raises on timeout)."""
        start = time.monotonic()
        while len(self.steps(run_id)) < count:
            if time.monotonic() - start > timeout:
                raise RuntimeError(f"{len(self.steps(run_id))}/{count} points after {timeout} s")
            await self._read(0.2)
        return time.monotonic() - start

    async def drain(self, quiet: float = 0.5) -> None:
        while await self._read(quiet) is not None:
            pass

    def steps(self, run_id: str) -> set[int]:
        return {s for m in self.comm_msgs for r, s in m["points"] if r == run_id}


def max_per_second(dates) -> int:
    dates = sorted(dates)
    best = start = 0
    for end, date in enumerate(dates):
        while (date - dates[start]).total_seconds() >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def max_window_rate(times, window: float = 3.0) -> float:
    """The IOPub message rate as jupyter_server measures it (rate_limit_window = 3 s)."""
    times = sorted(times)
    best = start = 0
    for end, t in enumerate(times):
        while t - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best / window


async def bench(port: int, args) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("POST", "/api/kernels", body="{}", headers={"Authorization": f"token {TOKEN}"})
    response = conn.getresponse()
    kernel_id = json.loads(response.read())["id"]
    kernel = Kernel(port, kernel_id)
    await kernel.connect()
    await kernel.execute(SETUP)
    await kernel.execute("timed_loop(200, 'warm-up')")

    # 1. Overhead ------------------------------------------------------------------------------
    ratios, totals = [], {"without": [], "with": []}
    other_cpu = {"without": 0.0, "with": 0.0}
    for _ in range(args.repeats):
        _, times, cpu = await kernel.result(f"overhead({args.loop}, {args.blocks})")
        for mode in totals:
            totals[mode].append(sum(times[mode]))
            other_cpu[mode] += sum(cpu[mode])
        ratios.extend(w / o for w, o in zip(times["with"], times["without"], strict=True))
    print(
        f"overhead: {args.loop:,} mlflow.log_metric calls to a file store per mode and repeat,"
        f" in {args.blocks} blocks per mode interleaved ABBA, {args.repeats} repeats"
    )
    for mode, values in totals.items():
        print(
            f"  {mode + ' helper:':<16} {statistics.median(values):.3f} s median"
            f" ({statistics.median(values) / args.loop * 1e6:.1f} us/call),"
            f" per repeat {[round(v, 3) for v in values]}"
        )
    print(
        f"  ratio with/without: {statistics.median(totals['with']) / statistics.median(totals['without']):.3f}"
        f" (medians of totals); {statistics.median(ratios):.3f} (median of {len(ratios)} paired blocks)"
    )
    extra = other_cpu["with"] - other_cpu["without"]
    print(
        f"  CPU of the kernel's other threads (flusher, IOPub) beyond the loop's own: "
        f"{extra / (args.loop * args.repeats) * 1e6:.1f} us/call ="
        f" {extra / sum(totals['with']) * 100:.1f}% of the loop's time with the helper"
    )

    # 2. Bursts --------------------------------------------------------------------------------
    assert await kernel.result("live.activate()") is True
    bursts = (
        ("log_metric loop", "timed_loop"),
        ("log_batch x1000", "batch_burst"),
        ("synthetic, straight into the buffer", "synthetic_burst"),
    )
    for name, function in bursts:
        await kernel.drain(0.3)
        first = len(kernel.comm_msgs)
        counted_from = len(kernel.counted)
        before = await kernel.result("live.status()")
        run_id, elapsed = await kernel.result(f"{function}({args.burst}, 'burst')")
        tail = await kernel.wait_points(run_id, args.burst)
        await kernel.drain(0.5)
        after = await kernel.result("live.status()")
        msgs = [m for m in kernel.comm_msgs[first:] if any(r == run_id for r, _ in m["points"])]
        received = sum(1 for m in msgs for r, _ in m["points"] if r == run_id)
        print(
            f"burst, {name}: {args.burst} points logged in {elapsed:.2f} s ({args.burst / elapsed:,.0f} points/s)"
        )
        print(f"  messages with its points: {len(msgs)} (kernel sent"
              f" {after['messages'] - before['messages']} in all, incl. the run end),"
              f" max {max_per_second(m['date'] for m in msgs)} in any 1 s,"
              f" max {max(m['bytes'] for m in msgs):,} bytes/message,"
              f" {received / len(msgs):,.0f} points/message on average")  # fmt: skip
        print(f"  points received: {len(kernel.steps(run_id))} distinct of {args.burst}"
              f" ({received} in all), last one {tail:.2f} s after the loop ended;"
              f" dropped by the kernel: {after['dropped'] - before['dropped']}")  # fmt: skip
        print(f"  IOPub rate as jupyter_server counts it: max {max_window_rate(kernel.counted[counted_from:]):.1f} msg/s"
              f" (limit 1000); '{RATE_NOTICE}' notices: {len(kernel.rate_notices)}")  # fmt: skip
    kernel.ws.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--loop", type=int, default=10_000)
    parser.add_argument("--blocks", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--burst", type=int, default=100_000)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="live-push-bench-")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    env.update(
        JUPYTER_DATA_DIR=f"{tmp}/data", JUPYTER_RUNTIME_DIR=f"{tmp}/rt",
        JUPYTER_CONFIG_DIR=f"{tmp}/cfg", JUPYTER_PLATFORM_DIRS="1",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        MLFLOW_DISABLE_TELEMETRY="true", MLFLOW_ALLOW_FILE_STORE="true",
        MLFLOW_TRACKING_URI=f"file://{tmp}/mlruns",
    )  # fmt: skip
    log_path = Path(tmp, "jupyter.log")
    with open(log_path, "w") as log:
        jupyter = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", f"--port={port}", "--ip=127.0.0.1",
             "--no-browser", "--ServerApp.allow_root=True", f"--IdentityProvider.token={TOKEN}",
             "--ServerApp.jpserver_extensions=jupyterlab_mlflow_workspace=False",
             f"--ServerApp.root_dir={tmp}"],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/api/status", headers={"Authorization": f"token {TOKEN}"})
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"Jupyter did not start; see {log_path}")
            time.sleep(0.3)
        asyncio.run(bench(port, args))
    finally:
        os.killpg(jupyter.pid, signal.SIGTERM)
        jupyter.wait(timeout=30)
        notices = log_path.read_text(errors="replace").count(RATE_NOTICE)
        print(f"'{RATE_NOTICE}' in the Jupyter server's log: {notices}")


if __name__ == "__main__":
    main()
