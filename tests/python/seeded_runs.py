"""Seed an MLflow tracking database with many runs through MLflow's own store API.

Used by the run-browser tests (a few hundred runs) and by ``benchmarks/runs_browser.py`` (10,000
runs x 20 metrics x 20 params). Writing through ``SqlAlchemyStore`` is what a real tracking server
does with the same data, minus one HTTP request per batch, so seeding 10,000 runs takes seconds
instead of minutes. The server keeps running on the same SQLite file while it is seeded.
"""

from __future__ import annotations

import dataclasses
import random
import time

# The tag MLflow puts on the child runs of a sweep (mlflow.utils.mlflow_tags.MLFLOW_PARENT_RUN_ID).
PARENT_TAG = "mlflow.parentRunId"
MODELS = ("ridge", "lasso", "forest", "boost")


@dataclasses.dataclass
class Seeded:
    experiment_id: str
    run_ids: list[str]
    parent_id: str | None
    child_ids: list[str]
    # What each run logged, for assertions: run id -> {"params": {...}, "metrics": {...}}.
    logged: dict[str, dict[str, dict]]


def seed_runs(
    db_uri: str,
    artifact_root: str,
    name: str,
    *,
    runs: int,
    metrics: int = 3,
    params: int = 3,
    steps: int = 3,
    sweep_children: int = 0,
    seed: int = 6,
) -> Seeded:
    """Create experiment ``name`` with ``runs`` finished runs (``sweep_children`` of them children
    of one extra parent run). Run ``i`` logs ``params`` params (``model`` in MODELS, ``lr``, then
    ``p2``...), ``metrics`` metric series of ``steps`` steps (``loss`` decreasing to its final
    value, ``accuracy``, then ``m2``...), and the tag ``i``.
    """
    from mlflow.entities import Metric, Param, RunStatus, RunTag
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    store = SqlAlchemyStore(db_uri, artifact_root)
    experiment_id = store.create_experiment(name)
    now = int(time.time() * 1000) - runs * 1000
    parent_id = None
    if sweep_children:
        parent = store.create_run(
            experiment_id, "seed", now - 1000, [RunTag("mlflow.runName", "sweep-parent")],
            "sweep-parent",
        )  # fmt: skip
        parent_id = parent.info.run_id
        store.update_run_info(parent_id, RunStatus.FINISHED, now, None)
    run_ids: list[str] = []
    child_ids: list[str] = []
    logged: dict[str, dict[str, dict]] = {}
    for i in range(runs):
        start = now + i * 1000
        is_child = i < sweep_children
        tags = [RunTag("i", str(i)), RunTag("mlflow.runName", f"run-{i:05d}")]
        if is_child:
            tags.append(RunTag(PARENT_TAG, parent_id))
        run = store.create_run(experiment_id, "seed", start, tags, f"run-{i:05d}")
        run_id = run.info.run_id
        values = {"model": MODELS[i % len(MODELS)], "lr": f"{rng.choice([0.001, 0.01, 0.1])}"}
        for p in range(2, params):
            values[f"p{p}"] = str(rng.randint(0, 9))
        values = dict(list(values.items())[:params])
        final = {"loss": round(rng.uniform(0.05, 1.0), 6), "accuracy": round(rng.random(), 6)}
        for m in range(2, metrics):
            final[f"m{m}"] = round(rng.gauss(0, 1), 6)
        final = dict(list(final.items())[:metrics])
        series = [
            Metric(key, value * (1 + (steps - 1 - step) * 0.5), start + step, step)
            for key, value in final.items()
            for step in range(steps)
        ]
        # log_batch limits: 1000 metrics, 100 params per call.
        param_list = [Param(k, v) for k, v in values.items()]
        for offset in range(0, max(len(series), len(param_list), 1), 1000):
            store.log_batch(
                run_id,
                metrics=series[offset : offset + 1000],
                params=param_list[offset : offset + 100] if offset == 0 else [],
                tags=[],
            )
        for offset in range(100, len(param_list), 100):
            store.log_batch(run_id, metrics=[], params=param_list[offset : offset + 100], tags=[])
        store.update_run_info(run_id, RunStatus.FINISHED, start + 500 + i, None)
        run_ids.append(run_id)
        if is_child:
            child_ids.append(run_id)
        logged[run_id] = {"params": values, "metrics": final}
    store.engine.dispose()
    return Seeded(experiment_id, run_ids, parent_id, child_ids, logged)
