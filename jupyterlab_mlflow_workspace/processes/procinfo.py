"""Facts about processes from Linux's /proc, used to kill the right processes and only those.

A pid alone is not an identity: after a process dies the kernel hands its number to a new one.
The pair (pid, start time) is, within one boot, so every kill decision made from a recorded pid
checks the start time (field 22 of ``/proc/<pid>/stat``, in clock ticks since boot), the command
line and the boot id first.

Standard library only: the launcher loads this file outside the package (see launcher.py).
"""

from __future__ import annotations

import os


def _stat_fields(pid: int) -> list[str] | None:
    """Fields 3.. of /proc/<pid>/stat (state first), or None if there is no such process.

    The command name (field 2) is in parentheses and may itself contain spaces or ')', so split
    after the *last* ')'.
    """
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    tail = data.rpartition(b")")[2].split()
    return [field.decode("ascii", "replace") for field in tail]


def state(pid: int) -> str | None:
    """One-letter state ('R', 'S', 'Z' zombie, …), or None if the pid does not exist."""
    fields = _stat_fields(pid)
    return fields[0] if fields else None


def is_running(pid: int) -> bool:
    """True if the pid exists and is not a zombie (a zombie is dead; only its entry is left)."""
    return state(pid) not in (None, "Z", "X")


def start_time(pid: int) -> int | None:
    """Start time in clock ticks since boot (stat field 22), or None."""
    fields = _stat_fields(pid)
    return int(fields[19]) if fields and len(fields) > 19 else None


def cmdline(pid: int) -> list[str] | None:
    """The argv the process was exec'd with (empty for zombies and kernel threads), or None."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            data = f.read()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return [arg.decode("utf-8", "surrogateescape") for arg in data.split(b"\0")[:-1]]


def boot_id() -> str:
    """Changes at every boot; start times from another boot mean nothing."""
    try:
        with open("/proc/sys/kernel/random/boot_id") as f:
            return f.read().strip()
    except OSError:  # pragma: no cover - every Linux has it
        return ""


def _live_stats() -> list[tuple[int, list[str]]]:
    """(pid, stat fields) of every live (non-zombie) process we can see."""
    result = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        fields = _stat_fields(int(entry))
        if fields and fields[0] not in ("Z", "X"):
            result.append((int(entry), fields))
    return result


def group_members(pgid: int) -> list[int]:
    """Live processes whose process group is ``pgid`` (stat field 5)."""
    return [pid for pid, fields in _live_stats() if int(fields[2]) == pgid]


def children(pid: int) -> list[int]:
    """Live direct children of ``pid`` (stat field 4), oldest first."""
    kids = [(int(f[19]), p) for p, f in _live_stats() if int(f[1]) == pid]
    return [p for _, p in sorted(kids)]
