"""Azure deployments in the panel's list: recorded by the deploying cell through the kernel bridge.

Real Jupyter server, real bridge key (its 0600 runtime file), the kernel-side functions the
generated cells call. No Azure here: what is tested is the list the panel shows, who may write it,
and that a record never holds a secret.
"""

import ast
import asyncio
import json
import os
import stat

import pytest
from test_azure_deploy import bridge  # noqa: F401 - fixture
from test_azure_deploy_offline import CASES, deploy_gen  # noqa: F401 - fixture

from jupyterlab_mlflow_workspace.bridge import KEY_HEADER
from jupyterlab_mlflow_workspace.deploy.azure import STATE_FILE, AzureDeployments
from jupyterlab_mlflow_workspace.kernel.deploy import (
    forget_azure_deployment,
    record_azure_deployment,
)

RECORD = {
    "target": "azure-managed-online",
    "subscription_id": "00000000-0000-0000-0000-000000000000",
    "resource_group": "rg-ml",
    "workspace_name": "ws-ml",
    "endpoint": "diabetes-endpoint",
    "deployment": "blue",
    "scoring_uri": "https://diabetes-endpoint.westeurope.inference.ml.azure.com/score",
    "model_uri": "runs:/0123456789abcdef/model",
    "auth_mode": "key",
}


def _ext(jp_serverapp):
    (ext,) = jp_serverapp.extension_manager.extension_apps["jupyterlab_mlflow_workspace"]
    return ext


async def _list(jp_fetch):
    response = await jp_fetch("mlflow-workspace", "api", "deployments")
    return json.loads(response.body)["deployments"]


async def _post(jp_fetch, body, key=None):
    headers = {KEY_HEADER: key} if key is not None else {}
    return await jp_fetch(
        "mlflow-workspace", "api", "deployments", "azure", method="POST",
        body=json.dumps(body), headers=headers, raise_error=False,
    )  # fmt: skip


async def test_the_deploying_cell_lists_its_azure_deployment(jp_fetch, jp_serverapp, capsys):
    deployment_id = await asyncio.to_thread(lambda: record_azure_deployment(**RECORD))
    assert deployment_id and deployment_id.startswith("az-")
    assert f"Listed under Deployments in the panel ({deployment_id})" in capsys.readouterr().out

    (shown,) = await _list(jp_fetch)
    assert shown["id"] == deployment_id
    assert shown["name"] == "diabetes-endpoint/blue"
    assert shown["target"] == "azure-managed-online"
    assert shown["state"] == "deployed"
    assert shown["scoring_uri"] == RECORD["scoring_uri"]
    assert shown["model_uri"] == RECORD["model_uri"]
    assert shown["workspace"] == {"id": "", "name": "ws-ml"}
    assert shown["azure"]["resource_group"] == "rg-ml"
    one = await jp_fetch("mlflow-workspace", "api", "deployments", deployment_id)
    assert json.loads(one.body)["id"] == deployment_id

    # The same deployment deployed again replaces its record; another one is added.
    again = await asyncio.to_thread(lambda: record_azure_deployment(**RECORD))
    green = await asyncio.to_thread(
        lambda: record_azure_deployment(**{**RECORD, "deployment": "green"})
    )
    ids = [d["id"] for d in await _list(jp_fetch)]
    assert ids == [again, green]

    # A private file, read again by the next Jupyter server of the user.
    state_dir = os.path.dirname(_ext(jp_serverapp).azure_deployments._file.path)
    path = os.path.join(state_dir, STATE_FILE)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert [d["id"] for d in AzureDeployments(state_dir).list()] == ids

    # The delete cell forgets it once Azure deleted it.
    assert await asyncio.to_thread(forget_azure_deployment, again) is True
    assert [d["id"] for d in await _list(jp_fetch)] == [green]
    # The panel's Remove forgets one too (the Azure resource is the delete cell's business).
    response = await jp_fetch("mlflow-workspace", "api", "deployments", green, method="DELETE")
    assert response.code == 200
    assert await _list(jp_fetch) == []
    assert await asyncio.to_thread(forget_azure_deployment, green) is False
    assert "Still listed in the panel: HTTP 404" in capsys.readouterr().out


async def test_only_a_kernel_records_and_never_a_secret(jp_fetch, jp_serverapp):
    key = _ext(jp_serverapp).bridge.key
    # A page cannot plant a scoring URI that a later "Call endpoint" cell would send data to.
    for given in (None, "not-the-key"):
        response = await _post(jp_fetch, RECORD, key=given)
        assert response.code == 403, given
    bad = {
        "key": {**RECORD, "primary_key": "s3cr3t-value"},
        "target": {**RECORD, "target": "azure-anything"},
        "scoring_uri": {**RECORD, "scoring_uri": "file:///etc/passwd"},
        "endpoint": {**RECORD, "endpoint": "two\nlines"},
        "resource_group": {k: v for k, v in RECORD.items() if k != "resource_group"},
    }
    for field, body in bad.items():
        response = await _post(jp_fetch, body, key=key)
        assert response.code == 400, field
        message = json.loads(response.body)["message"]
        assert field.split("_")[0] in message, (field, message)
        assert "s3cr3t-value" not in message
    assert await _list(jp_fetch) == []
    state_dir = os.path.dirname(_ext(jp_serverapp).azure_deployments._file.path)
    path = os.path.join(state_dir, STATE_FILE)
    assert not os.path.exists(path) or "s3cr3t" not in open(path).read()


def test_outside_jupyterlab_the_cell_says_why_it_is_not_listed(monkeypatch, tmp_path, capsys):
    from jupyterlab_mlflow_workspace.bridge import ENV_VAR

    monkeypatch.setenv(ENV_VAR, str(tmp_path / "missing.json"))
    assert record_azure_deployment(**RECORD) is None
    out = capsys.readouterr().out
    assert out.startswith("(Not listed under Deployments in the panel:")


# --- the generated deploy cells record what they made ------------------------------------------


WORKSPACE_FORM = {"subscriptionId": RECORD["subscription_id"], "resourceGroup": "rg-ml",
                  "workspaceName": "ws-ml"}  # fmt: skip
SCORING = {"azure-aci": "http://diabetes-aci.westeurope.azurecontainer.io/score"}


def _success_end(cell: str) -> tuple[dict, ast.Call]:
    """The cell's module-level values and helpers, and its ``_record_azure(...)`` call."""
    tree = ast.parse(cell)
    namespace: dict = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "_record_azure":
            exec(compile(ast.Module([node], []), "<cell>", "exec"), namespace)  # noqa: S102
        elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            # The form's values (literals); SDK objects and the like are not needed here.
            try:
                namespace[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                if isinstance(node.value, ast.BoolOp):  # `cpu_limit = "1" or None`
                    namespace[node.targets[0].id] = ast.literal_eval(node.value.values[0]) or None
    calls = [
        n for n in ast.walk(tree)
        if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "_record_azure"
    ]  # fmt: skip
    assert len(calls) == 1, "one record call, at the end of the success path"
    return namespace, calls[0]


@pytest.mark.parametrize(
    "target, style, values", [(c[1], c[2], c[4]) for c in CASES if c[5] == CASES[0][5]],
    ids=[c[0] for c in CASES if c[5] == CASES[0][5]],
)  # fmt: skip
async def test_each_deploy_cell_lists_what_it_made(
    jp_fetch, jp_serverapp, deploy_gen, target, style, values  # noqa: F811
):  # fmt: skip
    form = deploy_gen(target, "defaults")
    form.update(style=style, **values, **WORKSPACE_FORM)
    cell = deploy_gen(target, "generate", form)
    namespace, call = _success_end(cell)
    # The one value Azure gives (the scoring URI); everything else comes from the cell itself.
    scoring = SCORING.get(
        target, f"https://{namespace.get('endpoint_name')}.westeurope.inference.ml.azure.com/score"
    )
    namespace["scoring_uri"] = scoring
    source = ast.unparse(call)
    await asyncio.to_thread(exec, compile(source, "<cell>", "eval"), namespace)  # noqa: S102

    (shown,) = await _list(jp_fetch)
    service = values.get("service") or values["endpoint"]
    assert shown["target"] == target
    assert shown["name"] == (
        service if "service" in values else f"{service}/{values['deployment']}"
    )
    assert shown["scoring_uri"] == scoring
    assert shown["model_uri"] == namespace["model_uri"]
    assert shown["azure"]["workspace_name"] == "ws-ml"
    assert shown["azure"]["auth_mode"] == (values.get("auth") or values.get("authMode"))
    await jp_fetch("mlflow-workspace", "api", "deployments", shown["id"], method="DELETE")
