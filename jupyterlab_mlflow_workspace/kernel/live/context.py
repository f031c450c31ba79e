"""Which notebook and kernel this process is: the tags that link a run to its notebook.

MLflow asks the run-context provider (``run_context.py``, entry point
``mlflow.run_context_provider``) for tags whenever a fluent run starts; the provider returns
:func:`notebook_tags`. The kernel learns

* the **notebook id** (``metadata.mlflow_workspace.notebook_id``, which survives renames and
  moves) from the Connected setup cell, which passes it to ``connect(notebook_id=…)``
  (:func:`set_notebook_id`);
* the **notebook path**, relative to the Jupyter server's root, from ``JPY_SESSION_NAME`` (the path
  Jupyter gave the kernel's session when it started it) and the server root named in the kernel
  bridge's runtime file;
* the **kernel id** from its connection file, ``kernel-<id>.json``.

Outside a kernel nothing is tagged. The frontend finds a notebook's runs by
:data:`TAG_NOTEBOOK_ID`, so they come back after a kernel restart or when the notebook is
reopened.

Standard library only.
"""

from __future__ import annotations

import os
import re
import sys

TAG_NOTEBOOK_ID = "mlflow_workspace.notebook_id"
TAG_NOTEBOOK_PATH = "mlflow_workspace.notebook_path"
TAG_KERNEL_ID = "mlflow_workspace.kernel_id"
TAG_SOURCE_NAME = "mlflow.source.name"
TAG_SOURCE_TYPE = "mlflow.source.type"

MAX_TAG_VALUE = 5000  # MLflow's tag value limit is 8000 (5000 on older servers)
_KERNEL_FILE = re.compile(r"^kernel-([0-9A-Za-z-]{1,100})\.json$")

_notebook_id: str | None = None
_root_dir: str | None = None


def set_notebook_id(notebook_id: str | None) -> None:
    """Tag runs started from now on with this notebook id (``None``: stop tagging it)."""
    global _notebook_id  # noqa: PLW0603
    if notebook_id is not None:
        if not isinstance(notebook_id, str) or not notebook_id.strip():
            raise ValueError("notebook_id must be a non-empty string")
        notebook_id = notebook_id.strip()[:MAX_TAG_VALUE]
    _notebook_id = notebook_id


def set_root_dir(root_dir: str | None) -> None:
    """The Jupyter server's root folder (from the runtime file), for relative notebook paths."""
    global _root_dir  # noqa: PLW0603
    _root_dir = root_dir if isinstance(root_dir, str) and root_dir else None


def kernel_id() -> str | None:
    """This kernel's id, from the name of the connection file Jupyter gave it."""
    kernelapp = sys.modules.get("ipykernel.kernelapp")
    if kernelapp is None:
        return None
    try:
        app = kernelapp.IPKernelApp
        if not app.initialized():
            return None
        connection_file = app.instance().connection_file or ""
    except Exception:
        return None
    match = _KERNEL_FILE.match(os.path.basename(connection_file))
    return match.group(1) if match else None


def notebook_path() -> str | None:
    """The notebook's path relative to the Jupyter root (``/``-separated), when known."""
    path = os.environ.get("JPY_SESSION_NAME", "").strip()
    if not path:
        return None
    if os.path.isabs(path):
        if not _root_dir:
            return None  # an absolute path says where the server's files are: not a tag
        try:
            relative = os.path.relpath(path, _root_dir)
        except ValueError:  # another drive on Windows
            return None
        if relative == os.pardir or relative.startswith(os.pardir + os.sep):
            return None
        path = relative
    return path.replace(os.sep, "/")[:MAX_TAG_VALUE]


def notebook_tags() -> dict[str, str]:
    """The tags for a run started now in this kernel (empty outside a kernel)."""
    kid = kernel_id()
    if kid is None:
        return {}
    tags = {TAG_KERNEL_ID: kid}
    path = notebook_path()
    if path:
        tags[TAG_NOTEBOOK_PATH] = path
        # MLflow's own name for the notebook, as it is called now: the frontend updates
        # JPY_SESSION_NAME on a rename (MLflow caches the first name it found), and this
        # provider comes after MLflow's, so plain and Connected cells record the same.
        tags[TAG_SOURCE_TYPE] = "NOTEBOOK"
        tags[TAG_SOURCE_NAME] = path
    if _notebook_id:
        tags[TAG_NOTEBOOK_ID] = _notebook_id
    return tags
