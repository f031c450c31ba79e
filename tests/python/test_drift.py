"""Drift statistics: pinned to scipy's reference functions, and right on data with a known shift.

Fixed seeds throughout. A training frame of two continuous features, one with a few integer
levels and one categorical is profiled; copies of it are then sent as "traffic": unshifted
(nothing may drift), and with exactly two features shifted (exactly those two must drift), both
small (Kolmogorov–Smirnov / chi-squared) and large (normalised Wasserstein / Jensen–Shannon).
A p < 0.05 test flags about one unshifted feature in twenty by design (as Evidently's and
Azure's do); the traffic's seed is fixed, and is one where that does not happen.
"""

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.spatial.distance import jensenshannon

from jupyterlab_mlflow_workspace.monitor import drift
from jupyterlab_mlflow_workspace.monitor.profile import (
    ARTIFACT,
    QUANTILES,
    check_profile,
    profile,
)


def _training(n=20_000, seed=1):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "age": rng.normal(40, 10, n),
            "income": rng.lognormal(10, 0.5, n),
            "rooms": rng.integers(1, 5, n).astype(float),  # 4 levels: a category
            "city": rng.choice(["north", "south", "east", "west"], n, p=[0.4, 0.3, 0.2, 0.1]),
        }
    )


def _traffic(n, seed, shift=False):
    frame = _training(n, seed)
    if shift:
        frame["age"] = frame["age"] + 10  # one standard deviation
        rng = np.random.default_rng(seed + 100)
        frame["city"] = rng.choice(["north", "south", "east", "west"], n, p=[0.1, 0.2, 0.3, 0.4])
    return [{"row": row} for row in frame.to_dict(orient="records")]


@pytest.fixture(scope="module")
def baseline():
    train = _training()
    return check_profile(json.loads(json.dumps(profile(train, predictions=train["age"] * 2))))


def test_the_profile_holds_no_rows_and_names_each_features_kind(baseline):
    features = baseline["features"]
    assert {k: f["kind"] for k, f in features.items()} == {
        "age": "numeric", "income": "numeric", "rooms": "categorical", "city": "categorical",
    }  # fmt: skip
    assert len(features["age"]["quantiles"]) == len(QUANTILES) == 101
    assert features["city"]["counts"].keys() == {"north", "south", "east", "west"}
    assert features["rooms"]["counts"].keys() == {"1", "2", "3", "4"}
    assert baseline["prediction"]["kind"] == "numeric"
    assert len(json.dumps(baseline)) < 20_000  # 20,000 rows → a few kB


@pytest.mark.parametrize("size", [300, 3000])
def test_unshifted_traffic_drifts_nowhere_and_shifted_traffic_exactly_where_shifted(baseline, size):
    calm = drift.report(baseline, _traffic(size, seed=11))
    assert calm["drifted"] == [] and calm["dataset_drift"] is False
    shifted = drift.report(baseline, _traffic(size, seed=11, shift=True))
    assert shifted["drifted"] == ["age", "city"]
    assert shifted["share_drifted"] == 0.5 and shifted["dataset_drift"] is True
    methods = {f["name"]: f["method"] for f in shifted["features"]}
    if size <= drift.SMALL:
        assert methods == {"age": "ks", "income": "ks", "rooms": "chi2", "city": "chi2"}
    else:
        assert methods == {"age": "wasserstein", "income": "wasserstein",
                           "rooms": "jensenshannon", "city": "jensenshannon"}  # fmt: skip


def test_wasserstein_from_quantiles_matches_scipy_on_the_raw_data():
    rng = np.random.default_rng(3)
    for a, b in [
        (rng.normal(0, 1, 50_000), rng.normal(0.3, 1, 50_000)),
        (rng.lognormal(0, 0.7, 50_000), rng.lognormal(0.2, 0.7, 50_000)),
        (rng.uniform(0, 1, 50_000), rng.uniform(0, 1, 50_000)),
    ]:
        ours = drift.wasserstein_from_quantiles(
            np.quantile(a, QUANTILES), np.quantile(b, QUANTILES)
        )
        reference = stats.wasserstein_distance(a, b)
        # 101 quantiles: a heavy tail beyond the 1st and 99th percentiles is joined linearly.
        assert ours == pytest.approx(reference, rel=0.1, abs=0.005)


def test_ks_against_quantiles_matches_scipys_two_sample_test():
    rng = np.random.default_rng(4)
    base = rng.normal(0, 1, 20_000)
    quantiles = np.quantile(base, QUANTILES)
    for shift, drifts in ((0.0, False), (0.4, True)):
        current = rng.normal(shift, 1, 400)
        statistic, p_value = drift.ks_against_quantiles(quantiles, base.size, current)
        reference = stats.ks_2samp(base, current, method="asymp")
        assert statistic == pytest.approx(reference.statistic, abs=0.02)
        assert bool(p_value < 0.05) is bool(reference.pvalue < 0.05) is drifts
        assert p_value == pytest.approx(reference.pvalue, abs=0.05)


def test_categorical_statistics_are_scipys_own_on_the_same_counts(baseline):
    sample = _traffic(300, seed=9, shift=True)
    result = next(f for f in drift.report(baseline, sample)["features"] if f["name"] == "city")
    labels = list(baseline["features"]["city"]["counts"])
    base = [baseline["features"]["city"]["counts"][k] for k in labels]
    now = [sum(1 for s in sample if s["row"]["city"] == k) for k in labels]
    reference = stats.chi2_contingency([base, now], correction=False)
    assert result["statistic"] == pytest.approx(reference.statistic, abs=1e-5)
    assert result["p_value"] == pytest.approx(reference.pvalue, rel=1e-9, abs=1e-300)

    big = _traffic(3000, seed=9, shift=True)
    result = next(f for f in drift.report(baseline, big)["features"] if f["name"] == "city")
    now = np.array([sum(1 for s in big if s["row"]["city"] == k) for k in labels], dtype=float)
    base = np.array(base, dtype=float)
    reference = jensenshannon(base / base.sum(), now / now.sum(), base=2)
    assert result["statistic"] == pytest.approx(reference, abs=1e-6)


def test_bad_values_are_quality_not_crashes(baseline):
    rows = [{"row": dict(r["row"])} for r in _traffic(100, seed=5)]
    rows[0]["row"]["age"] = float("nan")
    rows[1]["row"]["age"] = None
    rows[2]["row"]["age"] = "forty"
    rows[3]["row"]["age"] = 1e12
    rows[4]["row"]["age"] = float("inf")
    rows[5]["row"]["city"] = "atlantis"
    del rows[6]["row"]["income"]
    rows[7]["row"]["surprise"] = 1
    result = drift.report(baseline, rows)
    by_name = {f["name"]: f for f in result["features"]}
    age = by_name["age"]
    assert age["null_rate"] == pytest.approx(2 / 100)
    assert (age["type_errors"], age["nonfinite"], age["out_of_range"]) == (1, 1, 1)
    assert by_name["city"]["unseen"] == 1 and by_name["income"]["missing"] == 1
    assert result["extra_columns"] == ["surprise"]
    assert json.dumps(result, allow_nan=False)  # the answer is plain JSON


def test_too_few_rows_is_said_not_guessed(baseline):
    result = drift.report(baseline, _traffic(10, seed=6, shift=True))
    assert {f["status"] for f in result["features"]} == {"insufficient data"}
    assert result["drifted"] == [] and result["dataset_drift"] is None


def test_a_constant_category_and_an_empty_window_do_not_break(baseline):
    rows = [{"row": {"age": 40.0, "income": 20000.0, "rooms": 1.0, "city": "north"}}] * 50
    result = drift.report(baseline, rows)
    assert all(f["drifted"] is not None for f in result["features"])
    assert drift.report(baseline, [])["rows"] == 0


def test_log_baseline_round_trips_through_a_real_tracking_server(mlflow_server, capsys):
    import mlflow

    from jupyterlab_mlflow_workspace import log_baseline

    train = _training(2000)
    client = mlflow.MlflowClient(tracking_uri=mlflow_server.url)
    experiment = client.create_experiment(f"baseline-{np.random.default_rng().integers(1e9)}")
    run = client.create_run(experiment)
    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(mlflow_server.url)
    try:
        logged = log_baseline(train, predictions=np.asarray(train["age"]), run_id=run.info.run_id)
        path = mlflow.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path=ARTIFACT)
    finally:
        mlflow.set_tracking_uri(previous)
    with open(path) as handle:
        assert check_profile(json.load(handle)) == json.loads(json.dumps(logged))
    assert "Baseline profile of 2000 rows logged" in capsys.readouterr().out
    with pytest.raises(RuntimeError, match="needs a run"):
        log_baseline(train)


def test_values_rounded_by_the_client_are_not_drift():
    """Clients round: pandas' to_json keeps 10 digits. A feature with ties (a few levels held
    by many rows, like the diabetes data's standardised columns) and numbers used as
    categories, sent back rounded, must not drift; nor must the unrounded copy."""
    rng = np.random.default_rng(12)
    levels = rng.normal(0, 0.05, 8)
    train = pd.DataFrame(
        {
            "tied": rng.choice(levels, 5000),
            "sex": rng.choice([0.0506801187398187, -0.044641636506989], 5000),
        }
    )
    base = check_profile(json.loads(json.dumps(profile(train))))
    assert base["features"]["sex"]["kind"] == "categorical"
    current = train.sample(400, random_state=3)
    for digits in (None, 10):
        sent = json.loads(current.to_json(orient="records", double_precision=digits or 15))
        result = drift.report(base, [{"row": row} for row in sent])
        by_name = {f["name"]: f for f in result["features"]}
        assert result["drifted"] == [], (digits, by_name)
        assert by_name["sex"]["unseen"] == 0 and by_name["tied"]["out_of_range"] == 0


def test_quality_against_the_signature_needs_no_baseline():
    from mlflow.models import infer_signature

    from jupyterlab_mlflow_workspace.monitor.quality import signature_quality

    frame = pd.DataFrame({"age": [40.0, 50.0], "city": ["north", "south"], "rooms": [1, 2]})
    signature = json.loads(json.dumps(infer_signature(frame, [1.0, 2.0]).to_dict()))
    rows = [
        {"age": 41.0, "city": "east", "rooms": 3},
        {"age": "forty", "city": None, "rooms": 2.5},  # wrong type, null, a fraction in a long
        {"city": "west", "rooms": 1, "colour": "red"},  # age missing, an extra column
        {"age": float("nan"), "city": 7, "rooms": True},  # null, wrong type, a bool is no long
    ]
    quality = signature_quality(signature, [{"row": r} for r in rows])
    by_name = {c["name"]: c for c in quality["columns"]}
    assert {k: (c["missing"], c["nulls"], c["type_errors"]) for k, c in by_name.items()} == {
        "age": (1, 1, 1), "city": (0, 1, 1), "rooms": (0, 0, 2),
    }  # fmt: skip
    assert quality["extra_columns"] == ["colour"] and quality["problems"] == 5
    # A tensor signature names no columns: nothing is judged.
    assert signature_quality({"inputs": '[{"type": "tensor", "tensor-spec": {}}]'}, []) is None
