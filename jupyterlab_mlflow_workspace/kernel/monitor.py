"""``log_baseline``: one line in the training cell, and drift has something to compare with.

    from jupyterlab_mlflow_workspace import log_baseline
    log_baseline(X_train, predictions=model.predict(X_train))

It profiles the training rows (monitor/profile.py: per-feature quantiles or category counts,
null counts, min/max; no raw rows) and logs the profile as the artifact
``monitoring/baseline_profile.json`` of the active run (or ``run_id``). When a model of that run
is deployed as a local web service, the Monitor view finds it and measures drift against it.
"""

from __future__ import annotations


def log_baseline(data, predictions=None, run_id: str | None = None) -> dict:
    """Profile ``data`` (a DataFrame, 2-D array, dict of columns or list of rows) and, if given,
    the model's ``predictions`` on it; log the profile to the run; return it."""
    import mlflow

    from ..monitor.profile import ARTIFACT, profile

    summary = profile(data, predictions=predictions)
    if run_id is None and mlflow.active_run() is None:
        raise RuntimeError(
            "log_baseline needs a run: call it inside `with mlflow.start_run():` (where the "
            "model is logged), or pass run_id="
        )
    if run_id is None:
        mlflow.log_dict(summary, ARTIFACT)
    else:
        mlflow.MlflowClient().log_dict(run_id, summary, ARTIFACT)
    kinds = [f["kind"] for f in summary["features"].values()]
    print(
        f"Baseline profile of {summary['rows']} rows logged to the run ({kinds.count('numeric')} "
        f"numeric, {kinds.count('categorical')} categorical features"
        + (", predictions" if "prediction" in summary else "")
        + f"): {ARTIFACT}"
    )
    return summary
