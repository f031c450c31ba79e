"""Virtualenvs of their own for tests that need other packages than the test environment's
(MLflow 2.x, papermill without our package, the Azure SDKs): made with uv on first use, under
``.build/``, idempotent (a marker holds what was installed) and safe across processes (a lock).
"""

import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / ".build"


def uv() -> str:
    """The uv binary: ``$UV``, the one scripts/bootstrap.sh installs, or one on PATH."""
    for candidate in (os.environ.get("UV"), str(BUILD / "tools" / "bin" / "uv")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("uv")
    if found:
        return found
    raise RuntimeError("uv not found: set $UV or run scripts/bootstrap.sh (it installs uv)")


def ensure_venv(
    venv: Path,
    requirements: Sequence[str],
    *,
    after: Sequence[Sequence[str]] = (),
    env: dict[str, str] | None = None,
    timeout: float = 1200,
    base_python: str | None = None,
) -> str:
    """Install ``requirements`` into ``venv`` unless already done; returns its python.

    ``after``: extra commands run once after the install (``{python}`` is replaced by the venv's
    python); they count as part of what the marker records.
    """
    python = venv / "bin" / "python"
    marker = venv / ".test-venv-requirements"
    wanted = "\n".join(
        [*requirements, *(" ".join(cmd) for cmd in after), *([base_python] if base_python else [])]
    )
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(str(venv) + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if python.exists() and marker.exists() and marker.read_text() == wanted:
            return str(python)
        binary = uv()
        commands = [
            [
                binary,
                "venv",
                "-q",
                "--allow-existing",
                "-p",
                base_python or sys.executable,
                str(venv),
            ],
            [binary, "pip", "install", "-q", "--python", str(python), *requirements],
            *([part.replace("{python}", str(python)) for part in cmd] for cmd in after),
        ]
        for cmd in commands:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
            if proc.returncode != 0:
                raise RuntimeError(
                    f"setting up {venv} failed: {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}"
                )
        marker.write_text(wanted)
    return str(python)
