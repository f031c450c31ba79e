"""Proxy overhead: p50/p99 of a small MLflow search through the extension's proxy vs straight to
the same local MLflow server, interleaved in the same run.

Run from the repository root (after `bash scripts/test.sh build pytest` made .build/venv-test):
    .build/venv-test/bin/python benchmarks/proxy_overhead.py [--requests 500]
It starts a real Jupyter server with the extension and lets it start the local MLflow server.
"""

import argparse
import http.client
import json
import statistics
import time

from jupyter_harness import AUTH, running_jupyter

SEARCH = "api/2.0/mlflow/experiments/get?experiment_id=0"  # a GET route the proxy passes


def timed_get(conn, path, headers=None):
    start = time.perf_counter()
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - start) * 1000
    if response.status != 200:
        raise RuntimeError(f"{path}: {response.status} {body[:200]!r}")
    return elapsed


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    auth = AUTH
    with running_jupyter("mlflow-ws-bench-") as (_tmp, jconn):
        jconn.request("POST", "/mlflow-workspace/api/local/start", body="{}", headers=auth)
        status = json.loads(jconn.getresponse().read())
        mlflow_port = status["port"]
        mconn = http.client.HTTPConnection("127.0.0.1", mlflow_port, timeout=60)
        proxy_path = f"/mlflow-workspace/api/workspaces/local/mlflow/{SEARCH}"
        for _ in range(20):  # warm both paths
            timed_get(mconn, f"/{SEARCH}")
            timed_get(jconn, proxy_path, auth)
        direct, proxied = [], []
        for _ in range(args.requests):
            direct.append(timed_get(mconn, f"/{SEARCH}"))
            proxied.append(timed_get(jconn, proxy_path, auth))
        print(f"proxy overhead benchmark: {args.requests} interleaved keep-alive GET {SEARCH}")
        print(f"{'path':<10}{'p50 ms':>10}{'p99 ms':>10}{'mean ms':>10}")
        for name, values in (("direct", direct), ("proxy", proxied)):
            print(
                f"{name:<10}{pct(values, 50):>10.2f}{pct(values, 99):>10.2f}{statistics.mean(values):>10.2f}"
            )
        print(f"{'overhead':<10}{pct(proxied, 50) - pct(direct, 50):>10.2f}"
              f"{pct(proxied, 99) - pct(direct, 99):>10.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
