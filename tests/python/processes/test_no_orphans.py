"""No orphan processes, ever: everything the supervisor starts dies with its Jupyter, however
that Jupyter dies.

The "Jupyter" here is a real Python process (conftest.HOST_SCRIPT) running a Supervisor with two
stub commands, each with a grandchild. A process counts as gone when /proc has no entry for it
or only a zombie.
"""

import os
import signal
import time

from jupyterlab_mlflow_workspace.processes import Supervisor


def _start(procs, state_dir, stubs):
    host, status = procs.start_host(state_dir, stubs)
    groups = {}
    for name in stubs:
        info = procs.info(name)
        assert info["pid"] == status[name]["pid"]
        groups[name] = [status[name]["pgid"], info["pid"], info["grandchild"]]
    for pids in groups.values():
        assert not any(procs.gone(p) for p in pids), groups
    return host, groups


def _time_until_gone(procs, pids, began, what):
    procs.wait_until(lambda: procs.all_gone(pids), 30, what)
    return time.monotonic() - began


def test_sigkill_of_jupyter_leaves_no_process(procs, state_dir):
    host, groups = _start(
        procs,
        state_dir,
        {"polite": ["--grandchild"], "stubborn": ["--grandchild", "--ignore-term"]},
    )
    host.kill()
    began = time.monotonic()
    host.wait()
    polite = _time_until_gone(procs, groups["polite"], began, "the polite group")
    stubborn = _time_until_gone(procs, groups["stubborn"], began, "the stubborn group")
    # SIGTERM is enough for the polite group; the stubborn one is SIGKILLed after the 5 s grace.
    assert polite < 4.5, polite
    assert stubborn >= 4.5, stubborn
    log = (state_dir / "stubborn.log").read_text()
    assert "control pipe closed" in log and "sending SIGKILL" in log
    # Their records are left behind; the next Jupyter finds nothing to kill and tidies up.
    assert Supervisor(str(state_dir)).reap_stale() == []
    assert not list(state_dir.glob("*.json"))


def test_sigterm_of_jupyter_stops_everything_through_stop_all(procs, state_dir):
    host, groups = _start(procs, state_dir, {"one": ["--grandchild"], "two": ["--grandchild"]})
    host.send_signal(signal.SIGTERM)
    assert host.wait(timeout=30) == 0
    assert host.stdout.read().decode().strip() == "stopped"
    # stop_all() returned only after everything was gone.
    assert procs.all_gone(groups["one"] + groups["two"])
    assert not list(state_dir.glob("*.json"))


def test_ctrl_c_in_jupyters_terminal_leaves_no_process(procs, state_dir):
    # A terminal sends SIGINT to its whole foreground process group. The launchers live in
    # their own sessions, so only the host gets it; it dies with KeyboardInterrupt, skipping
    # stop_all(), and the control pipes closing is what takes the children down.
    host, groups = _start(procs, state_dir, {"one": ["--grandchild"]})
    assert groups["one"][0] != host.pid
    os.killpg(host.pid, signal.SIGINT)
    began = time.monotonic()
    # Generous: on a loaded 2-core CI box the interpreter's shutdown alone has taken > 30 s.
    assert host.wait(timeout=90) != 0
    _time_until_gone(procs, groups["one"], began, "the group after Ctrl+C")
