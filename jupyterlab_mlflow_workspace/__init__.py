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


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "jupyterlab-mlflow-workspace"}]


def _jupyter_server_extension_points():
    # Imported lazily: the kernel-side helpers of this package must not pull in jupyter_server.
    from .app import MlflowWorkspaceApp

    return [{"module": "jupyterlab_mlflow_workspace", "app": MlflowWorkspaceApp}]
