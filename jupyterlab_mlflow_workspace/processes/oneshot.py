"""One-shot commands (the deploy pre-flight, ``mlflow db upgrade``) under the same launcher as
supervised servers, so that they too die with Jupyter however Jupyter dies (``kill -9``
included), with everything they start. They are not restarted and have no state file: they
end when they are done, at their timeout, or with Jupyter.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys

from .supervisor import LAUNCHER

GRACE = 2.0


async def run_once(
    argv: list[str], *, env: dict | None, cwd: str | None, timeout: float, name: str
) -> tuple[int | None, bytes]:
    """Run ``argv`` to completion; return (exit code, output), or (None, output so far is lost)
    when ``timeout`` passes — the whole process group is stopped then. Cancelling stops it too."""
    read_fd, write_fd = os.pipe()  # Jupyter holds the write end: closing it stops the group
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-I", LAUNCHER, "--fd", str(read_fd), "--grace", str(GRACE),
            "--parent", str(os.getpid()), "--name", name, "--", *argv,
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT, env=env, cwd=cwd, pass_fds=(read_fd,),
            start_new_session=True,
        )  # fmt: skip
    except BaseException:
        os.close(write_fd)
        raise
    finally:
        os.close(read_fd)
    try:
        output, _ = await asyncio.wait_for(process.communicate(), timeout)
    except asyncio.TimeoutError:
        _close(write_fd)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(process.wait(), GRACE + 10)
        return None, b""
    except asyncio.CancelledError:
        _close(write_fd)
        raise
    finally:
        _close(write_fd)
    return process.returncode, output


def _close(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)
