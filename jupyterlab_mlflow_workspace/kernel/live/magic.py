"""``%load_ext jupyterlab_mlflow_workspace``: turn live metrics on in this kernel.

``%unload_ext`` turns them off again; ``%reload_ext`` leaves exactly one flusher.
"""

from __future__ import annotations

from typing import Any


def load_ipython_extension(ipython: Any) -> None:
    from . import activate

    if not activate():
        print("jupyterlab_mlflow_workspace: live metrics are off here (no kernel or no MLflow).")


def unload_ipython_extension(ipython: Any) -> None:
    from . import deactivate

    deactivate()
