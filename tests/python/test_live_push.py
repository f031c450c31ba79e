"""Live metrics, kernel side: a real ipykernel pushes what it logs to a real MLflow server.

The test plays the frontend: it reads the kernel's IOPub channel with ``jupyter_client`` and
keeps the ``comm_open`` / ``comm_msg`` messages of our target (a client that registered no comm
target still receives them; only JupyterLab answers an unknown target with ``comm_close``, which
``test_comm_reopens_after_a_close`` sends by hand). What the kernel pushed must equal what the
tracking server stored (``metrics/get-history``), for a plain loop with NaN/±Inf, ``log_batch`` /
``log_metrics``, sklearn autologging and ``synchronous=False``; re-loading the extension leaves
one flusher thread; a 20,000-point burst stays within 20 messages/s and 256 KB per message.

One kernel for the module (started while the session's MLflow server boots); every test filters
the pushed points by its own run ids.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import math
import os
import queue
import sys
import textwrap
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
TARGET = "jupyterlab-mlflow-workspace:live-metrics"
THREAD_NAME = "jupyterlab-mlflow-workspace-live-flusher"
MAX_MESSAGE_BYTES = 256 * 1024
MAX_PER_SECOND = 20
KERNEL_NAME = "jlmw-live-test"
ENV_STRIP_PREFIXES = ("MLFLOW_", "_MLFLOW_")
CELL_TIMEOUT = 120.0
PUSH_TIMEOUT = 30.0
# SQL stores keep ±Infinity as ±max float (see live/pusher.py); NaN comes back as "NaN".
SQL_INF = sys.float_info.max

SETUP = """
import json, math, threading, warnings
warnings.simplefilter("ignore")
import mlflow
from mlflow import MlflowClient
%load_ext jupyterlab_mlflow_workspace
from jupyterlab_mlflow_workspace import live
assert live.status()["active"], live.status()
"""


# --------------------------------------------------------------------------------------------
# The "frontend": a jupyter_client connection that collects our comm messages


class Frontend:
    def __init__(self, km: Any, kc: Any) -> None:
        self.km, self.kc = km, kc
        self.comm_ids: list[str] = []  # in order of opening
        self.messages: list[dict] = []  # our comm_open / comm_msg, in arrival order
        self.closed_by_kernel: list[str] = []

    # IOPub ----------------------------------------------------------------------------------

    def _pump(self, timeout: float) -> dict | None:
        try:
            msg = self.kc.get_iopub_msg(timeout=max(timeout, 0.01))
        except queue.Empty:
            return None
        kind = msg["msg_type"]
        content = msg["content"]
        if kind == "comm_open" and content.get("target_name") == TARGET:
            self.comm_ids.append(content["comm_id"])
            self._record(msg)
        elif kind == "comm_msg" and content.get("comm_id") in self.comm_ids:
            self._record(msg)
        elif kind == "comm_close" and content.get("comm_id") in self.comm_ids:
            self.closed_by_kernel.append(content["comm_id"])
        return msg

    def _record(self, msg: dict) -> None:
        wire = sum(
            len(json.dumps(msg[part], default=str).encode())
            for part in ("header", "parent_header", "metadata", "content")
        )
        self.messages.append(
            {
                "type": msg["msg_type"],
                "comm_id": msg["content"]["comm_id"],
                "date": msg["header"]["date"],
                "data": msg["content"]["data"],
                "bytes": wire + 200,  # + identity, delimiter and HMAC signature
            }
        )

    def execute(self, code: str, timeout: float = CELL_TIMEOUT) -> str:
        """Run a cell, return its stdout; raise with the traceback if it failed."""
        msg_id = self.kc.execute(textwrap.dedent(code))
        return self.finish(msg_id, timeout)

    def finish(self, msg_id: str, timeout: float = CELL_TIMEOUT) -> str:
        deadline = time.monotonic() + timeout
        out, error = [], None
        while time.monotonic() < deadline:
            msg = self._pump(deadline - time.monotonic())
            if msg is None or msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream" and content["name"] == "stdout":
                out.append(content["text"])
            elif kind == "error":
                error = "\n".join(content["traceback"])
            elif kind == "status" and content["execution_state"] == "idle":
                if error:
                    raise AssertionError(f"cell failed:\n{error}")
                return "".join(out)
        raise AssertionError(f"cell did not finish in {timeout} s; stdout so far: {out}")

    def run_id(self, code: str) -> str:
        """Run a cell whose last printed word is a run id (MLflow prints "View run" lines)."""
        return self.execute(code).split()[-1]

    def wait_for(self, condition, timeout: float = PUSH_TIMEOUT, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() >= deadline:
                raise AssertionError(f"timed out waiting for {what or condition}")
            self._pump(min(0.2, deadline - time.monotonic()))

    def drain(self, quiet_for: float = 0.3) -> None:
        """Read IOPub until nothing arrived for ``quiet_for`` s."""
        while self._pump(quiet_for) is not None:
            pass

    def send_comm_close(self, comm_id: str) -> None:
        """What JupyterLab does for a target it does not know."""
        msg = self.kc.session.msg("comm_close", {"comm_id": comm_id, "data": {}})
        self.kc.shell_channel.send(msg)

    # Pushed data ------------------------------------------------------------------------------

    def points(self, run_ids, since: int = 0) -> list[dict]:
        wanted = set(run_ids)
        return [
            p
            for m in self.messages[since:]
            for p in m["data"].get("points", [])
            if p["run_id"] in wanted
        ]


def _kernel_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_STRIP_PREFIXES)}
    env.update(
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        MLFLOW_DISABLE_TELEMETRY="true",
        DO_NOT_TRACK="1",
        JUPYTER_PLATFORM_DIRS="1",
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    return env


@pytest.fixture(scope="module")
def frontend(request, tmp_path_factory):
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager

    # A kernelspec for exactly this interpreter (not whatever "python3" the machine has).
    specs = tmp_path_factory.mktemp("kernels")
    (specs / KERNEL_NAME).mkdir()
    (specs / KERNEL_NAME / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": KERNEL_NAME,
                "language": "python",
            }
        )
    )
    ksm = KernelSpecManager(kernel_dirs=[str(specs)], ensure_native_kernel=False)
    km = KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=ksm)
    km.start_kernel(env=_kernel_env(), cwd=str(tmp_path_factory.mktemp("kernel-cwd")))
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
        front = Frontend(km, kc)
        setup_id = kc.execute(SETUP)  # imports mlflow while the server finishes booting
        server = request.getfixturevalue("mlflow_server")
        front.finish(setup_id)
        front.execute(f"mlflow.set_tracking_uri({server.url!r})")
        front.server = server
        yield front
    finally:
        with contextlib.suppress(Exception):
            kc.stop_channels()
        km.shutdown_kernel(now=True)


# --------------------------------------------------------------------------------------------
# Helpers


def _history(server, run_id: str, key: str) -> list[dict]:
    found, token = [], None
    while True:
        params = {"run_id": run_id, "metric_key": key, "max_results": 25000}
        if token:
            params["page_token"] = token
        body = server.call("GET", "/api/2.0/mlflow/metrics/get-history", params=params)
        found.extend(body.get("metrics", []))
        token = body.get("next_page_token")
        if not token:
            return found


def _stored_value(value: Any) -> Any:
    if value == SQL_INF:
        return "Infinity"
    if value == -SQL_INF:
        return "-Infinity"
    return value


def _as_map(points) -> dict[tuple, Any]:
    return {(p["key"], int(p["step"]), int(p["timestamp"])): p["value"] for p in points}


def _assert_pushed_equals_stored(front: Frontend, run_id: str, keys=None) -> list[dict]:
    """Wait until the kernel pushed everything the server has for ``run_id`` and compare."""
    server = front.server
    if keys is None:
        run = server.call("GET", "/api/2.0/mlflow/runs/get", params={"run_id": run_id})
        keys = [m["key"] for m in run["run"]["data"].get("metrics", [])]
    stored = [
        {**m, "key": key, "value": _stored_value(m["value"])}
        for key in keys
        for m in _history(server, run_id, key)
    ]
    assert stored, f"nothing stored for run {run_id}"
    expected = _as_map(stored)
    front.wait_for(
        lambda: len(front.points([run_id])) >= len(stored),
        what=f"{len(stored)} points of run {run_id}",
    )
    front.drain(0.2)  # anything extra (a duplicate) would show up now
    pushed = front.points([run_id])
    assert len(pushed) == len(stored), "duplicate or missing pushed points"
    assert _as_map(pushed) == expected
    for p in pushed:
        assert set(p) == {"run_id", "key", "step", "timestamp", "value"}
        assert isinstance(p["value"], float) or p["value"] in ("NaN", "Infinity", "-Infinity")
    return pushed


def _max_per_second(dates) -> int:
    dates = sorted(dates)
    best, start = 0, 0
    for end, date in enumerate(dates):
        while date - dates[start] >= timedelta(seconds=1):
            start += 1
        best = max(best, end - start + 1)
    return best


# --------------------------------------------------------------------------------------------
# In this process: the hook against the installed MLflow, the pusher without a kernel


def test_hook_fits_the_installed_mlflow():
    from mlflow.tracking._tracking_service.client import TrackingServiceClient

    from jupyterlab_mlflow_workspace.kernel.live import hook

    assert hook.check() is None, hook.check()
    before = {name: TrackingServiceClient.__dict__[name] for name in hook.EXPECTED}
    sink = _ListSink()
    try:
        assert hook.install(sink)
        assert hook.install(sink)  # twice: replaced, not stacked
        for name, original in before.items():
            wrapper = TrackingServiceClient.__dict__[name]
            assert wrapper is not original
            assert getattr(wrapper, hook._MARK) is original
            assert inspect.signature(wrapper) == inspect.signature(original)
        assert hook.installed()
    finally:
        hook.uninstall()
    for name, original in before.items():
        assert TrackingServiceClient.__dict__[name] is original
    assert not hook.installed()


def test_nothing_starts_outside_a_kernel():
    import threading

    from jupyterlab_mlflow_workspace import live

    assert live.activate() is False
    assert not live.status()["active"]
    assert not [t for t in threading.enumerate() if t.name == THREAD_NAME]


class _ListSink:
    def __init__(self) -> None:
        self.items: list[tuple] = []

    def add(self, *item) -> None:
        self.items.append(item)

    def add_many(self, run_id, items) -> None:
        self.items.extend((run_id, *i) for i in items)

    def run_ended(self, run_id, status) -> None:
        self.items.append((run_id, status))


class _FakeComm:
    def __init__(self, sent: list, target_name: str, data: dict) -> None:
        self.sent, self._closed = sent, False
        sent.append((time.monotonic(), "open", target_name, data))

    def send(self, data) -> None:
        self.sent.append((time.monotonic(), "msg", None, data))

    def on_close(self, callback) -> None:
        self.close_callback = callback

    def close(self) -> None:
        self._closed = True


def test_pusher_limits_without_a_kernel(monkeypatch):
    """Long keys, NaN/Inf, a run end: ≤ 256 KB and ≥ 50 ms apart, every point, in order."""
    import comm

    from jupyterlab_mlflow_workspace.kernel.live import pusher as pusher_module

    sent: list = []
    monkeypatch.setattr(
        comm, "create_comm", lambda target_name, data: _FakeComm(sent, target_name, data)
    )
    pusher = pusher_module.Pusher()
    pusher.start()
    try:
        key = "k/" + "é" * 600  # 1,200 bytes of UTF-8 per key
        specials = [math.nan, math.inf, -math.inf]
        n = 4000
        for i in range(n):
            pusher.add(
                "r1",
                f"{key}{i % 7}",
                i,
                1_700_000_000_000 + i,
                specials[i % 3] if i % 1000 == 0 else i / 3,
            )
        pusher.run_ended("r1", "FINISHED")
        assert pusher.flush(30)
    finally:
        pusher.stop()
    assert sent[0][1] == "open" and sent[0][2] == pusher_module.TARGET_NAME
    assert all(kind == "msg" for _, kind, _, _ in sent[1:])
    sizes = [len(json.dumps(d, ensure_ascii=False).encode()) for _, _, _, d in sent]
    assert max(sizes) <= MAX_MESSAGE_BYTES - pusher_module.ENVELOPE_RESERVE
    gaps = [b[0] - a[0] for a, b in zip(sent, sent[1:], strict=False)]
    assert min(gaps) >= pusher_module.MIN_SEND_INTERVAL - 0.002
    points = [p for _, _, _, d in sent for p in d["points"]]
    assert [p["step"] for p in points] == list(range(n))
    assert points[0]["value"] == "NaN" and points[1000]["value"] == "Infinity"
    assert points[2000]["value"] == "-Infinity" and points[1]["value"] == 1 / 3
    assert sent[-1][3]["runs"][-1] == {"run_id": "r1", "status": "FINISHED"}
    assert all(d["v"] == 1 for _, _, _, d in sent)


def test_a_refused_comm_is_retried_with_back_off(monkeypatch):
    """A comm closed right after opening (JupyterLab without our target) is not reopened at once."""
    import comm

    from jupyterlab_mlflow_workspace.kernel.live import pusher as pusher_module

    sent: list = []
    comms: list[_FakeComm] = []

    def create(target_name, data):
        comms.append(_FakeComm(sent, target_name, data))
        return comms[-1]

    monkeypatch.setattr(comm, "create_comm", create)
    pusher = pusher_module.Pusher()
    pusher.start()
    try:
        pusher.add("r", "k", 0, 1, 1.0)
        assert pusher.flush(5) and len(comms) == 1
        comms[0]._closed = True  # what the kernel's comm manager does on comm_close...
        comms[0].close_callback({})  # ...before it calls the close callback
        pusher.add("r", "k", 1, 2, 2.0)
        assert pusher.flush(5)
        assert len(comms) == 1 and pusher.stats["discarded"] == 1
        deadline = time.monotonic() + 5
        while len(comms) == 1 and time.monotonic() < deadline:
            pusher.add("r", "k", 2, 3, 3.0)
            pusher.flush(5)
            time.sleep(0.1)
        assert len(comms) == 2, "not reopened after the back-off"
        assert 0.9 <= sent[-1][0] - sent[0][0] < 3.0
    finally:
        pusher.stop()


# --------------------------------------------------------------------------------------------
# In a real kernel against a real MLflow server


def test_the_push_is_announced_when_it_is_turned_on(frontend):
    # Before any value is logged the frontend learns that this kernel pushes (its "metrics are
    # polled" hint goes as soon as the setup cell ran): an empty comm_open. First frontend test.
    frontend.drain()
    assert frontend.messages, "no comm_open after %load_ext"
    first = frontend.messages[0]
    assert first["type"] == "comm_open"
    assert first["data"]["points"] == [] and first["data"]["runs"] == []
    assert first["data"]["v"] == 1


def test_log_metric_loop_with_nan_and_inf(frontend):
    run_id = frontend.run_id(
        """
        mlflow.set_experiment("live-loop")
        values = [math.nan, math.inf, -math.inf, 0.0, -0.0, 1e-300, 1e300, 7]
        with mlflow.start_run() as run:
            for i in range(300):
                mlflow.log_metric("loss", 1.0 / (i + 1), step=i)
                if i < len(values):
                    mlflow.log_metric("special", values[i], step=i)
            mlflow.log_metric("no_step", 2.5)  # step and timestamp filled in by MLflow
        print(run.info.run_id, end="")
        """
    )
    pushed = _assert_pushed_equals_stored(frontend, run_id)
    specials = {p["step"]: p["value"] for p in pushed if p["key"] == "special"}
    assert specials[0] == "NaN" and specials[1] == "Infinity" and specials[2] == "-Infinity"
    assert specials[7] == 7.0
    # The run's end follows its last point.
    index = max(i for i, m in enumerate(frontend.messages) if frontend.points([run_id], i))
    ends = [
        (i, r)
        for i, m in enumerate(frontend.messages)
        for r in m["data"]["runs"]
        if r["run_id"] == run_id and "status" in r
    ]
    assert ends and ends[0][1]["status"] == "FINISHED" and ends[0][0] >= index


def test_log_batch_and_log_metrics(frontend):
    run_id = frontend.run_id(
        """
        from mlflow.entities import Metric
        mlflow.set_experiment("live-batch")
        client = MlflowClient()
        run_id = client.create_run(mlflow.get_experiment_by_name("live-batch").experiment_id).info.run_id
        now = 1_764_000_000_000
        # 1,500 metrics: MLflow splits them into two store calls; the hook sees one log_batch.
        client.log_batch(run_id, metrics=[Metric("b", i * 0.25, now + i, i) for i in range(1500)])
        client.log_batch(run_id, metrics=[Metric("nan", math.nan, now, 0)])
        with mlflow.start_run(run_id=run_id):
            for step in range(20):
                mlflow.log_metrics({"x": step, "y": -step / 7, "inf": math.inf}, step=step)
        print(run_id, end="")
        """
    )
    pushed = _assert_pushed_equals_stored(frontend, run_id)
    assert len([p for p in pushed if p["key"] == "b"]) == 1500


def test_sklearn_autolog(frontend):
    run_id = frontend.run_id(
        """
        import numpy as np
        from sklearn.linear_model import LogisticRegression
        mlflow.set_experiment("live-autolog")
        mlflow.sklearn.autolog(log_models=False, log_datasets=False, silent=True)
        rng = np.random.default_rng(0)
        X = rng.normal(size=(60, 3))
        y = (X[:, 0] + 0.3 * rng.normal(size=60) > 0).astype(int)
        with mlflow.start_run() as run:
            LogisticRegression(max_iter=50).fit(X, y)
        mlflow.sklearn.autolog(disable=True)
        print(run.info.run_id, end="")
        """
    )
    pushed = _assert_pushed_equals_stored(frontend, run_id)
    assert any(p["key"].startswith("training_") for p in pushed)


def test_async_logging(frontend):
    if "synchronous" not in frontend.execute(
        "import inspect; print(list(inspect.signature(mlflow.log_metric).parameters))"
    ):
        pytest.skip("this MLflow has no synchronous=False")
    run_id = frontend.run_id(
        """
        mlflow.set_experiment("live-async")
        with mlflow.start_run() as run:
            ops = [mlflow.log_metric("a", i * 1.5, step=i, synchronous=False) for i in range(200)]
            ops.append(mlflow.log_metric("a_nan", math.nan, step=0, synchronous=False))
            ops.append(mlflow.log_metrics({"m1": 1.0, "m2": -math.inf}, step=3, synchronous=False))
            for op in ops:
                op.wait()
        print(run.info.run_id, end="")
        """
    )
    pushed = _assert_pushed_equals_stored(frontend, run_id)
    assert len([p for p in pushed if p["key"] == "a"]) == 200


def test_the_hook_never_raises_into_user_code(frontend):
    run_id = frontend.run_id(
        """
        from mlflow.exceptions import MlflowException
        mlflow.set_experiment("live-errors")
        pusher = live.pusher.get_pusher()
        def boom(*args, **kwargs):
            raise RuntimeError("broken sink")
        with mlflow.start_run() as run:
            pusher.add = boom  # the hook's own failure: swallowed, the value is still stored
            try:
                mlflow.log_metric("kept", 1.0, step=1)
            finally:
                del pusher.add
            try:
                mlflow.log_metric("bad", "not a number")  # MLflow's own error: unchanged
            except (MlflowException, ValueError, TypeError) as exc:
                print("raised", type(exc).__name__)
            else:
                raise AssertionError("MLflow accepted a string")
            mlflow.log_metric("after", 2.0)
        print(run.info.run_id, end="")
        """
    )
    history = _history(frontend.server, run_id, "kept")
    assert [m["value"] for m in history] == [1.0]
    frontend.wait_for(lambda: frontend.points([run_id]), what="the point after the errors")
    frontend.drain(0.2)
    assert {p["key"] for p in frontend.points([run_id])} == {"after"}


def test_comm_reopens_after_a_close(frontend):
    frontend.execute("mlflow.set_experiment('live-reopen')")
    frontend.drain()
    assert frontend.comm_ids, "no comm was opened by the earlier tests"
    old = frontend.comm_ids[-1]
    frontend.send_comm_close(old)  # processed before the next cell (shell is in order)
    before = len(frontend.messages)
    run_id = frontend.run_id(
        """
        with mlflow.start_run() as run:
            mlflow.log_metric("after_close", 3.0, step=1)
        print(run.info.run_id, end="")
        """
    )
    frontend.wait_for(lambda: frontend.points([run_id], before), what="the reopened comm")
    assert frontend.comm_ids[-1] != old
    first = frontend.messages[before]
    assert first["type"] == "comm_open" and first["comm_id"] == frontend.comm_ids[-1]
    assert [p["value"] for p in first["data"]["points"]] == [3.0]


def test_one_flusher_after_reload(frontend):
    count = """
        names = [t.name for t in threading.enumerate()]
        from mlflow.tracking._tracking_service.client import TrackingServiceClient as T
        depth, f = 0, T.log_metric
        while hasattr(f, live.hook._MARK):
            depth, f = depth + 1, getattr(f, live.hook._MARK)
        print(json.dumps([names.count(live.THREAD_NAME), depth, live.status()["active"]]))
    """
    assert json.loads(frontend.execute(count)) == [1, 1, True]
    frontend.execute("%load_ext jupyterlab_mlflow_workspace")  # "already loaded"
    frontend.execute("live.activate(); live.activate()")  # the setup cell, run twice
    frontend.execute("%reload_ext jupyterlab_mlflow_workspace")
    assert json.loads(frontend.execute(count)) == [1, 1, True]
    frontend.execute(
        """
        import importlib
        import jupyterlab_mlflow_workspace.kernel.live.pusher, jupyterlab_mlflow_workspace.kernel.live.hook
        importlib.reload(jupyterlab_mlflow_workspace.kernel.live.pusher)
        importlib.reload(jupyterlab_mlflow_workspace.kernel.live.hook)
        live = importlib.reload(jupyterlab_mlflow_workspace.kernel.live)
        assert live.activate()
        """
    )
    assert json.loads(frontend.execute(count)) == [1, 1, True]
    frontend.execute("%unload_ext jupyterlab_mlflow_workspace")
    assert json.loads(frontend.execute(count)) == [0, 0, False]
    frontend.execute("%load_ext jupyterlab_mlflow_workspace")
    assert json.loads(frontend.execute(count)) == [1, 1, True]
    # Still exactly one push per stored value.
    run_id = frontend.run_id(
        """
        mlflow.set_experiment("live-reload")
        with mlflow.start_run() as run:
            for i in range(50):
                mlflow.log_metric("r", i, step=i)
        print(run.info.run_id, end="")
        """
    )
    _assert_pushed_equals_stored(frontend, run_id)


def test_a_20000_point_burst_stays_within_the_limits(frontend):
    frontend.drain()
    before = len(frontend.messages)
    run_id = frontend.run_id(
        """
        from mlflow.entities import Metric
        mlflow.set_experiment("live-burst")
        client = MlflowClient()
        with mlflow.start_run() as run:
            t0 = 1_764_000_000_000
            for chunk in range(20):
                client.log_batch(run.info.run_id, metrics=[
                    Metric("burst", (chunk * 1000 + i) / 3, t0 + chunk * 1000 + i, chunk * 1000 + i)
                    for i in range(1000)
                ])
        print(run.info.run_id, end="")
        """
    )
    frontend.wait_for(
        lambda: len(frontend.points([run_id], before)) >= 20000,
        what="20,000 points",
    )
    frontend.drain(0.3)
    points = frontend.points([run_id], before)
    assert sorted(p["step"] for p in points) == list(range(20000))
    ours = frontend.messages[before:]
    assert max(m["bytes"] for m in ours) <= MAX_MESSAGE_BYTES
    assert _max_per_second([m["date"] for m in ours]) <= MAX_PER_SECOND
    stats = json.loads(frontend.execute("print(json.dumps(live.status()))"))
    assert stats["dropped"] == 0 and stats["errors"] == 0


def test_the_old_import_path_is_the_same_package():
    """Connected setup cells saved before the move import ``jupyterlab_mlflow_workspace.live``:
    that name is the kernel-side package itself (one hook, one comm), not a copy."""
    import jupyterlab_mlflow_workspace.live.hook as old_hook

    import jupyterlab_mlflow_workspace.live as old
    from jupyterlab_mlflow_workspace.kernel import live as new
    from jupyterlab_mlflow_workspace.live import activate, pusher

    assert old is new
    assert activate is new.activate and pusher is new.pusher and old_hook is new.hook
