"""Are the extension's data folders private to their owner? (Shared hosts: issue 16.)

The folders are created 0700 and the processes the supervisor starts run with umask 077, but a
store made by an older version (or copied, or unpacked) can be wider: the SQLite database and
artifacts of the local server, the deployments' logs, the workspaces' secrets. Nothing is changed
behind the user's back; they get the exact command that fixes it.
"""

import os
import shlex
import stat


def private_problems(folders: list[str]) -> list[str]:
    """One sentence (with its chmod line) per existing folder that others can enter or read."""
    problems = []
    for folder in folders:
        try:
            info = os.stat(folder)
        except OSError:
            continue
        if not stat.S_ISDIR(info.st_mode):
            continue
        wide = stat.S_IMODE(info.st_mode) & 0o077
        if wide:
            problems.append(
                f"{folder} can be read by other users of this machine "
                f"(mode {stat.S_IMODE(info.st_mode):o}). Make it private: "
                f"chmod -R go-rwx {shlex.quote(folder)}"
            )
        elif info.st_uid != os.geteuid():
            problems.append(
                f"{folder} belongs to another user (uid {info.st_uid}); the extension's data "
                "must be its user's own. Move it away or set another folder."
            )
    return problems
