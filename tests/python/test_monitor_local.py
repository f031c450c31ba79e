"""Every request to a local web service is observed, whoever sends it (issue 17, first part).

A real scoring server (a one-feature LinearRegression deployed through the routes) is called
straight at its scoring URI (as a kernel or ``curl`` would), through Call endpoint, with a body
that is not JSON, with a payload MLflow refuses, and with NaN; then the Monitor route must count
each with its status and latency, keep the error bodies, sample the rows within the limits, and
forget it all with the deployment. The HTTP framing of the tap is checked on its own on
messages cut at every byte.
"""

import asyncio
import json
import os
import time

import pytest
from mlflow_servers import http_request
from tiny_model import log_line_model

from jupyterlab_mlflow_workspace.monitor.tap import Tap

NS = "mlflow-workspace/api"


@pytest.fixture
def extension_config(extension_config, request):
    if "small_limits" not in request.keywords:
        return extension_config
    # Small limits, to see them hold: 5 rows per minute, 8 in all.
    return {**extension_config, "monitor_rows_per_window": 5, "monitor_rows_total": 8}


def _ext(jp_serverapp):
    (app,) = jp_serverapp.extension_manager.extension_apps["jupyterlab_mlflow_workspace"]
    return app


async def _json(jp_fetch, *parts, **kwargs):
    response = await jp_fetch(NS, *parts, raise_error=False, request_timeout=400, **kwargs)
    return response.code, json.loads(response.body)


def _post(url: str, body: bytes, content_type="application/json"):
    import urllib.error
    import urllib.request

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(  # noqa: S310 - loopback
        url, data=body, method="POST", headers={"Content-Type": content_type}
    )
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.mark.small_limits
async def test_every_request_is_counted_with_its_latency_status_and_sample(jp_fetch, jp_serverapp):
    code, local = await _json(jp_fetch, "local", "start", method="POST", body="{}")
    assert code == 200, local
    info = await asyncio.to_thread(log_line_model, local["url"], "monitor")
    code, deployment = await _json(
        jp_fetch, "deployments", method="POST",
        body=json.dumps({"model_uri": info.model_uri, "workspace": "local", "name": "line"}),
    )  # fmt: skip
    assert code == 200 and deployment["state"] == "ready", deployment
    scoring, dep_id = deployment["scoring_uri"], deployment["id"]
    try:
        # Straight to the scoring URI: 3 good calls of 3 rows, each in a format of MLflow's.
        good = [
            {"inputs": [[1.0], [2.0], [3.0]]},
            {"dataframe_split": {"columns": ["0"], "data": [[4.0], [5.0], [6.0]]}},
            {"dataframe_records": [{"0": 7.0}, {"0": 8.0}, {"0": 9.0}]},
        ]
        for payload in good:
            status, _ = await asyncio.to_thread(_post, scoring, json.dumps(payload).encode())
            assert status == 200
        # Not JSON, a payload MLflow refuses: recorded as what they are.
        status, not_json = await asyncio.to_thread(_post, scoring, b"{oops", "application/json")
        assert status == 400
        status, refused = await asyncio.to_thread(_post, scoring, json.dumps({"nope": 1}).encode())
        assert status == 400
        # Through Call endpoint (the Jupyter server's own call passes the gate too).
        response = await jp_fetch(
            NS, "deployments", dep_id, "invocations", method="POST",
            body=json.dumps({"inputs": [[10.0]]}), headers={"Content-Type": "application/json"},
        )  # fmt: skip
        assert round(json.loads(response.body)["predictions"][0]) == 21
        ping = scoring.rsplit("/", 1)[0] + "/ping"
        assert (await asyncio.to_thread(http_request, "GET", ping)).status == 200

        code, seen = await _json(
            jp_fetch, "deployments", dep_id, "monitor", params={"window": "600"}
        )
        assert code == 200, seen
        assert seen["requests"] == 7 and seen["errors"] == 2
        assert seen["error_rate"] == pytest.approx(2 / 7, abs=1e-6)
        assert (
            0 < seen["latency_ms"]["p50"] <= seen["latency_ms"]["p95"] <= seen["latency_ms"]["p99"]
        )
        assert sum(point["requests"] for point in seen["series"]) == 7
        assert sum(point["errors"] for point in seen["series"]) == 2
        bodies = [error["error"] for error in seen["last_errors"]]
        assert bodies[0] == refused.decode() and bodies[1] == not_json.decode()
        assert {error["status"] for error in seen["last_errors"]} == {400}
        assert seen["bytes_in"] > 0 and seen["bytes_out"] > 0
        # 10 good rows were sent in one minute; 5 were kept (rows_per_window).
        assert seen["sampled_rows"] == 5
        samples = _ext(jp_serverapp).deployments.monitors.get(dep_id).sampled(600)
        assert [s["row"] for s in samples] == [{"0": v} for v in (1.0, 2.0, 3.0, 4.0, 5.0)]
        assert [round(s["prediction"]) for s in samples] == [3, 5, 7, 9, 11]

        # On disk (0600, in the deployment's folder), then gone with the deployment.
        folder = os.path.join(_ext(jp_serverapp).deployments.state_dir, f"{dep_id}.monitor")
        deadline = time.monotonic() + 10
        path = os.path.join(folder, "requests.jsonl")
        while time.monotonic() < deadline and not os.path.exists(path):
            await asyncio.sleep(0.2)
        await asyncio.sleep(1.5)
        with open(path) as handle:
            assert len(handle.readlines()) == 7
        assert os.stat(path).st_mode & 0o777 == 0o600
    finally:
        await jp_fetch(NS, "deployments", dep_id, method="DELETE", raise_error=False)
    assert not os.path.exists(folder)
    code, answer = await _json(jp_fetch, "deployments", dep_id, "monitor")
    assert (code, answer["reason"]) == (404, "unknown_deployment")


def _train_with_baseline(tracking_uri: str):
    """A model of three features, with the baseline profile logged in its run (one line)."""
    import mlflow
    import mlflow.tracking._tracking_service.utils as tracking_utils
    import mlflow.tracking.fluent as fluent
    import numpy as np
    import pandas as pd
    import sklearn
    from sklearn.linear_model import LinearRegression

    from jupyterlab_mlflow_workspace import log_baseline

    rng = np.random.default_rng(1)
    X = pd.DataFrame({"age": rng.normal(40, 10, 3000), "income": rng.lognormal(10, 0.5, 3000),
                      "rooms": rng.integers(1, 5, 3000).astype(float)})  # fmt: skip
    y = 2 * X["age"] + X["rooms"]
    previous = tracking_utils._tracking_uri, fluent._active_experiment_id
    try:
        mlflow.set_tracking_uri(tracking_uri)
        mlflow.set_experiment("drift")
        with mlflow.start_run():
            model = LinearRegression().fit(X, y)
            info = mlflow.sklearn.log_model(
                model, name="model", pip_requirements=[f"scikit-learn=={sklearn.__version__}"]
            )
            log_baseline(X, predictions=model.predict(X))
    finally:
        tracking_utils._tracking_uri, fluent._active_experiment_id = previous
        os.environ.pop("MLFLOW_TRACKING_URI", None)
        os.environ.pop("MLFLOW_EXPERIMENT_ID", None)
    return info


def _frame_rows(n, seed, shift=0.0):
    import numpy as np

    rng = np.random.default_rng(seed)
    return {"dataframe_split": {"columns": ["age", "income", "rooms"], "data": [
        [float(a) + shift, float(i), float(r)] for a, i, r in zip(
            rng.normal(40, 10, n), rng.lognormal(10, 0.5, n), rng.integers(1, 5, n), strict=True)
    ]}}  # fmt: skip


async def test_drift_against_the_training_baseline_names_the_shifted_feature(jp_fetch):
    code, local = await _json(jp_fetch, "local", "start", method="POST", body="{}")
    info = await asyncio.to_thread(_train_with_baseline, local["url"])
    code, deployment = await _json(
        jp_fetch, "deployments", method="POST",
        body=json.dumps({"model_uri": info.model_uri, "workspace": "local", "name": "drift"}),
    )  # fmt: skip
    assert code == 200 and deployment["state"] == "ready", deployment
    assert deployment["preflight"]["baseline"]["features"] == 3
    scoring, dep_id = deployment["scoring_uri"], deployment["id"]
    try:
        for seed in range(3):  # 300 rows as in training
            body = json.dumps(_frame_rows(100, seed=20 + seed)).encode()
            assert (await asyncio.to_thread(_post, scoring, body))[0] == 200
        code, calm = await _json(jp_fetch, "deployments", dep_id, "drift", params={"window": "600"})
        assert code == 200 and calm["baseline"] is True and calm["rows"] == 300, calm
        assert calm["drifted"] == [] and calm["prediction"]["drifted"] is False
        # Then age moves by one standard deviation (more rows than the calm ones).
        body = json.dumps(_frame_rows(600, seed=40, shift=10.0)).encode()
        assert (await asyncio.to_thread(_post, scoring, body))[0] == 200
        code, moved = await _json(
            jp_fetch, "deployments", dep_id, "drift", params={"window": "600"}
        )
        assert moved["rows"] == 900 and moved["drifted"] == ["age"], moved
        age = next(f for f in moved["features"] if f["name"] == "age")
        assert age["method"] == "ks" and age["p_value"] < 0.05 and age["status"] == "drift"
        assert moved["prediction"]["drifted"] is True
        assert "Kolmogorov" in moved["methods"]["ks"]
    finally:
        await jp_fetch(NS, "deployments", dep_id, method="DELETE", raise_error=False)


async def test_without_a_baseline_drift_says_how_to_log_one(jp_fetch, jp_serverapp):
    deployments = _ext(jp_serverapp).deployments
    deployment = {"id": "feedc0de", "name": "x", "state": "stopped"}
    answer = await deployments.monitors.drift(deployment, 600)
    assert answer["baseline"] is None and "log_baseline(X_train" in answer["how"]


async def test_a_bad_window_is_refused(jp_fetch):
    code, answer = await _json(
        jp_fetch, "deployments", "0123abcd", "monitor", params={"window": "nan"}
    )
    assert code == 400 and "window must be a number of seconds" in answer["message"]


# --- the tap's framing, on its own ------------------------------------------------------------

REQUESTS = (
    b"POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
    b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n"
    b"HEAD /ping HTTP/1.1\r\nHost: x\r\n\r\n"
    b"POST /invocations HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
)
RESPONSES = (
    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\npong\r\n0\r\nT: 1\r\n\r\n"
    b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n"
    b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 400 Bad Request\r\nContent-Length: 3\r\n\r\nbad"
)


@pytest.mark.parametrize("step", [1, 2, 7, 64, len(REQUESTS)])
def test_the_tap_frames_messages_cut_anywhere(step):
    seen = []
    tap = Tap(seen.append)
    for start in range(0, len(REQUESTS), step):
        tap.from_client(REQUESTS[start : start + step])
    for start in range(0, len(RESPONSES), step):
        tap.from_server(RESPONSES[start : start + step])
    tap.closed()
    got = [
        (e.method, e.path, e.status, bytes(e.request.body), bytes(e.response.body)) for e in seen
    ]
    assert got == [
        ("POST", "/invocations", 200, b"hello", b"ok"),
        ("GET", "/ping", 200, b"", b"pong"),
        ("HEAD", "/ping", 200, b"", b""),
        ("POST", "/invocations", 400, b"abcde", b"bad"),
    ]
    assert sum(e.request.size for e in seen) == len(REQUESTS)
    assert [e.response.size for e in seen][:3] == [40, 71, 38]  # head + body on the wire


def test_a_connection_that_is_not_http_is_left_alone():
    seen = []
    tap = Tap(seen.append)
    tap.from_client(b"\x16\x03\x01" + b"\x00" * 70_000)  # a TLS hello, say: no head ever ends
    tap.from_server(b"garbage")
    tap.closed()
    assert seen == [] and tap.requests.broken


def test_a_huge_payload_is_counted_not_sampled(tmp_path):
    """A body beyond the keep limit: its size is counted in full, its rows are not sampled
    (they cannot be read whole), and nothing of it is kept beyond the limit."""
    from jupyterlab_mlflow_workspace.monitor import ServiceMonitor

    monitor = ServiceMonitor(str(tmp_path / "m"))
    tap = Tap(monitor.record, keep=1024)
    rows = json.dumps({"inputs": [[float(i)] for i in range(50_000)]}).encode()
    tap.from_client(b"POST /invocations HTTP/1.1\r\nContent-Length: %d\r\n\r\n" % len(rows) + rows)
    answer = json.dumps({"predictions": [1.0] * 50_000}).encode()
    tap.from_server(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(answer) + answer)
    (entry,) = monitor.requests
    assert entry["status"] == 200 and entry["in"] > len(rows) and entry["out"] > len(answer)
    assert len(monitor.samples) == 0
    monitor.flush()
    assert os.path.getsize(tmp_path / "m" / "requests.jsonl") < 500
