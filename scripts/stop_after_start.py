"""``bash scripts/dev.sh --stop-after-start``: start JupyterLab, check that the URL it prints
opens JupyterLab, stop it, and exit 0 (non-zero otherwise). Nothing is left running.

Usage (dev.sh calls it): ``python scripts/stop_after_start.py <jupyter> lab [options...]``.
Only the standard library: it runs with .venv's Python right after the install.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

# The URL a user copies: JupyterLab's page with the token Jupyter generated (or none).
LOGIN_URL = re.compile(r"https?://\S+/lab(?:\?token=\S+)?(?=\s|$)")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect to /login means the URL does not log in: report it as such


def logs_in(url: str, jupyter: subprocess.Popen) -> str | None:
    """None if ``url`` opens JupyterLab, else what happened instead."""
    opener = urllib.request.build_opener(_NoRedirect)
    # Jupyter prints its URL a moment before it listens: a refused connection is retried while
    # Jupyter runs (a hang guard, not a timing check).
    deadline = time.monotonic() + 120
    while True:
        try:
            with opener.open(url, timeout=60) as response:
                page = response.read()
            break
        except urllib.error.HTTPError as error:
            return f"it answered {error.code} {error.headers.get('Location') or ''}".rstrip()
        except OSError as error:
            if jupyter.poll() is not None or time.monotonic() > deadline:
                return f"it could not be opened: {error}"
            time.sleep(0.2)
    if b"jupyter-config-data" not in page:
        return "it did not answer with JupyterLab's page"
    return None


def main(command: list[str]) -> int:
    # Same process group as dev.sh: Ctrl+C, or a test killing that group, reaches JupyterLab.
    jupyter = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
    )
    found = threading.Event()
    url: list[str] = []

    def echo() -> None:
        assert jupyter.stdout is not None
        for raw in jupyter.stdout:
            line = raw.decode("utf-8", "replace")
            sys.stdout.write(line)
            sys.stdout.flush()
            match = LOGIN_URL.search(line)
            if match and not url:
                url.append(match.group(0))
                found.set()
        found.set()  # output closed: JupyterLab exited

    reader = threading.Thread(target=echo, daemon=True)
    reader.start()
    try:
        found.wait()
        if not url:
            code = jupyter.wait()
            print(f"==> JupyterLab exited with {code} before printing its URL", flush=True)
            return code or 1
        problem = logs_in(url[0], jupyter)
    finally:
        if jupyter.poll() is None:
            jupyter.send_signal(signal.SIGTERM)  # Jupyter's clean shutdown (extensions stopped)
        code = jupyter.wait()
        reader.join()
    if problem:
        print(f"==> the URL JupyterLab printed does not log in: {url[0]}: {problem}", flush=True)
        return 1
    print(f"==> JupyterLab started and {url[0]} opened it; stopped (exit {code})", flush=True)
    return 0 if code in (0, -signal.SIGTERM) else code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
