"""MLflow run-context provider (entry point ``mlflow.run_context_provider``): tags each fluent run
started in a notebook kernel with the notebook id, its path and the kernel id (``context.py``).

MLflow imports this module when it loads its run-context registry, so it imports MLflow's base
class and nothing heavier.
"""

from __future__ import annotations

from mlflow.tracking.context.abstract_context import RunContextProvider

from . import context


class NotebookRunContext(RunContextProvider):
    """Tags runs with the notebook and kernel they were started from."""

    def in_context(self) -> bool:
        return context.kernel_id() is not None

    def tags(self) -> dict[str, str]:
        try:
            return context.notebook_tags()
        except Exception:  # never break mlflow.start_run
            return {}
