"""Run browser: what MLflow and our proxy cost for the requests the browser makes, at 10,000 runs.

Run from the repository root (after `bash scripts/test.sh build pytest` made .build/venv-test):
    .build/venv-test/bin/python benchmarks/runs_browser.py [--runs 10000] [--metrics 20] [--params 20]

It starts a real Jupyter server with the extension, lets it start the local MLflow server, seeds
one experiment through MLflow's store API (tests/python/seeded_runs.py, the same seeding as the
tests at a larger size), then times through the proxy, as the browser sends them:
- the first page (100 runs, MLflow's default order and sorted by a metric) = the request behind
  "click an experiment -> first rows";
- a filter round trip (first page of a metric + param filter);
- paging through every run (pages of 1,000, as "Load all" does) and of 100 (scrolling);
- the ranked search behind "top 5 by metric".
It also reports the gzipped size of the extension's JavaScript, split into what JupyterLab loads
at start and the lazily loaded chart chunk. Painting and scrolling happen in the browser and are
not measured here.
"""

import argparse
import glob
import gzip
import json
import os
import re
import shutil
import sys
import time

from jupyter_harness import AUTH, running_jupyter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "python"))

from seeded_runs import seed_runs  # noqa: E402

SEARCH = "/mlflow-workspace/api/workspaces/local/mlflow/api/2.0/mlflow/runs/search"


def post(conn, path, body):
    data = json.dumps(body)
    start = time.perf_counter()
    conn.request("POST", path, body=data, headers={**AUTH, "Content-Type": "application/json"})
    response = conn.getresponse()
    raw = response.read()
    elapsed = (time.perf_counter() - start) * 1000
    if response.status != 200:
        raise RuntimeError(f"{path}: {response.status} {raw[:300]!r}")
    return elapsed, json.loads(raw or b"{}"), len(raw)


def timed(conn, body, reps):
    times, size, count = [], 0, 0
    for _ in range(reps):
        ms, reply, size = post(conn, SEARCH, body)
        times.append(ms)
        count = len(reply.get("runs", []))
    return times, size, count


def page_all(conn, body, size):
    start = time.perf_counter()
    token, pages, total = None, 0, 0
    while True:
        page = {**body, "max_results": size, **({"page_token": token} if token else {})}
        _ms, reply, _n = post(conn, SEARCH, page)
        pages += 1
        total += len(reply.get("runs", []))
        token = reply.get("next_page_token")
        if not token:
            return (time.perf_counter() - start) * 1000, pages, total


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def bundle_sizes(root):
    """Gzipped sizes of the built chunks: the remote entry and the chunks of its exposed
    ``./index``, ``./extension`` and ``./style`` load at start; the rest (uPlot, reached only
    through ``import('uplot')``) load when first needed."""
    static = os.path.join(root, "jupyterlab_mlflow_workspace", "labextension", "static")
    (entry,) = glob.glob(os.path.join(static, "remoteEntry.*.js"))
    with open(entry, encoding="utf-8") as f:
        text = f.read()
    exposed = set(re.findall(r'"\./(?:index|extension|style)":\(\)=>\w+\.e\((\d+)\)', text))
    if not exposed:
        raise RuntimeError("cannot find the exposed modules in remoteEntry")
    start, lazy, rows = 0, 0, []
    for path in sorted(glob.glob(os.path.join(static, "*.js"))):
        with open(path, "rb") as f:
            raw = f.read()
        gz = len(gzip.compress(raw, 9))
        name = os.path.basename(path)
        at_start = path == entry or name == "style.js" or name.split(".")[0] in exposed
        rows.append((name, len(raw), gz, "start" if at_start else "lazy"))
        if at_start:
            start += gz
        else:
            lazy += gz
    return rows, start, lazy


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--metrics", type=int, default=20)
    parser.add_argument("--params", type=int, default=20)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument(
        "--reuse-db",
        help="an mlflow.db seeded by an earlier run of this benchmark (its path is printed): "
        "copied instead of seeding again",
    )
    args = parser.parse_args()
    root = os.path.join(HERE, "..")
    with running_jupyter("mlflow-ws-bench-runs-") as (tmp, conn):
        if args.reuse_db:
            os.makedirs(os.path.join(tmp, "local"), exist_ok=True)
            shutil.copy(args.reuse_db, os.path.join(tmp, "local", "mlflow.db"))
        conn.request("POST", "/mlflow-workspace/api/local/start", body="{}", headers=AUTH)
        status = json.loads(conn.getresponse().read())
        local_dir = status["local_dir"]
        db = os.path.join(local_dir, "mlflow.db")
        t0 = time.perf_counter()
        if args.reuse_db:
            _ms, reply, _n = post(
                conn, SEARCH.replace("runs/search", "experiments/search"),
                {"filter": "name = 'bench-runs'", "max_results": 1},
            )  # fmt: skip
            experiment_id = reply["experiments"][0]["experiment_id"]
            how = f"reused {args.reuse_db}"
        else:
            experiment_id = seed_runs(
                f"sqlite:///{db}",
                os.path.join(local_dir, "artifacts"),
                "bench-runs",
                runs=args.runs,
                metrics=args.metrics,
                params=args.params,
                steps=1,
            ).experiment_id
            how = f"seeded through SqlAlchemyStore in {time.perf_counter() - t0:.1f} s into {db}"
        exp = [experiment_id]
        print(
            f"run browser benchmark: {args.runs} runs x {args.metrics} metrics x {args.params} "
            f"params, {how}; MLflow {status.get('mlflow_version')}"
        )
        cases = [
            # The browser's first request of a query asks for 50 runs (tableModel FIRST_PAGE).
            ("first page (50), default order", {"experiment_ids": exp, "max_results": 50}),
            ("page of 100, default order", {"experiment_ids": exp, "max_results": 100}),
            (
                "first page, sort metrics.m5 DESC",
                {"experiment_ids": exp, "max_results": 100, "order_by": ["metrics.`m5` DESC"]},
            ),
            (
                "first page, sort params.lr ASC",
                {"experiment_ids": exp, "max_results": 100, "order_by": ["params.`lr` ASC"]},
            ),
            (
                "filter round trip",
                {
                    "experiment_ids": exp,
                    "max_results": 100,
                    "filter": "metrics.loss < 0.5 AND params.model = 'ridge'",
                },
            ),  # fmt: skip
            (
                "top 5 by accuracy (filtered)",
                {
                    "experiment_ids": exp,
                    "max_results": 5,
                    "filter": "params.model = 'forest'",
                    "order_by": ["metrics.`accuracy` DESC"],
                },
            ),  # fmt: skip
        ]
        post(conn, SEARCH, cases[0][1])  # warm up
        print(f"{'request (through the proxy)':<36}{'p50 ms':>9}{'p95 ms':>9}{'rows':>7}{'KB':>8}")
        for name, body in cases:
            times, size, count = timed(conn, body, args.reps)
            print(
                f"{name:<36}{pct(times, 50):>9.1f}{pct(times, 95):>9.1f}{count:>7}{size / 1024:>8.1f}"
            )
        for size in (1000, 100):
            ms, pages, total = page_all(conn, {"experiment_ids": exp}, size)
            print(
                f"full paging, pages of {size:<5}       {ms:>9.0f} ms total, {pages} pages, {total} runs, "
                f"{ms / pages:.1f} ms/page"
            )
    rows, start, lazy = bundle_sizes(root)
    print("extension JavaScript (production build), gzip -9:")
    for name, raw, gz, when in rows:
        print(f"  {name:<36}{raw / 1024:>8.1f} KB{gz / 1024:>8.1f} KB gz  {when}")
    print(f"  loaded at JupyterLab start: {start / 1024:.1f} KB gz (goal <= 300)")
    print(f"  loaded when first needed (charts): {lazy / 1024:.1f} KB gz")


if __name__ == "__main__":
    main()
