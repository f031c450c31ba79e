"""Ports and process groups on this machine: the helpers the local tracking server and the
local deployments share (free ports on 127.0.0.1, and proof that a listener is ours)."""

import contextlib
import os
import signal
import socket

from . import procinfo

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
        return True


def kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def listening_inodes(port: int) -> set[str] | None:
    """Inodes of sockets listening on ``port`` (None: /proc/net cannot be read here)."""
    found: set[str] = set()
    readable = False
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as handle:
                rows = handle.read().splitlines()[1:]
        except OSError:
            continue
        readable = True
        for row in rows:
            cols = row.split()
            if len(cols) > 9 and cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == port:
                found.add(cols[9])
    return found if readable else None


def listener_in_group(port: int, pgid: int) -> bool:
    """Does a process of group ``pgid`` hold the socket listening on ``port``?"""
    inodes = listening_inodes(port)
    if inodes is None:
        return True  # cannot tell here; /ping answered
    wanted = {f"socket:[{inode}]" for inode in inodes}
    for pid in procinfo.group_members(pgid):
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            with contextlib.suppress(OSError):
                if os.readlink(f"/proc/{pid}/fd/{fd}") in wanted:
                    return True
    return False
