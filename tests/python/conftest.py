"""Fixtures for the server-part tests: a real Jupyter server (pytest-jupyter) with our extension on.

pytest-jupyter serves under the base URL ``/a%40b/``, so every test also checks that routes work
below a non-root, percent-encoded base URL as under JupyterHub.
"""

import os
import sys

import pytest

# Test-only helper modules live beside this file; importlib mode does not put it on sys.path.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

pytest_plugins = ("pytest_jupyter.jupyter_server", "mlflow_servers", "http_peers")

# No network here, and no telemetry anywhere.
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "1")


@pytest.fixture
def extension_config(tmp_path):
    """Our traitlets for a test; tests override or extend this fixture."""
    return {"local_dir": str(tmp_path / "mlflow-local"), "store_dir": str(tmp_path / "store")}


@pytest.fixture
def jp_server_config(extension_config):
    return {
        "ServerApp": {
            "jpserver_extensions": {"jupyterlab_mlflow_workspace": True},
            "allow_unauthenticated_access": False,
        },
        "MlflowWorkspaceApp": extension_config,
    }


def pytest_report_header(config):
    import jupyterlab_mlflow_workspace

    return f"jupyterlab_mlflow_workspace under test: {jupyterlab_mlflow_workspace.__file__}"
