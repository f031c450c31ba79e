"""Run-context provider: runs started in a notebook kernel are tagged with the notebook.

A real kernel started by the Jupyter server (a session at ``sub/ctx.ipynb``) runs what the
Connected setup cell runs, ``connect(..., notebook_id=...)``, then starts runs. MLflow's
run-context registry loads our provider from the installed wheel's entry point; the runs on the
real MLflow server carry the notebook id, the path relative to the Jupyter root and the kernel id,
and a search by the notebook id finds them after the kernel is gone. ``connect()`` also turns the
live push on, once.
"""

import json
import textwrap
from importlib.metadata import entry_points

import pytest

NOTEBOOK_ID = "3b5e0c1d-ctx-test"
TAG_ID = "mlflow_workspace.notebook_id"
TAG_PATH = "mlflow_workspace.notebook_path"
TAG_KERNEL = "mlflow_workspace.kernel_id"


def test_the_provider_is_registered_with_mlflow():
    (ep,) = [
        ep
        for ep in entry_points(group="mlflow.run_context_provider")
        if ep.name == "jupyterlab_mlflow_workspace"
    ]
    provider = ep.load()()
    # Not a kernel: nothing to tag, and tags() still answers.
    assert provider.in_context() is False
    assert provider.tags() == {}


def test_paths_outside_the_root_are_not_tagged(monkeypatch):
    from jupyterlab_mlflow_workspace.kernel.live import context

    monkeypatch.setattr(context, "_root_dir", "/srv/notebooks")
    monkeypatch.setenv("JPY_SESSION_NAME", "/srv/notebooks/a/b.ipynb")
    assert context.notebook_path() == "a/b.ipynb"
    monkeypatch.setenv("JPY_SESSION_NAME", "/etc/passwd")
    assert context.notebook_path() is None
    monkeypatch.setattr(context, "_root_dir", None)
    monkeypatch.setenv("JPY_SESSION_NAME", "/srv/notebooks/a/b.ipynb")
    assert context.notebook_path() is None  # no root known: an absolute path is not a tag
    monkeypatch.setenv("JPY_SESSION_NAME", "c/d.ipynb")
    assert context.notebook_path() == "c/d.ipynb"
    with pytest.raises(ValueError):
        context.set_notebook_id("  ")


class TestInAKernel:
    @pytest.fixture
    def extension_config(self, extension_config, monkeypatch, mlflow_server):
        monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
        workspaces = [{"id": "remote", "name": "Remote", "url": mlflow_server.url}]
        return {**extension_config, "workspaces": workspaces}

    async def test_runs_carry_notebook_id_path_and_kernel(
        self, jp_fetch, jp_serverapp, jp_root_dir, mlflow_server
    ):
        (jp_root_dir / "sub").mkdir()
        response = await jp_fetch(
            "api", "sessions", method="POST", request_timeout=120,
            body=json.dumps({"path": "sub/ctx.ipynb", "name": "ctx.ipynb", "type": "notebook",
                             "kernel": {"name": "python3"}}),
        )  # fmt: skip
        kernel_id = json.loads(response.body)["kernel"]["id"]
        client = jp_serverapp.kernel_manager.get_kernel(kernel_id).client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=180)
            code = textwrap.dedent(
                f"""
                import threading
                import mlflow
                from jupyterlab_mlflow_workspace import connect
                from jupyterlab_mlflow_workspace import live
                connect(workspace="remote", experiment="ctx-exp", notebook_id={NOTEBOOK_ID!r}, quiet=True)
                connect(workspace="remote", experiment="ctx-exp", notebook_id={NOTEBOOK_ID!r}, quiet=True)
                print("LIVE", live.status()["active"])
                print("FLUSHERS", sum(t.name == live.THREAD_NAME for t in threading.enumerate()))
                with mlflow.start_run() as run:
                    mlflow.log_metric("m", 1.0)
                    with mlflow.start_run(nested=True) as child:
                        pass
                print("RUN", run.info.run_id)
                print("CHILD", child.info.run_id)
                {RENAME_CODE}
                with mlflow.start_run() as renamed:
                    pass
                print("RENAMED", renamed.info.run_id)
                """
            )
            outputs, reply = await _execute(client, code)
        finally:
            client.stop_channels()
        text = "\n".join(outputs)
        assert reply["content"]["status"] == "ok", text
        assert _value(text, "LIVE") == "True"
        assert _value(text, "FLUSHERS") == "1"
        await jp_fetch("api", "sessions", json.loads(response.body)["id"], method="DELETE")

        for label in ("RUN", "CHILD"):
            run = mlflow_server.call(
                "GET", "/api/2.0/mlflow/runs/get", params={"run_id": _value(text, label)}
            )["run"]
            tags = {t["key"]: t["value"] for t in run["data"]["tags"]}
            assert tags[TAG_ID] == NOTEBOOK_ID, label
            assert tags[TAG_PATH] == "sub/ctx.ipynb", label
            assert tags[TAG_KERNEL] == kernel_id, label
            # MLflow's own source name: relative to the root, never the server's path.
            assert tags["mlflow.source.name"] == "sub/ctx.ipynb", label
            assert str(jp_root_dir) not in json.dumps(tags), label

        # After a rename the frontend tells the kernel the new name: runs record it.
        run = mlflow_server.call(
            "GET", "/api/2.0/mlflow/runs/get", params={"run_id": _value(text, "RENAMED")}
        )["run"]
        tags = {t["key"]: t["value"] for t in run["data"]["tags"]}
        assert tags["mlflow.source.name"] == "sub/renamed.ipynb"
        assert tags[TAG_PATH] == "sub/renamed.ipynb"

        # The kernel is gone: the notebook's runs are found by its id.
        experiment = mlflow_server.call(
            "GET", "/api/2.0/mlflow/experiments/get-by-name", params={"experiment_name": "ctx-exp"}
        )["experiment"]
        found = mlflow_server.call(
            "POST",
            "/api/2.0/mlflow/runs/search",
            json_body={
                "experiment_ids": [experiment["experiment_id"]],
                "filter": f"tags.`{TAG_ID}` = '{NOTEBOOK_ID}'",
            },
        )
        ids = {r["info"]["run_id"] for r in found["runs"]}
        assert ids == {_value(text, "RUN"), _value(text, "CHILD"), _value(text, "RENAMED")}


# What the frontend runs silently in the kernel after a rename (src/kernel/notebookName.ts,
# whose jest test checks it is this code).
RENAME_CODE = (
    '(lambda o, s: (o.environ.__setitem__("JPY_SESSION_NAME", "sub/renamed.ipynb"), '
    'getattr(getattr(s.modules.get("mlflow.tracking.context.jupyter_notebook_context"), '
    '"_get_notebook_name", None), "cache_clear", lambda: None)()))'
    '(__import__("os"), __import__("sys"))'
)


async def _execute(client, code, timeout=300):
    outputs = []

    def hook(msg):
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            outputs.append(content["text"])
        elif kind == "error":
            outputs.append("\n".join(content["traceback"]))

    reply = await client.execute_interactive(code, output_hook=hook, timeout=timeout)
    return outputs, reply


def _value(text, label):
    import re

    match = re.search(rf"^{label} (\S+)$", text, re.M)
    assert match, f"{label} missing in:\n{text}"
    return match.group(1)
