"""One MLflow server per SQLite file: an OS file lock on the data folder.

``flock`` is released by the kernel when the holder dies, however it dies, so a crashed Jupyter
never leaves the folder locked. The lock file's text names the holder for the error message.
"""

import fcntl
import json
import os


class FolderInUse(Exception):
    def __init__(self, folder: str, holder: dict):
        pid = holder.get("pid", "?")
        command = holder.get("command", "unknown command")
        super().__init__(
            f"The folder {folder} is in use by another Jupyter server (process {pid}: {command}). "
            "Stop that server, or give this one its own folder with "
            "c.MlflowWorkspaceApp.local_dir."
        )
        self.holder = holder


class FolderLock:
    def __init__(self, folder: str):
        self.folder = folder
        self.path = os.path.join(folder, "server.lock")
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        if self._fd is not None:
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise FolderInUse(self.folder, holder) from None
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "command": _own_command()}).encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
        finally:
            os.close(fd)  # closing releases the flock


def _read_holder(fd: int) -> dict:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        return json.loads(os.read(fd, 4096) or b"{}")
    except (OSError, ValueError):
        return {}


def _own_command() -> str:
    try:
        with open(f"/proc/{os.getpid()}/cmdline", "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()[:200]
    except OSError:
        return "jupyter"
