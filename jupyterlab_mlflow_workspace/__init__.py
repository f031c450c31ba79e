"""JupyterLab MLflow Workspace: the Jupyter server part of the extension.

The browser side lives in ``src/`` and ships prebuilt in ``labextension/``. This package adds
authenticated REST routes under ``<base_url>/mlflow-workspace/``.
"""

try:
    from ._version import __version__
except ImportError:  # pragma: no cover - only in a source tree that was never built
    import warnings

    warnings.warn(
        "Importing 'jupyterlab_mlflow_workspace' outside a proper installation.", stacklevel=2
    )
    __version__ = "dev"


def connect(
    workspace: str | None = None,
    experiment: str | None = None,
    *,
    mlflow_workspace: str | None = None,
    quiet: bool = False,
) -> str:
    """Point MLflow in this kernel at a workspace of the Jupyter server that started it.

    See ``jupyterlab_mlflow_workspace.kernel.connect.connect``; imported on call, so importing this
    package in a kernel pulls in neither jupyter_server nor tornado.
    """
    from .kernel.connect import connect as _connect

    return _connect(workspace, experiment, mlflow_workspace=mlflow_workspace, quiet=quiet)


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "jupyterlab-mlflow-workspace"}]


def _jupyter_server_extension_points():
    # Imported lazily: the kernel-side helpers of this package must not pull in jupyter_server.
    from .app import MlflowWorkspaceApp

    return [{"module": "jupyterlab_mlflow_workspace", "app": MlflowWorkspaceApp}]
