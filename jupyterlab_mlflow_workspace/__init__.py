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


def deploy_local(
    model_uri,
    *,
    workspace: str | None = None,
    name: str | None = None,
    wait: bool = True,
    port: int | None = None,
    quiet: bool = False,
) -> dict:
    """Serve a model as a local web service run by the Jupyter server that started this kernel.

    See ``jupyterlab_mlflow_workspace.kernel.deploy.deploy_local``; imported on call, like
    ``connect``.
    """
    from .kernel.deploy import deploy_local as _deploy_local

    return _deploy_local(
        model_uri, workspace=workspace, name=name, wait=wait, port=port, quiet=quiet
    )


def load_ipython_extension(ipython) -> None:
    """``%load_ext jupyterlab_mlflow_workspace``: push this kernel's metrics live to JupyterLab."""
    from .live.magic import load_ipython_extension as _load

    _load(ipython)


def unload_ipython_extension(ipython) -> None:
    """``%unload_ext jupyterlab_mlflow_workspace``: stop pushing metrics live."""
    from .live.magic import unload_ipython_extension as _unload

    _unload(ipython)


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "jupyterlab-mlflow-workspace"}]


def _jupyter_server_extension_points():
    # Imported lazily: the kernel-side helpers of this package must not pull in jupyter_server.
    from .app import MlflowWorkspaceApp

    return [{"module": "jupyterlab_mlflow_workspace", "app": MlflowWorkspaceApp}]
