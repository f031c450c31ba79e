"""Throwaway Unix users for the shared-host tests (root only), and probes run as them.

``make_user`` creates a user (with a home when asked) and ``drop_user`` kills its processes and
removes it. ``as_user`` runs a command as that user with a minimal environment; ``probe`` makes
one HTTP call as that user from Debian's Python (no proxy variables) and returns (status, body
text), status None when no connection was made.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import textwrap

RUNUSER = "/usr/sbin/runuser"
SYSTEM_PYTHON = "/usr/bin/python3"
CAN_SWITCH_USERS = (
    os.geteuid() == 0 and os.path.exists(RUNUSER) and os.path.exists("/usr/sbin/useradd")
)

_PROBE = textwrap.dedent(
    """
    import json, sys, urllib.request, urllib.error
    method, url, body = sys.argv[1], sys.argv[2], sys.argv[3].encode() or None
    headers = {"Content-Type": "application/json"}
    if len(sys.argv) > 4:
        headers["Authorization"] = sys.argv[4]
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with opener.open(request, timeout=30) as response:
            print(json.dumps([response.status, response.read().decode("utf-8", "replace")]))
    except urllib.error.HTTPError as error:
        print(json.dumps([error.code, error.read().decode("utf-8", "replace")]))
    except OSError as error:
        print(json.dumps([None, repr(error)]))
    """
)

# Prints the exception's class name (or "read") for a folder listing or a file read.
READ = textwrap.dedent(
    """
    import os, sys
    try:
        os.listdir(sys.argv[1]) if os.path.isdir(sys.argv[1]) else open(sys.argv[1]).read(1)
        print("read")
    except OSError as error:
        print(type(error).__name__)
    """
)
CONNECT_UNIX = textwrap.dedent(
    """
    import socket, sys
    try:
        socket.socket(socket.AF_UNIX).connect(sys.argv[1])
        print("connected")
    except OSError as error:
        print(type(error).__name__)
    """
)


def make_user(prefix: str = "mlwprobe", home: bool = False) -> str:
    name = f"{prefix}{secrets.token_hex(3)}"
    argv = ["/usr/sbin/useradd", "--shell", "/usr/sbin/nologin"]
    argv += ["--create-home"] if home else ["--no-create-home"]
    subprocess.run([*argv, name], check=True, capture_output=True)
    return name


def drop_user(name: str) -> None:
    subprocess.run(["pkill", "-KILL", "-u", name], capture_output=True)
    subprocess.run(["/usr/sbin/userdel", "--remove", name], capture_output=True)


def as_user(user: str, *argv: str, timeout: float = 120, env=None) -> subprocess.CompletedProcess:
    base = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8"}
    return subprocess.run(
        [RUNUSER, "-u", user, "--", *argv],
        capture_output=True, text=True, timeout=timeout, env={**base, **(env or {})}, cwd="/",
    )  # fmt: skip


def probe(user: str, method: str, url: str, body: str = "", auth: str = ""):
    done = as_user(user, SYSTEM_PYTHON, "-c", _PROBE, method, url, body, *([auth] if auth else []))
    assert done.returncode == 0, done.stderr
    status, text = json.loads(done.stdout)
    return status, text


def can_read(user: str, path: str) -> str:
    """'read', or the error class the user got ('PermissionError', 'FileNotFoundError')."""
    return as_user(user, SYSTEM_PYTHON, "-c", READ, path).stdout.strip()


def can_connect_unix(user: str, path: str) -> str:
    return as_user(user, SYSTEM_PYTHON, "-c", CONNECT_UNIX, path).stdout.strip()
