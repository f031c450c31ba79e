"""User workspaces: create / edit / delete through the API, write-only secrets, files on disk."""

import json
import logging
import os
import stat
import uuid

import pytest

from jupyterlab_mlflow_workspace.workspaces.store import migrate

NS = "mlflow-workspace/api/workspaces"


async def _call(jp_fetch, *parts, method="GET", body=None):
    response = await jp_fetch(
        NS, *parts, method=method, body=None if body is None else json.dumps(body),
        raise_error=False, allow_nonstandard_methods=True,
    )  # fmt: skip
    return response.code, (json.loads(response.body) if response.body else None)


async def test_create_edit_delete_with_write_only_secrets(jp_fetch, extension_config, caplog):
    sentinel = f"SENTINEL-{uuid.uuid4()}"
    caplog.set_level(logging.DEBUG)
    code, created = await _call(
        jp_fetch, method="POST",
        body={"kind": "mlflow", "name": "Team \"prod\" ✓", "url": "https://mlflow.example/prefix/", "token": sentinel},
    )  # fmt: skip
    assert code == 201
    assert created["has_token"] is True and created["url"] == "https://mlflow.example/prefix"
    workspace_id = created["id"]

    # Editing without a token keeps it; the token never comes back.
    code, edited = await _call(
        jp_fetch, workspace_id, method="PUT", body={"name": "Renamed", "token": ""}
    )
    assert (code, edited["name"], edited["has_token"]) == (200, "Renamed", True)
    code, listing = await _call(jp_fetch)
    assert any(w["id"] == workspace_id and w["has_token"] for w in listing["workspaces"])

    # On disk: 0700 folder, 0600 files, the secret only in the secrets file.
    folder = extension_config["store_dir"]
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    for name in ("workspaces.json", "secrets.json"):
        assert stat.S_IMODE(os.stat(os.path.join(folder, name)).st_mode) == 0o600
    with open(os.path.join(folder, "workspaces.json")) as handle:
        assert sentinel not in handle.read()

    code, cleared = await _call(jp_fetch, workspace_id, method="PUT", body={"remove_secrets": True})
    assert cleared["has_token"] is False

    code, _ = await _call(jp_fetch, workspace_id, method="DELETE")
    assert code == 204
    code, listing = await _call(jp_fetch)
    assert all(w["id"] != workspace_id for w in listing["workspaces"])
    assert sentinel not in caplog.text


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (
            {"kind": "mlflow", "name": "x", "url": "https://user:pw@mlflow.example"},
            "credentials_in_url",
        ),
        ({"kind": "mlflow", "name": "x", "url": "ftp://mlflow.example"}, "bad_url"),
        ({"kind": "mlflow", "name": "", "url": "https://mlflow.example"}, "invalid"),
        ({"kind": "azureml", "name": "x", "subscription_id": "s"}, "invalid"),
        ({"kind": "other", "name": "x"}, "invalid"),
        (
            {"kind": "mlflow", "name": "x", "url": "http://a.example", "mlflow_workspace": "a\nb"},
            "invalid",
        ),
    ],
)
async def test_bad_input_is_refused_in_plain_words(jp_fetch, body, reason):
    code, error = await _call(jp_fetch, method="POST", body=body)
    assert (code, error["reason"]) == (400, reason)
    if reason == "credentials_in_url":
        assert "fields below" in error["message"]


async def test_azure_workspace_gets_its_tracking_uri(jp_fetch):
    code, created = await _call(
        jp_fetch, method="POST",
        body={"kind": "azureml", "name": "AML", "subscription_id": "00000000-0000-0000-0000-000000000001",
              "resource_group": "rg-ml", "workspace_name": "ws-ml", "region": "westeurope"},
    )  # fmt: skip
    assert code == 201
    assert created["tracking_uri"] == (
        "azureml://westeurope.api.azureml.ms/mlflow/v1.0/subscriptions/"
        "00000000-0000-0000-0000-000000000001/resourceGroups/rg-ml/providers/"
        "Microsoft.MachineLearningServices/workspaces/ws-ml"
    )
    assert created["url"] == "" and "Azure credential" in created["note"]


async def test_server_provided_workspaces_are_read_only(jp_fetch):
    code, error = await _call(jp_fetch, "local", method="PUT", body={"name": "mine"})
    assert (code, error["reason"]) == (409, "read_only")


async def test_a_secrets_file_readable_by_others_is_refused(jp_fetch, extension_config):
    await _call(
        jp_fetch,
        method="POST",
        body={"kind": "mlflow", "name": "a", "url": "http://x.example", "token": "t0ken"},
    )
    os.chmod(os.path.join(extension_config["store_dir"], "secrets.json"), 0o644)
    code, error = await _call(jp_fetch)
    assert (code, error["reason"]) == (500, "unsafe_permissions")
    assert "chmod 600" in error["message"]


def test_version_1_profiles_migrate():
    old = {"workspaces": [{"id": "a", "name": "A", "tracking_url": "http://a.example"}]}
    assert migrate(old) == {
        "schema_version": 2,
        "workspaces": [{"id": "a", "name": "A", "url": "http://a.example", "kind": "mlflow"}],
    }
    assert migrate({}) == {"schema_version": 2, "workspaces": []}


_ADDER = """
import sys
from jupyterlab_mlflow_workspace.workspaces.store import WorkspaceStore
store = WorkspaceStore(sys.argv[1])
for i in range(int(sys.argv[3])):
    store.create({"kind": "mlflow", "name": f"{sys.argv[2]}-{i}",
                  "url": "https://mlflow.example", "token": f"secret-{sys.argv[2]}-{i}"})
"""


def test_two_servers_adding_at_once_lose_nothing(tmp_path):
    """Issue 15 item 9: two Jupyter servers on one data folder (two processes here) write the
    store at the same time; every workspace and every secret is kept."""
    import subprocess
    import sys

    from jupyterlab_mlflow_workspace.workspaces.store import WorkspaceStore

    folder = str(tmp_path / "store")
    count = 40
    adders = [
        subprocess.Popen([sys.executable, "-c", _ADDER, folder, who, str(count)])
        for who in ("a", "b")
    ]
    for adder in adders:
        assert adder.wait(timeout=120) == 0
    listed = WorkspaceStore(folder).list()
    names = {w.name for w in listed}
    assert names == {f"{who}-{i}" for who in ("a", "b") for i in range(count)}
    assert {w.credentials.token for w in listed} == {
        f"secret-{who}-{i}" for who in ("a", "b") for i in range(count)
    }
