"""Fixtures for the server-part tests: a real Jupyter server (pytest-jupyter) with our extension on.

pytest-jupyter serves under the base URL ``/a%40b/``, so every test also checks that routes work
below a non-root, percent-encoded base URL as under JupyterHub.
"""

import os

import pytest

pytest_plugins = ("pytest_jupyter.jupyter_server",)

# No network here, and no telemetry anywhere.
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "1")


@pytest.fixture
def jp_server_config(jp_server_config):
    return {
        "ServerApp": {
            "jpserver_extensions": {"jupyterlab_mlflow_workspace": True},
            "allow_unauthenticated_access": False,
        }
    }
