"""``deployments.json``: the deployments list, shared safely by Jupyter servers on one folder.

Each record names its owner, the Jupyter server that started it (pid and start time, so a reused
pid is not mistaken for it). A server writes only its own records back, keeping every other record
(a server that died after this one started still has its deployments listed, to be taken over by
the next start), and on start takes over only the records of owners that are gone, writing the
takeover back: another live server's running deployment is never marked stopped or forgotten. Every read-modify-write holds an OS lock the
kernel releases when a holder dies.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os

from ..processes import procinfo

STATE_FILE = "deployments.json"


def this_server() -> str:
    """The owner id of this process: pid and start time."""
    return f"{os.getpid()}:{procinfo.start_time(os.getpid())}"


def owner_alive(owner: str) -> bool:
    pid, _, started = str(owner).partition(":")
    if not pid.isdigit():
        return False
    try:
        return str(procinfo.start_time(int(pid))) == started
    except Exception:  # noqa: BLE001 - gone, or not ours to read
        return False


class RecordFile:
    def __init__(self, state_dir: str, owner: str, name: str = STATE_FILE):
        self.path = os.path.join(state_dir, name)
        self.owner = owner

    @contextlib.contextmanager
    def _locked(self):
        fd = os.open(self.path + ".lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _read(self) -> list[dict]:
        try:
            with open(self.path) as handle:
                data = json.load(handle)
        except (OSError, ValueError):
            return []
        items = data.get("deployments", []) if isinstance(data, dict) else []
        return [item for item in items if isinstance(item, dict)]

    def _write(self, items: list[dict]) -> None:
        tmp = f"{self.path}.tmp-{os.getpid()}"
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump({"version": 2, "deployments": items}, handle, indent=1)
        os.replace(tmp, self.path)

    def load(self) -> list[dict]:
        """The records this server takes over: its own, and those of owners that are gone
        (each is given this owner, in the file too). Another live server's records stay with it."""
        with self._locked():
            items = self._read()
            mine = []
            for item in items:
                owner = item.get("owner")
                if owner == self.owner or not owner or not owner_alive(owner):
                    item["owner"] = self.owner
                    mine.append(item)
            if mine:
                self._write(items)
            return [dict(item) for item in mine]

    def save(self, records: list[dict]) -> None:
        """Write this server's ``records`` (all of them) and keep every other owner's: a live
        one's are its own, and a dead one's wait for the next start to take them over rather
        than vanish from the list."""
        with self._locked():
            kept = [item for item in self._read() if item.get("owner") != self.owner]
            self._write(kept + [{**r, "owner": self.owner} for r in records])
