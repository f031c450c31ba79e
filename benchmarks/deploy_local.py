"""Local deployment: "Deploy now" → healthy time, and the call path's overhead.

Starts a real Jupyter server with the extension, lets it start the local MLflow server, logs a
scikit-learn LinearRegression (load_diabetes) to it, deploys it through
``POST /mlflow-workspace/api/deployments`` (wait until /ping answers) and times that; then sends
the same small ``dataframe_split`` request straight to the scoring server and through
``POST /mlflow-workspace/api/deployments/<id>/invocations``, interleaved, on keep-alive
connections, and prints p50/p99 of both and the difference (goal: ≤ 2 ms at p50).

Run from the repository root with an environment that has the package, MLflow and scikit-learn:
    PYTHONPATH=. .venv/bin/python benchmarks/deploy_local.py [--requests 500] [--deploys 2]
"""

import argparse
import http.client
import json
import os
import statistics
import time

from jupyter_harness import AUTH, running_jupyter

API = "/mlflow-workspace/api"


def call(conn, method, path, body=None, headers=None, expect=200):
    start = time.perf_counter()
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    raw = response.read()
    elapsed = (time.perf_counter() - start) * 1000
    if response.status != expect:
        raise RuntimeError(f"{method} {path}: {response.status} {raw[:500]!r}")
    return elapsed, raw


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def log_model(tracking_uri):
    os.environ["MLFLOW_TRACKING_URI"] = tracking_uri
    import mlflow
    import sklearn
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import LinearRegression

    X, y = load_diabetes(return_X_y=True, as_frame=True)
    model = LinearRegression().fit(X, y)
    mlflow.set_experiment("deploy-benchmark")
    with mlflow.start_run():
        info = mlflow.sklearn.log_model(
            model, name="model", input_example=X.head(5),
            pip_requirements=[f"scikit-learn=={sklearn.__version__}"],
        )  # fmt: skip
    del os.environ["MLFLOW_TRACKING_URI"]
    return info.model_uri, X


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--deploys", type=int, default=2)
    args = parser.parse_args()
    auth = AUTH
    json_headers = {**auth, "Content-Type": "application/json"}
    with running_jupyter("mlflow-ws-deploy-bench-", timeout=600) as (_tmp, jconn):
        _, raw = call(jconn, "POST", f"{API}/local/start", body="{}", headers=auth)
        tracking_uri = json.loads(raw)["url"]
        model_uri, X = log_model(tracking_uri)

        print(f"deploy benchmark: {model_uri} from the local workspace, {os.cpu_count()} CPUs")
        deployment = None
        for index in range(args.deploys):
            body = json.dumps({"target": "local", "model_uri": model_uri, "workspace": "local"})
            elapsed, raw = call(
                jconn, "POST", f"{API}/deployments", body=body, headers=json_headers
            )
            current = json.loads(raw)
            print(f"deploy {index + 1}: 'Deploy now' → healthy {elapsed / 1000:.1f} s "
                  f"(pre-flight {current['preflight']['seconds']:.1f} s)")  # fmt: skip
            if deployment is not None:
                call(jconn, "DELETE", f"{API}/deployments/{deployment['id']}", headers=auth)
            deployment = current

        payload = json.dumps(
            {"dataframe_split": json.loads(X.head(1).to_json(orient="split", index=False))}
        )
        direct_conn = http.client.HTTPConnection("127.0.0.1", deployment["port"], timeout=60)
        route = f"{API}/deployments/{deployment['id']}/invocations"
        ctype = {"Content-Type": "application/json"}
        for _ in range(30):  # warm both paths
            call(direct_conn, "POST", "/invocations", body=payload, headers=ctype)
            call(jconn, "POST", route, body=payload, headers=json_headers)
        direct, through = [], []
        for _ in range(args.requests):
            direct.append(call(direct_conn, "POST", "/invocations", body=payload, headers=ctype)[0])
            through.append(call(jconn, "POST", route, body=payload, headers=json_headers)[0])
        print(f"{args.requests} interleaved keep-alive POST /invocations (1-row dataframe_split)")
        print(f"{'path':<12}{'p50 ms':>10}{'p99 ms':>10}{'mean ms':>10}")
        for name, values in (("direct", direct), ("extension", through)):
            print(f"{name:<12}{pct(values, 50):>10.2f}{pct(values, 99):>10.2f}"
                  f"{statistics.mean(values):>10.2f}")  # fmt: skip
        print(f"{'overhead':<12}{pct(through, 50) - pct(direct, 50):>10.2f}"
              f"{pct(through, 99) - pct(direct, 99):>10.2f}")  # fmt: skip
        call(jconn, "DELETE", f"{API}/deployments/{deployment['id']}", headers=auth)


if __name__ == "__main__":
    main()
