"""The local web service: MLflow's own scoring server on a real scikit-learn model.

A LinearRegression on ``load_diabetes`` is logged from this process to a real MLflow server (the
``mlflow_server`` session fixture, configured as an admin workspace), deployed through the routes
(from "the browser", without an interpreter, and from "a kernel", with one, through the bridge),
called with ``dataframe_split`` and ``inputs`` through the extension and straight, compared with
``model.predict``; then stopped, and no process of it may be left. Failure cases: a bad model URI
(pre-flight, and without it), a port taken by another program (explicitly, or meanwhile by a
server that even answers ``/ping``), a model that crashes at load, a missing requirement. Every
failure must end in a clear error with the log tail within a bound, never a hang.
"""

import asyncio
import http.server
import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
import uuid

import numpy as np
import pytest
from http_peers import free_port
from mlflow_servers import http_request

from jupyterlab_mlflow_workspace.bridge.runtime_file import ENV_VAR, KEY_HEADER
from jupyterlab_mlflow_workspace.deploy import local as deploy_module
from jupyterlab_mlflow_workspace.kernel.deploy import deploy_local
from jupyterlab_mlflow_workspace.processes import Supervisor, procinfo

NS = ("mlflow-workspace", "api", "deployments")
FAILURE_BOUND = 120.0  # seconds a failing deployment may take to say so
READY_BOUND = 240.0  # a cold `mlflow models serve` on 2 busy cores
MISSING_PACKAGE = "surely-not-installed-pkg-3f9a"


def _ext(jp_serverapp):
    (ext,) = jp_serverapp.extension_manager.extension_apps["jupyterlab_mlflow_workspace"]
    return ext


@pytest.fixture
def extension_config(extension_config, mlflow_server, monkeypatch):
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    workspaces = [{"id": "v3", "name": "Test MLflow", "url": mlflow_server.url}]
    return {**extension_config, "workspaces": workspaces}


# --- models, logged once from this process ----------------------------------------------------


@pytest.fixture(scope="module")
def logged(mlflow_server, tmp_path_factory):
    """Log the models of this module to the test server; MLflow's state is restored after."""
    import mlflow
    import mlflow.tracking._tracking_service.utils as tracking_utils
    import sklearn
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import LinearRegression

    previous = tracking_utils._tracking_uri
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLFLOW_TRACKING_URI", mlflow_server.url)
        mlflow.set_tracking_uri(mlflow_server.url)
        try:
            mlflow.set_experiment(f"deploy-local-{uuid.uuid4().hex[:8]}")
            X, y = load_diabetes(return_X_y=True, as_frame=True)
            model = LinearRegression().fit(X, y)
            with mlflow.start_run() as run:
                # Explicit requirements: no inference subprocess (slow on 2 cores).
                info = mlflow.sklearn.log_model(
                    model, name="model", input_example=X.head(5),
                    pip_requirements=[f"scikit-learn=={sklearn.__version__}"],
                )  # fmt: skip

            # A pyfunc whose class lives in a module only this process can import: cloudpickle
            # stores it by reference, so loading it in the scoring server fails.
            folder = tmp_path_factory.mktemp("broken-module")
            module_name = f"brokenmod_{uuid.uuid4().hex[:8]}"
            (folder / f"{module_name}.py").write_text(
                textwrap.dedent(
                    """
                    import mlflow.pyfunc

                    class Echo(mlflow.pyfunc.PythonModel):
                        def predict(self, context, model_input, params=None):
                            return model_input
                    """
                )
            )
            sys.path.insert(0, str(folder))
            try:
                broken_module = __import__(module_name)
                with mlflow.start_run():
                    broken = mlflow.pyfunc.log_model(
                        name="broken",
                        python_model=broken_module.Echo(),
                        pip_requirements=["mlflow"],
                    )
                    needy = mlflow.pyfunc.log_model(
                        name="needy", python_model=broken_module.Echo(),
                        pip_requirements=["mlflow", f"{MISSING_PACKAGE}==1.0"],
                    )  # fmt: skip
            finally:
                sys.path.remove(str(folder))
                sys.modules.pop(module_name, None)
        finally:
            tracking_utils._tracking_uri = previous
    return {
        "model": model,
        "X": X,
        "runs_uri": f"runs:/{run.info.run_id}/model",
        "model_uri": info.model_uri,  # models:/m-…
        "broken_uri": broken.model_uri,
        "broken_module": module_name,
        "needy_uri": needy.model_uri,
    }


# --- helpers ----------------------------------------------------------------------------------


async def _call(
    jp_fetch, *parts, method="GET", body=None, headers=None, params=None, timeout=READY_BOUND + 60
):
    kwargs = {"method": method, "raise_error": False, "request_timeout": timeout}
    if params:
        kwargs["params"] = params
    if body is not None:
        kwargs["body"] = body if isinstance(body, str | bytes) else json.dumps(body)
    if headers:
        kwargs["headers"] = headers
    response = await jp_fetch(*NS, *parts, **kwargs)
    payload = json.loads(response.body) if response.body else None
    return response, payload


async def _deploy(jp_fetch, body, headers=None):
    started = time.monotonic()
    response, payload = await _call(jp_fetch, method="POST", body=body, headers=headers)
    return response.code, payload, time.monotonic() - started


async def _wait_state(jp_fetch, deployment_id, states, bound=READY_BOUND):
    deadline = time.monotonic() + bound
    while True:
        _, payload = await _call(jp_fetch, deployment_id)
        if payload["state"] in states or time.monotonic() > deadline:
            return payload
        await asyncio.sleep(0.5)


async def _gone(pids, bound=30.0) -> list[int]:
    """Poll /proc until none of ``pids`` lives (or the bound passes); return the survivors."""
    deadline = time.monotonic() + bound
    while True:
        alive = [pid for pid in pids if procinfo.is_running(pid)]
        if not alive or time.monotonic() > deadline:
            return alive
        await asyncio.sleep(0.2)


def _serving(fragment: str) -> list[int]:
    """Live processes whose command line runs `mlflow models serve` (or its uvicorn) on ``fragment``."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and procinfo.is_running(int(entry)):
            line = " ".join(procinfo.cmdline(int(entry)) or [])
            if fragment in line and ("models serve" in line or "scoring_server" in line):
                found.append(int(entry))
    return found


def _predictions(payload) -> np.ndarray:
    return np.asarray(payload["predictions"], dtype=float).ravel()


# --- the full path ----------------------------------------------------------------------------


async def test_deploy_call_compare_and_stop(
    jp_fetch, jp_serverapp, logged, mlflow_server, monkeypatch, capsys
):
    ext = _ext(jp_serverapp)
    X, model = logged["X"], logged["model"]
    expected = model.predict(X)

    # The browser: no interpreter, so Jupyter's own; wait=False answers at once with 202.
    code, browser, _ = await _deploy(
        jp_fetch, {"target": "local", "model_uri": logged["model_uri"], "workspace": "v3",
                   "name": "diabetes", "wait": False},
    )  # fmt: skip
    assert code == 202, browser
    assert browser["state"] in ("validating", "starting") and browser["name"] == "diabetes"
    assert (browser["python"], browser["python_source"]) == (sys.executable, "server")
    assert browser["workspace"] == {"id": "v3", "name": "Test MLflow"}

    # A kernel (this process, as a kernel would): its interpreter, through the bridge; the
    # workspace is found from where MLflow in the kernel points (not the environment here: this
    # process's environment is the server's too).
    import mlflow
    import mlflow.tracking._tracking_service.utils as tracking_utils

    monkeypatch.setattr(tracking_utils, "_tracking_uri", tracking_utils._tracking_uri)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "")
    mlflow.set_tracking_uri(mlflow_server.url)
    monkeypatch.delenv("MLFLOW_TRACKING_URI")  # set_tracking_uri sets it, for the server too
    monkeypatch.setenv(ENV_VAR, ext.bridge.path)
    started = time.monotonic()
    kernel = await asyncio.to_thread(deploy_local, logged["runs_uri"])
    kernel_seconds = time.monotonic() - started
    assert kernel["state"] == "ready", kernel
    assert (kernel["python"], kernel["python_source"]) == (sys.executable, "kernel")
    assert kernel["workspace"]["id"] == "v3" and kernel["preflight"]["ok"] is True
    assert kernel["scoring_uri"] == f"http://127.0.0.1:{kernel['port']}/invocations"
    assert (
        capsys.readouterr().out
        == f"Serving 'model' (deployment {kernel['id']}) at {kernel['scoring_uri']}\n"
    )

    browser = await _wait_state(jp_fetch, browser["id"], ("ready", "failed"))
    assert browser["state"] == "ready", browser
    assert browser["port"] != kernel["port"]
    print(f"ready in {kernel_seconds:.1f} s (kernel), {browser['started_in']:.1f} s (browser)")

    # What a reloaded browser sees: both, ready, with their scoring URIs.
    _, listed = await _call(jp_fetch)
    assert listed["targets"] == ["local"]
    by_id = {d["id"]: d for d in listed["deployments"]}
    assert {by_id[browser["id"]]["state"], by_id[kernel["id"]]["state"]} == {"ready"}

    # Through the extension, in both formats, and straight to the scoring server.
    split = {"dataframe_split": json.loads(X.to_json(orient="split", index=False))}
    inputs = {"inputs": {column: X[column].tolist() for column in X.columns}}
    for deployment in (browser, kernel):
        for payload in (split, inputs):
            response, answer = await _call(
                jp_fetch, deployment["id"], "invocations", method="POST", body=payload,
                headers={"Content-Type": "application/json"},
            )  # fmt: skip
            assert response.code == 200, answer
            assert response.headers["X-MLflow-Workspace-Source"] == "scoring-server"
            assert np.allclose(_predictions(answer), expected)
    direct = await asyncio.to_thread(http_request, "POST", kernel["scoring_uri"], json_body=split)
    assert direct.status == 200 and np.allclose(_predictions(direct.json()), expected)

    # The model's own error body comes back unchanged, marked as the scoring server's.
    response, answer = await _call(
        jp_fetch, kernel["id"], "invocations", method="POST", body={"nope": 1},
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    assert response.code == 400 and answer["error_code"] == "BAD_REQUEST"
    assert response.headers["X-MLflow-Workspace-Source"] == "scoring-server"
    response, answer = await _call(
        jp_fetch, kernel["id"], "invocations", method="POST", body="<x/>",
        headers={"Content-Type": "text/xml"},
    )  # fmt: skip
    assert (response.code, answer["reason"]) == (415, "unsupported_media_type")

    _, log = await _call(jp_fetch, kernel["id"], "log", params={"lines": "5000"})
    text = "\n".join(log["log"])
    assert "Uvicorn running on http://127.0.0.1" in text or "Application startup complete" in text

    # The list is on disk (0600); a later Jupyter shows it as stopped.
    state_dir = ext.deployments.state_dir
    path = os.path.join(state_dir, "deployments.json")
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    later = deploy_module.LocalDeployments(
        state_dir=state_dir, supervisor=Supervisor(str(state_dir) + "-other"),
        registry=ext.registry, resolve_workspace=ext.resolve_workspace,
    )  # fmt: skip
    assert {d["id"]: d["state"] for d in later.list()} == {
        browser["id"]: "stopped",
        kernel["id"]: "stopped",
    }

    # Stop: every process of both groups goes, and the deployments are forgotten with their
    # copies of the model (`mlflow models serve` leaves them in its TMPDIR).
    scratch = [os.path.join(state_dir, f"{d['id']}.tmp") for d in (browser, kernel)]
    assert all(os.listdir(folder) for folder in scratch)
    pids = []
    for deployment in (browser, kernel):
        assert deployment["pgid"] and procinfo.is_running(deployment["pid"])
        pids += procinfo.group_members(deployment["pgid"])
    assert len(pids) >= 4  # launcher, mlflow models serve, uvicorn (per deployment)
    for deployment in (browser, kernel):
        response, stopped = await _call(jp_fetch, deployment["id"], method="DELETE")
        assert response.code == 200 and stopped["state"] == "stopped", stopped
    assert await _gone(pids) == []
    assert _serving(logged["model_uri"]) == [] and _serving(logged["runs_uri"]) == []
    assert not any(os.path.exists(folder) for folder in scratch)
    response, _ = await _call(jp_fetch, kernel["id"])
    assert response.code == 404
    response, answer = await _call(jp_fetch, kernel["id"], "invocations", method="POST", body={})
    assert (response.code, answer["reason"]) == (404, "unknown_deployment")


# --- who may choose the interpreter ----------------------------------------------------------


async def test_the_browser_cannot_choose_the_interpreter(jp_fetch, logged):
    body = {"target": "local", "model_uri": logged["model_uri"], "workspace": "v3",
            "python": "/bin/sh"}  # fmt: skip
    code, answer, _ = await _deploy(jp_fetch, body)
    assert (code, answer["reason"]) == (403, "python_not_allowed")
    code, answer, _ = await _deploy(jp_fetch, body, headers={KEY_HEADER: "guessed"})
    assert (code, answer["reason"]) == (403, "bridge_key")
    response, answer = await _call(jp_fetch, "preflight", method="POST", body=body)
    assert (response.code, answer["reason"]) == (403, "python_not_allowed")
    _, listed = await _call(jp_fetch)
    assert listed["deployments"] == []

    # The kernel side stays light: neither tornado nor jupyter_server nor MLflow at import.
    code = (
        "import sys, jupyterlab_mlflow_workspace as p, jupyterlab_mlflow_workspace.kernel.deploy;"
        "p.deploy_local; print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'tornado', 'jupyter_server', 'mlflow'}))"
    )
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "[]", result.stdout + result.stderr

    for bad, reason in (({"target": "aks"}, "unknown_target"), ({"model_uri": "--help"}, "bad_model_uri"),
                        ({"port": 80}, "bad_port"), ({"wait": "yes"}, "bad_request")):  # fmt: skip
        code, answer, _ = await _deploy(jp_fetch, {**body, "python": None, **bad})
        assert (code, answer["reason"]) == (400, reason), (bad, answer)


# --- pre-flight ---------------------------------------------------------------------------------


async def test_preflight_says_what_is_missing(jp_fetch, logged):
    response, good = await _call(
        jp_fetch, "preflight", method="POST", body={"model_uri": logged["model_uri"], "workspace": "v3"}
    )  # fmt: skip
    assert response.code == 200 and good["ok"] is True, good
    assert good["loader_module"] == "mlflow.sklearn" and "sklearn" in good["flavors"]
    assert good["python"] == sys.executable and good["missing"] == []
    # What the Deploy dialog shows and Call endpoint sends first.
    inputs = json.loads(good["signature"]["inputs"])
    assert [column["name"] for column in inputs][:3] == ["age", "sex", "bmi"]
    example = good["input_example"]["dataframe_split"]
    assert example["columns"][:3] == ["age", "sex", "bmi"] and len(example["data"]) == 5

    code, answer, seconds = await _deploy(
        jp_fetch, {"model_uri": logged["needy_uri"], "workspace": "v3"}
    )
    assert (code, answer["reason"]) == (422, "preflight_failed"), answer
    assert seconds < FAILURE_BOUND
    print(f"missing requirement ({seconds:.1f} s): {answer['message']}")
    assert MISSING_PACKAGE in answer["message"] and "missing" in answer["message"]
    assert answer["deployment"]["preflight"]["missing"] == [f"{MISSING_PACKAGE}==1.0"]
    assert answer["deployment"]["state"] == "failed" and answer["deployment"]["pid"] is None


async def test_a_bad_model_uri_fails_clearly(jp_fetch, logged):
    bad = "runs:/0123456789abcdef0123456789abcdef/model"
    code, answer, seconds = await _deploy(jp_fetch, {"model_uri": bad, "workspace": "v3"})
    assert (code, answer["reason"]) == (422, "preflight_failed"), answer
    assert seconds < FAILURE_BOUND
    print(f"bad URI, pre-flight ({seconds:.1f} s): {answer['message']}")
    assert answer["message"].startswith("The model could not be read")
    assert "0123456789abcdef0123456789abcdef" in answer["message"]
    assert any(line.startswith("[preflight]") for line in answer["log"]) or answer["log"] == []

    # Without the pre-flight, `mlflow models serve` itself fails: the reason and its log tail.
    code, answer, seconds = await _deploy(
        jp_fetch, {"model_uri": bad, "workspace": "v3", "preflight": False}
    )
    assert (code, answer["reason"]) == (503, "deploy_failed"), answer
    assert seconds < FAILURE_BOUND
    print(f"bad URI, no pre-flight ({seconds:.1f} s): {answer['message']}")
    assert "before it was ready" in answer["message"]
    assert "MlflowException" in answer["message"] or "RESOURCE_DOES_NOT_EXIST" in answer["message"]
    assert any("0123456789abcdef" in line for line in answer["log"])
    assert answer["deployment"]["pid"] is None and _serving(bad) == []


async def test_a_model_that_crashes_at_load_fails_clearly(jp_fetch, logged):
    code, answer, seconds = await _deploy(
        jp_fetch, {"model_uri": logged["broken_uri"], "workspace": "v3"}
    )
    assert (code, answer["reason"]) == (503, "deploy_failed"), answer
    assert seconds < FAILURE_BOUND
    print(f"crash at load ({seconds:.1f} s): {answer['message']}")
    assert answer["deployment"]["preflight"]["ok"] is True  # nothing missing: it crashes at load
    assert logged["broken_module"] in answer["message"], answer["message"]
    assert any(f"No module named '{logged['broken_module']}'" in line for line in answer["log"])
    assert answer["deployment"]["state"] == "failed"
    assert await _gone(_serving(logged["broken_uri"]), 15) == []


# --- ports --------------------------------------------------------------------------------------


class _Impostor(http.server.BaseHTTPRequestHandler):
    """Another program on the port that even answers /ping with 200."""

    def do_GET(self):  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Length", "1")
        self.end_headers()
        self.wfile.write(b"\n")

    def log_message(self, *args):
        pass


async def test_port_conflicts(jp_fetch, jp_serverapp, logged, monkeypatch):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        code, answer, seconds = await _deploy(
            jp_fetch, {"model_uri": logged["model_uri"], "workspace": "v3", "port": taken}
        )
        assert (code, answer["reason"]) == (409, "port_in_use") and seconds < 5
        assert f"Port {taken} is in use" in answer["message"]

    # A chosen port taken before the server binds it, by a server that answers /ping: that is
    # never taken for the model; the deployment moves to another port.
    impostor = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _Impostor)
    threading.Thread(target=impostor.serve_forever, daemon=True).start()
    ports = [impostor.server_address[1]]
    real = deploy_module.free_port
    monkeypatch.setattr(deploy_module, "free_port", lambda: ports.pop() if ports else real())
    try:
        code, answer, _ = await _deploy(
            jp_fetch, {"model_uri": logged["model_uri"], "workspace": "v3", "preflight": False}
        )
    finally:
        impostor.shutdown()
        impostor.server_close()
    assert code == 200 and answer["state"] == "ready", answer
    assert answer["port"] != impostor.server_address[1]
    _, log = await _call(jp_fetch, answer["id"], "log")
    taken_line = f"Port {impostor.server_address[1]} was taken by another program"
    assert any(line.startswith(taken_line) for line in log["log"]), log["log"]

    # Jupyter stops (stop_extension): the deployment stops, and stays listed as stopped.
    pids = procinfo.group_members(answer["pgid"])
    await _ext(jp_serverapp).deployments.close()
    assert await _gone(pids) == []
    _, listed = await _call(jp_fetch)
    (stopped,) = listed["deployments"]
    assert (stopped["state"], stopped["message"]) == ("stopped", "Stopped when Jupyter stopped")
