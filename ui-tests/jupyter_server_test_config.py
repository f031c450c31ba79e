"""Server configuration for the Galata ui-tests. Tests only: no token, no XSRF check."""

import os
import tempfile

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821

# CI and the dev machines run as root; Jupyter refuses that unless told otherwise.
c.ServerApp.allow_root = True  # noqa: F821
# Notebook 7 tests drive `window.jupyterapp` too.
c.JupyterNotebookApp.expose_app_in_browser = True  # noqa: F821

# Keep whatever the extension writes (local MLflow data, profiles) out of the user's folders.
_data = os.environ.get("MLFLOW_WS_UITEST_DATA") or tempfile.mkdtemp(prefix="mlflow-ws-ui-")
os.environ.setdefault("JUPYTER_DATA_DIR", os.path.join(_data, "jupyter-data"))
c.MlflowWorkspaceApp.local_dir = os.path.join(_data, "mlflow-local")  # noqa: F821
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "1")
