"""The plain setup cell in a real kernel, without our package: papermill against a real server.

The cell comes from the built TypeScript (``tests/node/snippets_cli.js``). The notebook runs with
papermill in its own virtualenv (``PAPERMILL_VENV``, default ``.build/venv-papermill``) that has
MLflow, papermill and ipykernel but not ``jupyterlab_mlflow_workspace``, as on a colleague's
machine or in CI. The run and its metric are then read back through the server's REST API.

The virtualenv is made with uv on first use (file lock + marker, so it is idempotent), exactly::

    uv venv -q --allow-existing -p <this python> .build/venv-papermill
    uv pip install -q --python .build/venv-papermill/bin/python \\
        "mlflow==<the test env's version>" "papermill>=2.6" "ipykernel>=6.29"
    .build/venv-papermill/bin/python -m ipykernel install --sys-prefix --name jlmw-papermill
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import os
import secrets
import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest
from test_setup_cells_property import SnippetsCli
from venvs import ensure_venv

ROOT = Path(__file__).resolve().parents[2]
PAPERMILL_VENV = Path(os.environ.get("PAPERMILL_VENV") or ROOT / ".build" / "venv-papermill")
KERNEL_NAME = "jlmw-papermill"
# The client MLflow matches the server's (and is in uv's cache already).
PAPERMILL_REQUIREMENTS = (
    f"mlflow=={importlib.metadata.version('mlflow')}",
    "papermill>=2.6",
    "ipykernel>=6.29",
)
RUN_TIMEOUT = 600  # seconds per papermill run (kernel start + import mlflow on a busy machine)
ENV_STRIP_PREFIXES = ("MLFLOW_", "_MLFLOW_")
ENV_STRIP = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")

NOT_OUR_PACKAGE = (
    "import importlib.util\n"
    'assert importlib.util.find_spec("jupyterlab_mlflow_workspace") is None, '
    '"jupyterlab_mlflow_workspace must not be importable in this kernel"\n'
)
LOG_A_METRIC = 'with mlflow.start_run():\n    mlflow.log_metric("m", 1.0)\n'


def ensure_papermill_venv(venv: Path = PAPERMILL_VENV) -> str:
    """MLflow + papermill + ipykernel (not our package) in ``venv``; returns its python."""
    return ensure_venv(
        venv,
        PAPERMILL_REQUIREMENTS,
        after=[["{python}", "-m", "ipykernel", "install", "--sys-prefix", "--name", KERNEL_NAME]],
        env=_clean_env(),
        timeout=900,
    )


def _clean_env(**extra: str) -> dict[str, str]:
    """The caller's environment without MLflow settings or anything that could import our
    package from the source tree (PYTHONPATH) into the kernel."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(ENV_STRIP_PREFIXES) and key not in ENV_STRIP
    }
    env.update(
        MLFLOW_DISABLE_TELEMETRY="true",
        DO_NOT_TRACK="1",
        JUPYTER_PLATFORM_DIRS="1",
        PYDEVD_DISABLE_FILE_VALIDATION="1",
        **extra,
    )
    return env


def _notebook(*sources: str) -> dict[str, Any]:
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": KERNEL_NAME, "display_name": KERNEL_NAME, "language": "python"}
        },
        "cells": [
            {
                "cell_type": "code",
                "id": f"cell-{i}",
                "metadata": {},
                "execution_count": None,
                "outputs": [],
                "source": source,
            }
            for i, source in enumerate(sources)
        ],
    }


def _start_papermill(python: str, folder: Path, notebook: dict, env: dict[str, str]):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "in.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    log = open(folder / "papermill.log", "w")  # closed in _finish_papermill
    proc = subprocess.Popen(
        [python, "-m", "papermill", "in.ipynb", "out.ipynb", "-k", KERNEL_NAME, "--cwd", "."],
        cwd=folder,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # papermill and its kernel: one process group to kill
    )
    return proc, log


def _finish_papermill(proc: subprocess.Popen, log, folder: Path) -> list[dict]:
    try:
        proc.wait(RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        pass
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        log.close()
    text = (folder / "papermill.log").read_text(errors="replace")
    assert proc.returncode == 0, f"papermill failed ({proc.returncode}):\n{text[-4000:]}"
    out = json.loads((folder / "out.ipynb").read_text(encoding="utf-8"))
    return out["cells"]


def _stdout(cell: dict) -> str:
    return "".join("".join(o.get("text", "")) for o in cell["outputs"] if o.get("name") == "stdout")


def _runs_in(server, experiment_name: str) -> list[dict]:
    found = server.call(
        "GET",
        "/api/2.0/mlflow/experiments/get-by-name",
        params={"experiment_name": experiment_name},
    )
    exp_id = found["experiment"]["experiment_id"]
    body = server.call(
        "POST", "/api/2.0/mlflow/runs/search", json_body={"experiment_ids": [exp_id]}
    )
    return body.get("runs", [])


@pytest.fixture(scope="module")
def papermill_python() -> str:
    return ensure_papermill_venv()


@pytest.fixture(scope="module")
def cli():
    client = SnippetsCli()
    yield client
    client.close()


def test_plain_cell_logs_to_the_server_without_our_package(
    papermill_python, cli, mlflow_server, tmp_path
):
    suffix = secrets.token_hex(4)
    # Quotes, a backslash, braces, %s and non-ASCII go through the real escaper and real MLflow.
    direct_exp = f'setup cell "direct" \\ {{x}} %s ✓ {suffix}'
    deferred_exp = f"setup cell 'deferred' ✓ {suffix}"
    base = {
        "workspaceId": "ws-kernel-test",
        "workspaceName": 'Team "A"\n\u202e',
        "needsToken": False,
    }
    direct_cell = cli.source(
        "plain",
        {
            **base,
            "trackingUri": mlflow_server.url,
            "experimentName": direct_exp,
            "deferToEnvironment": False,
        },
    )
    # The workspace's URI is dead; MLFLOW_TRACKING_URI in the kernel's environment must win.
    deferred_cell = cli.source(
        "plain",
        {
            **base,
            "trackingUri": "http://127.0.0.1:9",
            "experimentName": deferred_exp,
            "deferToEnvironment": True,
        },
    )
    runs = {
        "direct": (direct_cell, _clean_env()),
        "deferred": (deferred_cell, _clean_env(MLFLOW_TRACKING_URI=mlflow_server.url)),
    }
    started = {
        name: _start_papermill(
            papermill_python,
            tmp_path / name,
            _notebook(cell, NOT_OUR_PACKAGE, LOG_A_METRIC),
            env,
        )
        for name, (cell, env) in runs.items()
    }  # both at once: most of the time is each kernel importing MLflow
    cells = {
        name: _finish_papermill(proc, log, tmp_path / name) for name, (proc, log) in started.items()
    }

    assert _stdout(cells["direct"][0]) == (
        f"MLflow: runs go to {mlflow_server.url}, experiment: {direct_exp}\n"
    )
    assert _stdout(cells["deferred"][0]) == (
        f"MLflow: runs go to {mlflow_server.url} (from MLFLOW_TRACKING_URI), "
        f"experiment: {deferred_exp}\n"
    )
    for experiment in (direct_exp, deferred_exp):
        (run,) = _runs_in(mlflow_server, experiment)
        assert run["info"]["status"] == "FINISHED"
        metrics = {m["key"]: m["value"] for m in run["data"].get("metrics", [])}
        assert metrics == {"m": 1.0}
