"""Run every test stage in order, time each, and end with one plain ``N passed, N failed`` line.

Called by scripts/test.sh after uv and the system packages are in place. Only the standard
library is used here, so it runs on a fresh machine before any virtualenv exists.

Stages (each builds on the ones before it; a failed prerequisite fails its dependants):
  install   build virtualenv, root and ui-tests node_modules (lockfiles are immutable under CI=true)
  lint      eslint, prettier, stylelint, tsc --noEmit, ruff check, ruff format --check
  jest      TypeScript unit tests
  build     production labextension + wheel, built once; a pytest opens the wheel
  isolated  the wheel in a fresh virtualenv with Node hidden from PATH: extension lists, browser_check
  pytest    server-part tests against the installed wheel (pytest-jupyter, non-root base URL)
  galata    JupyterLab and Notebook 7 in Debian's Chromium
  newcomer  README command 1 on a fresh clone of HEAD; the URL it prints, opened as printed in
            Chromium, shows the ML Workspace panel; SIGTERM stops everything it started
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


def run(cmd, *, cwd=ROOT, env=None, check=True) -> str:
    """Run a command, stream its output, and return that output."""
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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def stage_newcomer() -> None:
    """README command 1 exactly as a newcomer runs it, on a fresh clone of the committed HEAD.

    A test that builds a wheel cannot see that the editable install of command 1 breaks, or that
    the login URL it prints is unusable; this stage walks that path: clone, ``bash scripts/dev.sh
    --port=N`` (the README documents the port option), wait for the URL Jupyter prints, open it
    as printed in Chromium, see the panel, then stop the whole process group with SIGTERM (as the
    README says) and check nothing is left.
    """
    work = tempfile.mkdtemp(prefix="newcomer-")
    clone = os.path.join(work, "clone")
    log_path = os.path.join(work, "dev.log")
    started = time.monotonic()
    try:
        run(["git", "clone", "-q", ROOT, clone])
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "UV", "BUILD_VENV")}
        with open(log_path, "w") as log:
            proc = subprocess.Popen(
                ["bash", "scripts/dev.sh", f"--port={port}"],
                cwd=clone, env=env, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        url = None
        try:
            url = _wait_for_login_url(proc, log_path, port, timeout=1200)
            print(f"newcomer: command 1 printed {url} after {time.monotonic() - started:.0f} s")
            shot = os.path.join(BUILD, "newcomer-first-screen.png")
            check(
                "newcomer: printed URL opens the panel",
                ["node", os.path.join(ROOT, "tests", "newcomer", "open_printed_url.js"), url, shot],
            )
        finally:
            _stop_group(proc)
    finally:
        if url is None or COUNT.failed:
            _print_tail(log_path)
        shutil.rmtree(work, ignore_errors=True)
    print(f"newcomer: {time.monotonic() - started:.0f} s from clone to stopped", flush=True)
    if url is None:
        COUNT.failed += 1
        raise StageFailed("README command 1 did not print a login URL")


def _wait_for_login_url(proc, log_path: str, port: int, timeout: float) -> str | None:
    pattern = re.compile(rf"http://127\.0\.0\.1:{port}/lab\?token=\S+")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(log_path, errors="replace") as log:
            match = pattern.search(log.read())
        if match:
            return match.group(0)
        if proc.poll() is not None:
            print(f"FAILED: README command 1 exited with {proc.returncode}", flush=True)
            return None
        time.sleep(2)
    print(f"FAILED: no login URL after {timeout:.0f} s", flush=True)
    return None


def _stop_group(proc) -> None:
    """SIGTERM to the group, as the README says; anything left after 60 s is a failure."""
    if proc.poll() is None or _group_alive(proc.pid):
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        proc.poll()  # reap the leader: a zombie still counts as a member of its group
        if not _group_alive(proc.pid):
            break
        time.sleep(0.5)
    _expect("newcomer: SIGTERM stops every process command 1 started", not _group_alive(proc.pid))
    if _group_alive(proc.pid):
        os.killpg(proc.pid, signal.SIGKILL)


def _print_tail(log_path: str, lines: int = 60) -> None:
    try:
        with open(log_path, errors="replace") as log:
            tail = log.readlines()[-lines:]
    except OSError:
        return
    print("--- last lines of README command 1 ---\n" + "".join(tail), flush=True)


STAGES = [
    ("install", stage_install, []),
    ("lint", stage_lint, ["install"]),
    ("jest", stage_jest, ["install"]),
    ("build", stage_build, ["install"]),
    ("isolated", stage_isolated, ["build"]),
    ("pytest", stage_pytest, ["build"]),
    ("galata", stage_galata, ["build", "pytest"]),
    ("newcomer", stage_newcomer, ["install"]),
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
