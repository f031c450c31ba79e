"""Every process the server part starts runs under one supervisor, and dies with Jupyter.

See supervisor.py for the supervisor and launcher.py for how a child's process group is taken
down when Jupyter goes away, however it goes.
"""

from .supervisor import ProcessFailed, ProcessSpec, Supervisor

__all__ = ["ProcessFailed", "ProcessSpec", "Supervisor"]
