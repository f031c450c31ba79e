"""Run every test stage in order, time each, and end with one plain ``N passed, N failed`` line.

Called by scripts/test.sh after uv and the system packages are in place. Only the standard
library is used here, so it runs on a fresh machine before any virtualenv exists.

Stages (each builds on the ones before it; a failed prerequisite fails its dependants):
  install   build virtualenv, root and ui-tests node_modules (lockfiles are immutable under CI=true)
  lint      eslint, prettier, stylelint, tsc --noEmit, ruff check, ruff format --check
  jest      TypeScript unit tests
  build     production labextension + wheel, built once; a pytest opens the wheel
  isolated  the wheel in a fresh virtualenv with Node hidden from PATH: extension lists, browser_check
  newcomer  a fresh clone of the committed HEAD, README command 1 as written (`bash scripts/dev.sh
            --port N`), the URL it prints opened as printed in Chromium, the panel ready; then a
            second run with `--stop-after-start`. Set NEWCOMER_PORT to choose the port.
  pytest    server-part tests against the installed wheel (pytest-jupyter, non-root base URL)
  galata    JupyterLab and Notebook 7 in Debian's Chromium
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, ".build")
UV = os.environ["UV"]
PYTHON = os.environ.get("PYTHON", sys.executable)
BUILD_VENV = os.path.join(BUILD, "venv-build")
ISOLATED_VENV = os.path.join(BUILD, "venv-isolated")
TEST_VENV = os.path.join(BUILD, "venv-test")
DIST = os.path.join(ROOT, "dist")


ANSI = re.compile(r"\x1b\[[0-9;]*m")


class StageFailed(Exception):
    pass


class Counter:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.skipped = 0


COUNT = Counter()


def env_with(*bins: str, only: bool = False) -> dict[str, str]:
    env = dict(os.environ)
    paths = [os.path.join(b, "bin") for b in bins]
    env["PATH"] = os.pathsep.join(paths if only else paths + [env.get("PATH", "")])
    return env


LAST_EXIT = {"code": 0}


def run(cmd, *, cwd=ROOT, env=None, check=True) -> str:
    """Run a command, stream its output, and return that output (its exit code: LAST_EXIT)."""
    print(f"$ {' '.join(cmd)}", flush=True)
    proc = subprocess.Popen(
        cmd,
        cwd=cwd,
        env=env or os.environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )
    lines = []
    assert proc.stdout is not None
    for line in proc.stdout:
        sys.stdout.write(line)
        lines.append(line)
    proc.wait()
    LAST_EXIT["code"] = proc.returncode
    output = ANSI.sub("", "".join(lines))
    if check and proc.returncode != 0:
        raise StageFailed(f"{cmd[0]} exited with {proc.returncode}")
    return output


def check(name: str, cmd, **kwargs) -> bool:
    """A single pass/fail check (lint tools, install checks)."""
    try:
        run(cmd, **kwargs)
    except StageFailed as error:
        print(f"FAILED check {name}: {error}", flush=True)
        COUNT.failed += 1
        return False
    COUNT.passed += 1
    return True


def count_from(output: str, tool: str) -> tuple[int, int, int]:
    """Read a runner's own summary line."""

    def num(pattern: str, text: str) -> int:
        m = re.search(pattern, text)
        return int(m.group(1)) if m else 0

    if tool == "jest":
        line = next((ln for ln in output.splitlines() if ln.startswith("Tests:")), "")
        return num(r"(\d+) passed", line), num(r"(\d+) failed", line), num(r"(\d+) skipped", line)
    if tool == "pytest":
        lines = [ln for ln in output.splitlines() if re.search(r"\d+ (passed|failed|error)", ln)]
        line = lines[-1] if lines else ""
        return (
            num(r"(\d+) passed", line),
            num(r"(\d+) failed", line) + num(r"(\d+) errors?", line),
            num(r"(\d+) skipped", line),
        )
    if tool == "playwright":
        tail = "\n".join(output.splitlines()[-40:])
        return (
            num(r"^\s*(\d+) passed", _multiline(tail, "passed")) + num(r"(\d+) flaky", tail),
            num(r"(\d+) failed", tail),
            num(r"(\d+) skipped", tail),
        )
    raise ValueError(tool)


def _multiline(text: str, word: str) -> str:
    return next((ln for ln in text.splitlines() if re.match(rf"^\s*\d+ {word}", ln)), "")


def test_run(name: str, cmd, tool: str, **kwargs) -> None:
    output = run(cmd, check=False, **kwargs)
    passed, failed, skipped = count_from(output, tool)
    COUNT.passed += passed
    COUNT.failed += failed
    COUNT.skipped += skipped
    if passed == 0 and failed == 0:
        COUNT.failed += 1
        raise StageFailed(f"{name}: no test ran (see the output above)")
    if failed:
        raise StageFailed(f"{name}: {failed} failed")
    if LAST_EXIT["code"] != 0:
        # A suite that failed to compile or collect runs no test, so no summary counts it.
        COUNT.failed += 1
        raise StageFailed(f"{name}: exited with {LAST_EXIT['code']} although no test failed")


# --- stages -------------------------------------------------------------------------------------


def stage_install() -> None:
    # The build virtualenv itself is made by scripts/bootstrap.sh (ensure_build_venv).
    env = env_with(BUILD_VENV)
    run(["jlpm", "install"], env=env)
    run(["jlpm", "install"], cwd=os.path.join(ROOT, "ui-tests"), env=env)


def stage_lint() -> None:
    env = env_with(BUILD_VENV)
    results = [
        check("eslint", ["jlpm", "eslint:check"], env=env),
        check("prettier", ["jlpm", "prettier:check"], env=env),
        check("stylelint", ["jlpm", "stylelint:check"], env=env),
        check("tsc", ["jlpm", "typecheck"], env=env),
        check(
            "tsc ui-tests", ["node", "node_modules/typescript/bin/tsc", "-p", "ui-tests"], env=env
        ),
        check("ruff check", ["ruff", "check", "."], env=env),
        check("ruff format", ["ruff", "format", "--check", "."], env=env),
    ]
    if not all(results):
        raise StageFailed("lint")


def stage_jest() -> None:
    test_run("jest", ["jlpm", "jest", "--ci"], "jest", env=env_with(BUILD_VENV))


def stage_build() -> None:
    env = env_with(BUILD_VENV)
    shutil.rmtree(DIST, ignore_errors=True)
    run(["jlpm", "build:prod"], env=env)
    run(["python", "-m", "build", "--wheel", "--no-isolation", "-o", DIST], env=env)
    test_run(
        "wheel contents",
        ["pytest", "-q", "-p", "no:cacheprovider", "tests/wheel"],
        "pytest",
        env=env,
    )


def wheel_path() -> str:
    wheels = sorted(glob.glob(os.path.join(DIST, "jupyterlab_mlflow_workspace-*.whl")))
    if not wheels:
        raise StageFailed("no wheel in dist/")
    return wheels[-1]


def stage_isolated() -> None:
    shutil.rmtree(ISOLATED_VENV, ignore_errors=True)
    run([UV, "venv", "-q", "-p", PYTHON, ISOLATED_VENV])
    python = os.path.join(ISOLATED_VENV, "bin", "python")
    run([UV, "pip", "install", "-q", "--python", python, "jupyterlab>=4.6,<4.7", wheel_path()])
    # Only the virtualenv's bin on PATH: proves the wheel needs no Node.
    env = env_with(ISOLATED_VENV, only=True)
    results = []
    out = run(["jupyter", "labextension", "list"], env=env, check=False)
    results.append(
        _expect(
            "labextension listed enabled OK",
            re.search(r"jupyterlab-mlflow-workspace v\S+ enabled\s+OK", out),
        )
    )
    out = run(["jupyter", "server", "extension", "list"], env=env, check=False)
    results.append(
        _expect("server extension enabled", re.search(r"jupyterlab_mlflow_workspace enabled", out))
    )
    results.append(
        _expect("server extension OK", re.search(r"jupyterlab_mlflow_workspace \S+ OK", out))
    )
    results.append(
        check(
            "browser_check",
            ["python", "-m", "jupyterlab.browser_check", "--no-browser-test", "--allow-root"],
            env=env,
        )
    )
    if not all(results):
        raise StageFailed("isolated install")


def _expect(name: str, ok) -> bool:
    if ok:
        COUNT.passed += 1
        print(f"ok: {name}", flush=True)
        return True
    COUNT.failed += 1
    print(f"FAILED check {name}", flush=True)
    return False


def ensure_test_venv() -> None:
    if not os.path.exists(os.path.join(TEST_VENV, "bin", "python")):
        run([UV, "venv", "-q", "-p", PYTHON, TEST_VENV])
    python = os.path.join(TEST_VENV, "bin", "python")
    run(
        [
            UV,
            "pip",
            "install",
            "-q",
            "--python",
            python,
            "--reinstall-package",
            "jupyterlab_mlflow_workspace",
            f"{wheel_path()}[test]",
        ]
    )


def stage_pytest() -> None:
    ensure_test_venv()
    # importlib mode and the venv's own pytest: the wheel, not the source tree, is under test.
    test_run(
        "pytest",
        [
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--import-mode=importlib",
            "-r",
            "fEs",
            "tests/python",
        ],
        "pytest",
        env=env_with(TEST_VENV),
    )


def stage_galata() -> None:
    ensure_test_venv()  # cheap when pytest already installed this wheel
    env = env_with(TEST_VENV, BUILD_VENV)
    test_run(
        "galata",
        ["jlpm", "playwright", "test"],
        "playwright",
        cwd=os.path.join(ROOT, "ui-tests"),
        env=env,
    )


# --- newcomer ---------------------------------------------------------------------------------

# The URL a user copies from dev.sh's output (Jupyter prints it with its generated token).
LOGIN_URL = re.compile(r"https?://\S+/lab(?:\?token=\S+)?(?=\s|$)")
# Hang guards only (a stuck download or build), not timing checks: durations are printed.
NEWCOMER_START_LIMIT = 20 * 60
NEWCOMER_STOP_LIMIT = 60


def _newcomer_env(home: str) -> dict[str, str]:
    """A newcomer's shell: none of this checkout's variables; Jupyter's folders fresh and
    private (the local MLflow server's data too). HOME stays, so uv's, pip's and yarn's caches
    are reused: a newcomer's second project is what a cache makes fast, not a different path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_"))}
    for name in ("UV", "ROOT", "BUILD", "BUILD_VENV", "VIRTUAL_ENV", "PYTHONPATH"):
        env.pop(name, None)
    for name, sub in (
        ("JUPYTER_DATA_DIR", "data"),
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("IPYTHONDIR", "ipython"),
    ):
        env[name] = os.path.join(home, sub)
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _processes_in(folder: str) -> list[int]:
    """Live processes started from, or running something in, ``folder``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                if handle.read().split(") ", 1)[1][0] == "Z":
                    continue
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                cmdline = handle.read().decode("utf-8", "replace")
            cwd = os.readlink(f"/proc/{entry}/cwd")
        except OSError:
            continue
        if folder in cmdline or cwd == folder or cwd.startswith(folder + os.sep):
            found.append(int(entry))
    return found


class DevSh:
    """``bash scripts/dev.sh …`` in its own process group, its output echoed and kept."""

    def __init__(self, args: list[str], *, cwd: str, env: dict[str, str]):
        print(f"$ bash scripts/dev.sh {' '.join(args)}   (in {cwd})", flush=True)
        self.proc = subprocess.Popen(
            ["bash", "scripts/dev.sh", *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.output: list[str] = []
        self.url: str | None = None
        self.printed = threading.Event()  # the URL was printed, or the output ended
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            line = ANSI.sub("", raw.decode("utf-8", "replace"))
            self.output.append(line)
            if "YN0013" not in line:  # yarn's thousands of "fetched from the cache" lines
                sys.stdout.write(f"  dev.sh | {line}")
                sys.stdout.flush()
            match = LOGIN_URL.search(line)
            if match and self.url is None:
                self.url = match.group(0)
                self.printed.set()
        self.printed.set()

    def wait_for_url(self) -> str:
        if not self.printed.wait(NEWCOMER_START_LIMIT):
            raise StageFailed(f"dev.sh printed no URL in {NEWCOMER_START_LIMIT} s")
        if self.url is None:
            raise StageFailed(f"dev.sh exited with {self.proc.wait()} before printing a URL")
        return self.url

    def wait(self, limit: float) -> int | None:
        try:
            code = self.proc.wait(limit)
        except subprocess.TimeoutExpired:
            return None
        self._reader.join()
        return code

    def stop(self) -> int | None:
        """Stop it the way Ctrl+C twice does in a terminal: Jupyter's stop handler, which SIGTERM
        runs too (there is no terminal here, and a background job ignores SIGINT). None if it
        was still running after the hang guard (then it is killed)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
        code = self.wait(NEWCOMER_STOP_LIMIT)
        if code is None:
            self.kill()
        return code

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()


def stage_newcomer() -> None:
    started = time.monotonic()
    failed_before = COUNT.failed  # this stage's own checks decide its status
    head = run(["git", "rev-parse", "HEAD"]).strip()
    dirty = run(["git", "status", "--porcelain", "--untracked-files=no"]).strip()
    if dirty:
        print("note: uncommitted changes are not part of the newcomer's clone", flush=True)
    home = tempfile.mkdtemp(prefix="newcomer-")
    clone = os.path.join(home, "jupyterlab-mlflow-workspace")
    env = _newcomer_env(home)
    port = int(os.environ.get("NEWCOMER_PORT") or _free_port())
    timings: list[tuple[str, float]] = []
    runs: list[DevSh] = []
    try:
        run(["git", "clone", "-q", "--no-checkout", ROOT, clone])
        run(["git", "-C", clone, "checkout", "-q", "--detach", head])

        # 1. README command 1 in the fresh clone, with the documented port option.
        mark = time.monotonic()
        dev = DevSh(["--port", str(port)], cwd=clone, env=env)
        runs.append(dev)
        url = dev.wait_for_url()
        timings.append(("fresh clone: command 1 to its printed URL", time.monotonic() - mark))
        print(f"newcomer: dev.sh printed {url}", flush=True)
        if f":{port}/" not in url:
            COUNT.failed += 1
            raise StageFailed(f"--port {port} was asked for, the printed URL is {url}")

        # 2. The printed URL, as printed, in Chromium: JupyterLab and the panel ready.
        mark = time.monotonic()
        _wait_listening(url, dev)
        test_run(
            "newcomer browser",
            ["jlpm", "playwright", "test", "-c", "newcomer.config.js"],
            "playwright",
            cwd=os.path.join(ROOT, "ui-tests"),
            env=dict(env_with(BUILD_VENV), NEWCOMER_URL=url),
        )
        timings.append(("browser: URL opened, panel ready", time.monotonic() - mark))

        # 3. Stopping it stops everything it started.
        code = dev.stop()
        _expect(f"JupyterLab stopped (exit {code})", code is not None)
        _expect_nothing_left(clone)

        # 4. A second run in the same clone, with the documented stop-after-start option.
        mark = time.monotonic()
        dev = DevSh(["--port", str(port), "--stop-after-start"], cwd=clone, env=env)
        runs.append(dev)
        dev.wait_for_url()
        code = dev.wait(NEWCOMER_START_LIMIT)
        timings.append(("second run with --stop-after-start", time.monotonic() - mark))
        _expect(f"second run with --stop-after-start exited 0 (got {code})", code == 0)
        _expect_nothing_left(clone)
    finally:
        for dev in runs:
            if dev.proc.poll() is None:
                dev.kill()
        for pid in _processes_in(clone):  # a failure above: still leave nothing behind
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        shutil.rmtree(home, ignore_errors=True)
        timings.append(("newcomer stage in all", time.monotonic() - started))
        for name, seconds in timings:
            print(f"newcomer: {name}: {seconds:.1f} s", flush=True)
    if COUNT.failed > failed_before:
        raise StageFailed("newcomer")


def _wait_listening(url: str, dev: DevSh) -> None:
    """Jupyter prints its URL a moment before it listens (it binds in its event loop)."""
    match = re.match(r"https?://([^/:]+):(\d+)/", url)
    if not match:
        return
    deadline = time.monotonic() + NEWCOMER_STOP_LIMIT
    while True:
        try:
            socket.create_connection((match.group(1), int(match.group(2))), timeout=5).close()
            return
        except OSError as error:
            if dev.proc.poll() is not None or time.monotonic() > deadline:
                raise StageFailed(f"{url} does not answer: {error}") from error
            time.sleep(0.2)


def _expect_nothing_left(folder: str) -> None:
    # Jupyter stops the local MLflow server as it shuts down; give that a moment (a hang guard).
    deadline = time.monotonic() + NEWCOMER_STOP_LIMIT
    while _processes_in(folder) and time.monotonic() < deadline:
        time.sleep(0.5)
    left = _processes_in(folder)
    _expect(f"nothing left running from the clone {left or ''}".rstrip(), not left)


STAGES = [
    ("install", stage_install, []),
    ("lint", stage_lint, ["install"]),
    ("jest", stage_jest, ["install"]),
    ("build", stage_build, ["install"]),
    ("isolated", stage_isolated, ["build"]),
    # After the build stages, before the long ones: needs only ui-tests' Playwright.
    ("newcomer", stage_newcomer, ["install"]),
    ("pytest", stage_pytest, ["build"]),
    ("galata", stage_galata, ["build", "pytest"]),
]


def main(argv: list[str]) -> int:
    only = set(argv) if argv else None
    results: dict[str, tuple[str, float]] = {}
    for name, func, needs in STAGES:
        if only and name not in only:
            continue
        broken = [n for n in needs if results.get(n, ("ok",))[0] == "FAILED"]
        if broken:
            results[name] = ("FAILED", 0.0)
            COUNT.failed += 1
            print(f"\n=== {name}: not run, {', '.join(broken)} failed", flush=True)
            continue
        print(f"\n=== {name}", flush=True)
        start = time.monotonic()
        try:
            func()
            status = "ok"
        except StageFailed as error:
            print(f"=== {name} FAILED: {error}", flush=True)
            status = "FAILED"
        results[name] = (status, time.monotonic() - start)

    print("\nstage       status   seconds")
    for name, (status, seconds) in results.items():
        print(f"{name:<11} {status:<8} {seconds:7.1f}")
    print(f"total                {sum(s for _, s in results.values()):7.1f}")
    ok = all(status == "ok" for status, _ in results.values())
    if not ok and COUNT.failed == 0:
        COUNT.failed = 1
    summary = f"{COUNT.passed} passed, {COUNT.failed} failed"
    if COUNT.skipped:
        summary += f", {COUNT.skipped} skipped"
    print(summary)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
