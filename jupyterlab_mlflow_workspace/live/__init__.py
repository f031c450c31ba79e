"""The old name of ``kernel/live/``, kept because saved notebooks import it.

Connected setup cells written before the kernel-side code moved under ``kernel/`` run
``from jupyterlab_mlflow_workspace.live import activate``. This name is the same package and the
same modules (one import, one hook, one comm), not a copy.
"""

import sys

from ..kernel import live as _live
from ..kernel.live import context, hook, magic, pusher, run_context

for _module in (context, hook, magic, pusher, run_context):
    sys.modules[f"{__name__}.{_module.__name__.rsplit('.', 1)[1]}"] = _module
sys.modules[__name__] = _live
