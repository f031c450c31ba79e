"""The process supervisor against real child processes (tests/python/processes/stub_child.py)."""

import asyncio
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jupyterlab_mlflow_workspace.processes import ProcessFailed, ProcessSpec, Supervisor


async def test_start_ready_reuse_stop(supervisor, procs, state_dir):
    changes = []
    supervisor.on_change(lambda name, st: changes.append((name, st["state"])))
    spec = procs.spec(supervisor, "svc", "--grandchild")

    st = await supervisor.start(spec)
    info = procs.info("svc")
    assert st["state"] == "ready"
    assert st["pid"] == info["pid"]
    launcher = st["pgid"]
    assert os.getpgid(info["pid"]) == launcher == os.getpgid(info["grandchild"])
    assert os.getsid(launcher) == launcher  # its own session: no terminal signals reach it

    # The state file: atomic JSON, 0600, identifying the group leader by start time + cmdline.
    (state_file,) = state_dir.glob("*.json")
    assert stat.S_IMODE(state_file.stat().st_mode) == 0o600
    record = json.loads(state_file.read_text())
    assert record["pid"] == record["pgid"] == launcher
    assert record["child_pid"] == info["pid"]
    assert record["start_time"] == procs.start_time(launcher)
    assert record["cmdline"] == procs.cmdline(launcher)
    assert record["argv"] == spec.argv

    # Same name again: the running process is reused, nothing new is started.
    again = await supervisor.start(procs.spec(supervisor, "svc"))
    assert (again["pid"], again["pgid"]) == (info["pid"], launcher)

    await supervisor.stop("svc")
    assert procs.all_gone([launcher, info["pid"], info["grandchild"]])
    assert supervisor.status("svc")["state"] == "stopped"
    assert supervisor.status("svc")["pid"] is None
    assert not list(state_dir.glob("*.json"))
    assert changes == [("svc", "starting"), ("svc", "ready"), ("svc", "stopped")]
    # A stop is not a crash: nothing comes back.
    await asyncio.sleep(0.3)
    assert supervisor.status("svc")["state"] == "stopped"


async def test_concurrent_starts_share_one_process(supervisor, procs):
    first, second = await asyncio.gather(
        supervisor.start(procs.spec(supervisor, "twin", "--ready-delay", "0.5")),
        supervisor.start(procs.spec(supervisor, "twin", "--ready-delay", "0.5")),
    )
    assert first["pid"] == second["pid"] == procs.info("twin")["pid"]
    marker = str(procs.info_path("twin"))
    argvs = [_cmdline(int(p)) for p in os.listdir("/proc") if p.isdigit()]
    stubs = [a for a in argvs if a[1:2] and a[1].endswith("stub_child.py") and marker in a]
    assert len(stubs) == 1  # (the launcher's command line names it too, hence a[1])


def _cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return [a.decode() for a in f.read().split(b"\0")[:-1]]
    except OSError:
        return []


async def test_pipe_write_ends_do_not_leak(supervisor, procs):
    await supervisor.start(procs.spec(supervisor, "a"))
    await supervisor.start(procs.spec(supervisor, "b"))
    ours = procs.pipe_inodes(os.getpid())
    shared = {}
    for name in ("a", "b"):
        st = supervisor.status(name)
        # The launcher holds exactly one pipe of ours: its own control pipe's read end.
        shared[name] = procs.pipe_inodes(st["pgid"]) & ours
        assert len(shared[name]) == 1, shared
        # The command holds none of them (neither the read end nor any write end).
        assert not procs.pipe_inodes(st["pid"]) & ours
    assert shared["a"] != shared["b"]


async def test_crash_is_restarted_with_a_new_pid(supervisor, procs, tmp_path):
    crash = tmp_path / "crash-now"
    spec = procs.spec(supervisor, "flaky", "--crash-file", str(crash), "--code", "3", backoff=0.1)
    first = await supervisor.start(spec)
    crash.touch()
    await procs.until(
        lambda: (
            supervisor.status("flaky")["state"] == "ready"
            and supervisor.status("flaky")["pid"] not in (None, first["pid"])
        ),
        20,
        "a restarted, ready process",
    )
    st = supervisor.status("flaky")
    assert st["restarts"] == 1
    assert st["exit_code"] == 3
    assert procs.all_gone([first["pid"], first["pgid"]])
    assert any("crashing with code 3" in line for line in supervisor.log_tail("flaky"))


async def test_too_many_crashes_end_in_failed_with_the_log(supervisor, procs):
    states = []
    supervisor.on_change(lambda name, st: states.append(st["state"]))
    spec = procs.spec(
        supervisor,
        "doomed",
        "--exit-after",
        "0.3",
        "--code",
        "3",
        "--say",
        "boom: something went wrong",
        max_restarts=2,
        restart_window=60,
        backoff=0.1,
    )
    await supervisor.start(spec)
    await procs.until(lambda: supervisor.status("doomed")["state"] == "failed", 30, "failed")
    st = supervisor.status("doomed")
    assert st["restarts"] == 2
    assert st["pid"] is None and st["pgid"] is None
    assert "exited with code 3" in st["message"]
    assert "3 times within 60 s" in st["message"]
    assert "restarting" in states
    tail = supervisor.log_tail("doomed")
    assert sum("boom: something went wrong" in line for line in tail) == 3
    # Failed stays failed: no restart sneaks in later.
    await asyncio.sleep(0.5)
    assert supervisor.status("doomed")["state"] == "failed"


async def test_crashes_spread_beyond_the_window_keep_restarting(supervisor, procs):
    states = []
    supervisor.on_change(lambda name, st: states.append(st["state"]))
    spec = procs.spec(
        supervisor,
        "slowcrash",
        "--exit-after",
        "0.7",
        max_restarts=1,
        restart_window=0.5,
        backoff=0.05,
    )
    await supervisor.start(spec)
    await procs.until(lambda: supervisor.status("slowcrash")["restarts"] >= 3, 30, "3 restarts")
    assert "failed" not in states


async def test_stop_kills_a_child_that_ignores_sigterm_after_the_grace(supervisor, procs):
    await supervisor.start(procs.spec(supervisor, "stubborn", "--ignore-term", "--grandchild"))
    info = procs.info("stubborn")
    launcher = supervisor.status("stubborn")["pgid"]
    began = time.monotonic()
    await supervisor.stop("stubborn", grace=1.0)
    took = time.monotonic() - began
    assert procs.all_gone([launcher, info["pid"], info["grandchild"]])
    assert 0.9 <= took < 5, took
    assert any("sending SIGKILL" in line for line in supervisor.log_tail("stubborn"))


async def test_ready_timeout_fails_with_the_log_tail_and_leaves_nothing(supervisor, procs):
    spec = procs.spec(
        supervisor,
        "never",
        "--ready-delay",
        "-1",
        "--grandchild",
        "--say",
        "token=SECRET123 is in this line",
        ready_timeout=1.0,
        redact=lambda line: line.replace("SECRET123", "***"),
    )
    with pytest.raises(ProcessFailed) as failed:
        await supervisor.start(spec)
    info = procs.info("never")
    assert "did not become ready within 1 s" in failed.value.message
    assert any("token=*** is in this line" in line for line in failed.value.log_tail)
    assert not any("SECRET123" in line for line in failed.value.log_tail)
    assert not any("SECRET123" in line for line in supervisor.log_tail("never"))
    assert procs.all_gone([info["pid"], info["grandchild"]])
    assert supervisor.status("never")["state"] == "failed"
    assert not list((procs.tmp / "state").glob("*.json"))


async def test_exit_before_ready_fails_fast(supervisor, procs):
    spec = procs.spec(supervisor, "quitter", "--ready-delay", "-1", "--exit-after", "0")
    spec.argv += ["--code", "2", "--say", "cannot bind the port"]
    began = time.monotonic()
    with pytest.raises(ProcessFailed) as failed:
        await supervisor.start(spec)
    assert time.monotonic() - began < 10
    assert "exited with code 2 before it was ready" in failed.value.message
    assert any("cannot bind the port" in line for line in failed.value.log_tail)


async def test_missing_command_fails_with_the_reason(supervisor, procs):
    spec = ProcessSpec("ghost", ["/nonexistent/command"], ready_timeout=10)
    with pytest.raises(ProcessFailed) as failed:
        await supervisor.start(spec)
    assert any("cannot start '/nonexistent/command'" in line for line in failed.value.log_tail)
    # Starting again after a failure is a fresh attempt (and fails again the same way).
    with pytest.raises(ProcessFailed):
        await supervisor.start(spec)


async def test_start_is_refused_after_stop_all(supervisor, procs):
    await supervisor.start(procs.spec(supervisor, "last"))
    info = procs.info("last")
    await supervisor.stop_all()
    assert procs.gone(info["pid"])
    with pytest.raises(RuntimeError):
        await supervisor.start(procs.spec(supervisor, "last"))


# ---- reaping after a restart of Jupyter ------------------------------------------------------


def _fake_record(pid, **overrides):
    record = {
        "name": "fake",
        "pid": pid,
        "pgid": pid,
        "child_pid": None,
        "argv": ["sleep", "60"],
        "start_time": _start_time(pid),
        "cmdline": _cmdline(pid),
        "boot_id": Path("/proc/sys/kernel/random/boot_id").read_text().strip(),
        "owner_pid": _dead_pid(),
        "owner_start_time": 1,
    }
    record.update(overrides)
    return record


def _start_time(pid):
    with open(f"/proc/{pid}/stat", "rb") as f:
        return int(f.read().rpartition(b")")[2].split()[19])


def _dead_pid():
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


@pytest.fixture
def unrelated(procs):
    """An unrelated process leading its own group, as if it had been given a recorded pid."""
    proc = subprocess.Popen(["sleep", "60"], start_new_session=True)
    procs.track(proc.pid)
    yield proc
    proc.kill()
    proc.wait()


@pytest.mark.parametrize(
    "change",
    [
        {"start_time": "shifted"},  # same pid number, different process
        {"cmdline": ["python", "-I", "launcher.py", "--fd", "7", "--", "sleep", "60"]},
    ],
)
def test_reap_stale_never_kills_a_reused_pid(state_dir, unrelated, change):
    sup = Supervisor(str(state_dir))
    record = _fake_record(unrelated.pid)
    if change.get("start_time") == "shifted":
        change = {"start_time": record["start_time"] - 100}
    record.update(change)
    path = state_dir / f"fake.{unrelated.pid}.proc.json"
    path.write_text(json.dumps(record))
    foreign = state_dir / "jpserver-1.json"  # not ours: never read, never removed
    foreign.write_text("{}")
    assert sup.reap_stale() == []
    assert unrelated.poll() is None
    assert not path.exists()  # the stale record is cleaned up all the same
    assert foreign.exists()


def test_reap_stale_leaves_groups_of_a_live_jupyter_alone(state_dir, unrelated):
    # Matching start time and command line, but the owning Jupyter (this process) is alive:
    # another server sharing the directory must not kill it.
    sup = Supervisor(str(state_dir))
    record = _fake_record(unrelated.pid, owner_pid=os.getpid(), owner_start_time=None)
    record["owner_start_time"] = _start_time(os.getpid())
    path = state_dir / f"fake.{unrelated.pid}.proc.json"
    path.write_text(json.dumps(record))
    assert sup.reap_stale() == []
    assert unrelated.poll() is None
    assert path.exists()


def test_reap_stale_kills_a_group_left_by_a_dead_jupyter(state_dir, procs):
    # The launcher normally takes its group down itself when Jupyter dies. A launcher that
    # cannot (here: stopped with SIGSTOP) leaves a genuine stale group for the next Jupyter.
    host, status = procs.start_host(state_dir, {"left": ["--grandchild"]})
    info = procs.info("left")
    launcher = status["left"]["pgid"]
    os.kill(launcher, signal.SIGSTOP)
    host.kill()
    host.wait()
    time.sleep(0.3)  # what the launcher would have needed to react, had it been running
    assert not procs.gone(info["pid"]) and not procs.gone(info["grandchild"])

    killed = Supervisor(str(state_dir)).reap_stale()
    assert killed == [launcher]
    procs.wait_until(
        lambda: procs.all_gone([launcher, info["pid"], info["grandchild"]]), 20, "reaped group"
    )
    assert not list(state_dir.glob("*.json"))


def test_reap_stale_kills_a_group_whose_launcher_is_gone(state_dir, procs):
    # Jupyter and the launcher both killed outright; the command and its grandchild ignore
    # SIGTERM (the launcher's PDEATHSIG), so they live on in the recorded process group.
    host, status = procs.start_host(state_dir, {"headless": ["--grandchild", "--ignore-term"]})
    info = procs.info("headless")
    launcher = status["headless"]["pgid"]
    os.kill(launcher, signal.SIGSTOP)
    host.kill()
    host.wait()
    os.kill(launcher, signal.SIGKILL)
    procs.wait_until(lambda: procs.gone(launcher), 10, "launcher gone")
    assert not procs.gone(info["pid"]) and not procs.gone(info["grandchild"])

    assert Supervisor(str(state_dir)).reap_stale() == [launcher]
    procs.wait_until(
        lambda: procs.all_gone([info["pid"], info["grandchild"]]), 20, "reaped leftovers"
    )


def _launch(tmp_path, *command):
    """The launcher on its own, run as a module, with us holding the control pipe's write end."""
    read_fd, write_fd = os.pipe()
    with open(tmp_path / "launcher.log", "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab_mlflow_workspace.processes.launcher"]
            + ["--fd", str(read_fd), "--grace", "2", "--", *command],
            pass_fds=(read_fd,),
            start_new_session=True,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)),
        )
    os.close(read_fd)
    return proc, write_fd


def test_launcher_exits_with_the_commands_code(tmp_path):
    out = tmp_path / "out.txt"
    code = f"open({str(out)!r}, 'w').write('ran'); raise SystemExit(4)"
    proc, write_fd = _launch(tmp_path, sys.executable, "-c", code)
    try:
        assert proc.wait(timeout=20) == 4
    finally:
        os.close(write_fd)
    assert out.read_text() == "ran"


def test_launcher_takes_its_group_down_when_the_pipe_closes(tmp_path, procs):
    # Jupyter (here: this test) stays alive, so only the pipe's EOF can be what stops it.
    proc, write_fd = _launch(tmp_path, *procs.stub_argv("eof", "--grandchild"))
    procs.track(proc.pid)
    info = procs.info("eof")
    os.close(write_fd)
    assert proc.wait(timeout=20) == 128 + signal.SIGTERM
    assert procs.all_gone([info["pid"], info["grandchild"]])
    assert "control pipe closed" in (tmp_path / "launcher.log").read_text()
