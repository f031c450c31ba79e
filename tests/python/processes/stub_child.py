"""A tiny controllable child process for the supervisor tests.

    python stub_child.py [--info-file F] [--ready-file F] [--ready-delay S] [--grandchild]
                         [--ignore-term] [--exit-after S] [--crash-file F] [--code N]
                         [--say TEXT ...]

--info-file   written first: {"pid", "grandchild"}
--ready-file  written after --ready-delay seconds: {"pid"}; never written if the delay is < 0
--grandchild  start a grandchild (another stub, same --ignore-term) that sleeps forever
--exit-after  exit with --code this many seconds after starting
--crash-file  exit with --code as soon as this file exists (deleting it: one crash per file)
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time


def write_json(path, data):
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(data, f)
    os.replace(tmp, path)  # readers never see half a file


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--info-file")
    p.add_argument("--ready-file")
    p.add_argument("--ready-delay", type=float, default=0.0)
    p.add_argument("--grandchild", action="store_true")
    p.add_argument("--ignore-term", action="store_true")
    p.add_argument("--exit-after", type=float)
    p.add_argument("--crash-file")
    p.add_argument("--code", type=int, default=1)
    p.add_argument("--say", action="append", default=[])
    args = p.parse_args()

    if args.ignore_term:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    for text in args.say:
        print(text, flush=True)
    grandchild = None
    if args.grandchild:
        argv = [sys.executable, __file__] + (["--ignore-term"] if args.ignore_term else [])
        grandchild = subprocess.Popen(argv).pid
    if args.info_file:
        write_json(args.info_file, {"pid": os.getpid(), "grandchild": grandchild})

    started = time.monotonic()
    ready_written = args.ready_file is None or args.ready_delay < 0
    while True:
        elapsed = time.monotonic() - started
        if not ready_written and elapsed >= args.ready_delay:
            write_json(args.ready_file, {"pid": os.getpid()})
            ready_written = True
        if args.exit_after is not None and elapsed >= args.exit_after:
            print(f"stub {os.getpid()} exiting with code {args.code}", flush=True)
            sys.exit(args.code)
        if args.crash_file and os.path.exists(args.crash_file):
            os.remove(args.crash_file)
            print(f"stub {os.getpid()} crashing with code {args.code}", flush=True)
            sys.exit(args.code)
        time.sleep(0.05)


if __name__ == "__main__":
    main()
