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


# The kernel-side helpers, imported on first use: importing this package in a kernel pulls in
# neither jupyter_server nor tornado (nor MLflow). Each name's docs live with its definition.
_KERNEL_API = {
    "connect": ".kernel.connect",
    "deploy_local": ".kernel.deploy",
    "record_azure_deployment": ".kernel.deploy",
    "forget_azure_deployment": ".kernel.deploy",
    "log_baseline": ".kernel.monitor",
    "load_ipython_extension": ".kernel.live.magic",  # %load_ext jupyterlab_mlflow_workspace
    "unload_ipython_extension": ".kernel.live.magic",
}
__all__ = ["__version__", *_KERNEL_API]


def __getattr__(name: str):
    module = _KERNEL_API.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module, __name__), name)


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "jupyterlab-mlflow-workspace"}]


def _jupyter_server_extension_points():
    # Imported lazily: the kernel-side helpers of this package must not pull in jupyter_server.
    from .app import MlflowWorkspaceApp

    return [{"module": "jupyterlab_mlflow_workspace", "app": MlflowWorkspaceApp}]
