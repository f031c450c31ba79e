"""Issue 12: the URL Jupyter prints logs in, while the secrets the extension holds stay masked.

A real ``jupyter lab`` with the extension, started the way scripts/dev.sh starts it (generated
token, no browser): the login URL in its log must open JupyterLab, and a workspace token that
reaches Jupyter's request log must not appear in it.
"""

import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

from http_peers import free_port

from jupyterlab_mlflow_workspace.local.redact import MASK, RedactingFilter

SECRET = "workspace-token-7d1f0c2e9b"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect (to /login) is the answer we want to see, not follow


def _open(url, *, method="GET", body=None, headers=None):
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, method=method, data=body, headers=headers or {})
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, response.geturl(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", ""), error.read()


def _wait_for(log_path, pattern, proc, seconds=120.0):
    """The first match of ``pattern`` in the server's log (a hang guard, not a timing check)."""
    deadline = time.monotonic() + seconds
    while True:
        with open(log_path, encoding="utf-8", errors="replace") as handle:
            match = re.search(pattern, handle.read())
        if match:
            return match
        assert proc.poll() is None, f"jupyter lab exited with {proc.returncode}"
        assert time.monotonic() < deadline, f"{pattern!r} never appeared in the log"
        time.sleep(0.3)


def test_printed_login_url_logs_in_and_extension_secret_stays_masked(tmp_path):
    port = free_port()
    log_path = tmp_path / "jupyter.log"
    env = dict(
        os.environ,
        JUPYTER_DATA_DIR=str(tmp_path / "data"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
    )
    env.pop("JUPYTER_TOKEN", None)  # the default: Jupyter generates the token
    with open(log_path, "wb") as log:
        jupyter = subprocess.Popen(
            [
                sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
                f"--port={port}", "--ServerApp.port_retries=0", "--ServerApp.allow_root=True",
                "--ServerApp.jpserver_extensions=jupyterlab_mlflow_workspace=True",
                f"--MlflowWorkspaceApp.local_dir={tmp_path / 'local'}",
                f"--MlflowWorkspaceApp.store_dir={tmp_path / 'store'}",
                f"--ServerApp.root_dir={tmp_path}",
            ],
            # cwd outside the checkout: `python -m` puts cwd first on sys.path, and the source
            # tree's package would be tested instead of the installed wheel.
            env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
    try:
        # The URL a user copies from the terminal, exactly as printed.
        url = _wait_for(log_path, rf"http://127\.0\.0\.1:{port}/lab\?token=\S+", jupyter).group(0)
        token = url.split("token=", 1)[1]
        assert MASK not in url, f"Jupyter's login URL was redacted: {url}"

        # Opening it logs in: JupyterLab's page, not a redirect to the login form. (Jupyter
        # prints the URL a moment before it listens: a refused connection is tried again.)
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _, page = _open(url)
                break
            except urllib.error.URLError:
                assert time.monotonic() < deadline and jupyter.poll() is None
                time.sleep(0.2)
        assert status == 200, f"{url} answered {status}"
        assert b"jupyter-config-data" in page

        # A user adds a workspace with a token (in the request body, as the panel does)...
        auth = {"Authorization": f"token {token}", "Content-Type": "application/json"}
        body = {"kind": "mlflow", "name": "Team", "url": "https://mlflow.example", "token": SECRET}
        status, _, _ = _open(
            f"http://127.0.0.1:{port}/mlflow-workspace/api/workspaces",
            method="POST", body=json.dumps(body).encode(), headers=auth,
        )  # fmt: skip
        assert status == 201
        # ...and the token reaches Jupyter's request log (a pasted URL that 404s).
        status, _, _ = _open(f"http://127.0.0.1:{port}/no-such-page/{SECRET}", headers=auth)
        assert status == 404
        _wait_for(log_path, r"404 GET /no-such-page/", jupyter)
    finally:
        if jupyter.poll() is None:
            os.killpg(jupyter.pid, signal.SIGTERM)
            try:
                jupyter.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(jupyter.pid, signal.SIGKILL)
                jupyter.wait()
    text = log_path.read_text(encoding="utf-8", errors="replace")
    assert SECRET not in text
    assert re.search(rf"404 GET /no-such-page/{re.escape(MASK)}", text)
    assert url in text  # the login URL stayed as it was printed


JUPYTER_TOKEN = "0123456789abcdef0123456789abcdef0123456789abcdef"


def _filtered(message, secrets):
    record = logging.LogRecord("ServerApp", logging.INFO, __file__, 1, message, None, None)
    RedactingFilter(lambda: secrets, keep=lambda: [JUPYTER_TOKEN]).filter(record)
    return record.getMessage()


def test_filter_keeps_jupyters_url_and_masks_what_the_extension_handles():
    url = f"http://127.0.0.1:8888/lab?token={JUPYTER_TOKEN}"
    # Jupyter's URL, even when a stored secret happens to occur inside its token.
    assert _filtered(f"    {url}", ["89abcdef", "unrelated-secret"]) == f"    {url}"
    # A token given by config: Jupyter itself prints "token=..." and that stays as printed.
    assert _filtered("http://127.0.0.1:8888/lab?token=...", []) == (
        "http://127.0.0.1:8888/lab?token=..."
    )
    # The extension's secrets and credential-only shapes are masked.
    assert _filtered("calling with s3cr3t-value", ["s3cr3t-value"]) == f"calling with {MASK}"
    assert _filtered("Authorization: Bearer abc.def", []) == f"Authorization: Bearer {MASK}"
    assert _filtered("https://bob:hunter22@mlflow.example/x", []) == (
        f"https://{MASK}@mlflow.example/x"
    )
