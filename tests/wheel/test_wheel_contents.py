"""The built wheel carries the prebuilt labextension and enables the server part by itself."""

import glob
import json
import os
import zipfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXT = "share/jupyter/labextensions/jupyterlab-mlflow-workspace"


@pytest.fixture(scope="module")
def wheel():
    found = sorted(glob.glob(os.path.join(ROOT, "dist", "jupyterlab_mlflow_workspace-*.whl")))
    assert found, "build the wheel first: python -m build --wheel -o dist"
    with zipfile.ZipFile(found[-1]) as archive:
        yield archive


def _data(wheel, suffix):
    names = [n for n in wheel.namelist() if n.split(".data/data/", 1)[-1] == suffix]
    assert names, f"{suffix} is missing from the wheel"
    return wheel.read(names[0])


def test_labextension_package_json_names_the_extension(wheel):
    meta = json.loads(_data(wheel, f"{EXT}/package.json"))
    assert meta["name"] == "jupyterlab-mlflow-workspace"
    assert meta["jupyterlab"]["_build"]["load"].startswith("static/remoteEntry.")


def test_remote_entry_and_style_are_prebuilt(wheel):
    meta = json.loads(_data(wheel, f"{EXT}/package.json"))
    assert _data(wheel, f"{EXT}/{meta['jupyterlab']['_build']['load']}")
    assert _data(wheel, f"{EXT}/static/style.js")


def test_settings_schemas_are_shipped(wheel):
    schema = json.loads(_data(wheel, f"{EXT}/schemas/jupyterlab-mlflow-workspace/workspace.json"))
    assert schema["additionalProperties"] is False


def test_server_config_enables_the_server_part(wheel):
    config = json.loads(
        _data(wheel, "etc/jupyter/jupyter_server_config.d/jupyterlab_mlflow_workspace.json")
    )
    assert config["ServerApp"]["jpserver_extensions"]["jupyterlab_mlflow_workspace"] is True


def test_install_json_points_to_pip(wheel):
    install = json.loads(_data(wheel, f"{EXT}/install.json"))
    assert install["packageName"] == "jupyterlab_mlflow_workspace"


def test_tests_are_not_shipped(wheel):
    assert not [n for n in wheel.namelist() if "/tests/" in n]


def test_one_copy_of_uplot_in_its_own_chunk(wheel):
    """Every chart draws through one uPlot: its code (``addGap``/``tzDate`` are uPlot's own
    exports) is in exactly one chunk, a shared module the remote entry loads on demand, not
    bundled into the entry or into our code."""
    prefix = f"{EXT}/static/"
    chunks = {
        n.split(prefix, 1)[1]: wheel.read(n).decode("utf-8", "replace")
        for n in wheel.namelist()
        if prefix in n and n.endswith(".js")
    }
    with_uplot = [name for name, code in chunks.items() if "addGap" in code and "tzDate" in code]
    assert len(with_uplot) == 1, with_uplot
    assert not with_uplot[0].startswith("remoteEntry.")
    entry = next(code for name, code in chunks.items() if name.startswith("remoteEntry."))
    assert 'shareKey:"uplot"' in entry  # a shared module: one instance per page
