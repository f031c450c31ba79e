"""The kernel bridge, server side: the runtime file kernels read to reach this server.

Standard library only, like everything the kernel side imports from here.
"""

from .access import kernel_env, require_key
from .runtime_file import CONNECT_PATH, ENV_VAR, KEY_HEADER, RuntimeFile, server_url

__all__ = [
    "CONNECT_PATH",
    "ENV_VAR",
    "KEY_HEADER",
    "RuntimeFile",
    "kernel_env",
    "require_key",
    "server_url",
]
