"""Drift and data quality of a local web service's sampled rows against the baseline profile.

The method follows the feature's kind and the sample size (monitoring.md §8.3, Evidently's rule
switched on the smaller of baseline and window, Azure's thresholds):

- numeric, ≤ 1,000 rows on the smaller side: two-sample Kolmogorov–Smirnov, drift when p < 0.05.
  The baseline's CDF is its 101 quantiles joined linearly; p is scipy's ``kstwo`` survival
  function at the effective size n·m/(n+m), as ``ks_2samp`` does in its asymptotic mode.
- numeric, larger: Wasserstein-1 distance between the two quantile functions, divided by the
  baseline's standard deviation (floored at 0.001; Azure's normalised Wasserstein), drift ≥ 0.1.
- categorical, ≤ 1,000: Pearson's chi-squared on the 2 × k table (scipy), drift when p < 0.05.
- categorical, larger: Jensen–Shannon distance, base 2 (0 … 1; scipy), drift ≥ 0.1.

Nulls are left out of the tests and counted as their own quality figure; values the baseline
never saw (out of its range, unseen categories, wrong types, missing columns) are quality too.
Fewer than ``MIN_ROWS`` rows: "insufficient data", never a drift. Runs off the event loop.
"""

from __future__ import annotations

import contextlib
import math
from collections import Counter

import numpy as np
from scipy import stats
from scipy.spatial.distance import jensenshannon

from .profile import QUANTILES, category, is_null, is_number

SMALL = 1000
_trapezoid = getattr(np, "trapezoid", None) or np.trapz  # numpy 2 renamed it
MIN_ROWS = 30
P_VALUE = 0.05
DISTANCE = 0.1
DATASET_SHARE = 0.5
_ABSENT = object()

METHODS = {
    "ks": f"Kolmogorov–Smirnov, drift when p < {P_VALUE}",
    "wasserstein": f"Wasserstein distance / baseline std, drift when ≥ {DISTANCE}",
    "chi2": f"chi-squared, drift when p < {P_VALUE}",
    "jensenshannon": f"Jensen–Shannon distance (base 2), drift when ≥ {DISTANCE}",
}


def report(baseline: dict, samples: list[dict]) -> dict:
    rows = [s["row"] for s in samples if isinstance(s.get("row"), dict)]
    names = list(baseline["features"])
    features = [
        feature_drift(name, spec, [row.get(name, _ABSENT) for row in rows])
        for name, spec in baseline["features"].items()
    ]
    prediction = None
    if baseline.get("prediction") and any("prediction" in s for s in samples):
        values = [s["prediction"] for s in samples if "prediction" in s]
        prediction = feature_drift("prediction", baseline["prediction"], values)
    tested = [f for f in features if f["drifted"] is not None]
    drifted = [f["name"] for f in tested if f["drifted"]]
    extra = sorted({k for row in rows for k in row} - set(names))
    share = len(drifted) / len(tested) if tested else None
    return {
        "rows": len(rows),
        "features": features,
        "prediction": prediction,
        "drifted": drifted,
        "share_drifted": None if share is None else round(share, 6),
        "dataset_drift": None if share is None else share >= DATASET_SHARE,
        "dataset_rule": f"drift when at least {DATASET_SHARE:.0%} of the tested features drift",
        "extra_columns": extra[:50],
        "methods": METHODS,
        "min_rows": MIN_ROWS,
    }


def feature_drift(name: str, spec: dict, values: list) -> dict:
    # Counting and conversion run in C (list.count, numpy, Counter): 100,000 rows × 20
    # features in well under a second; a Python loop per value is only the fallback.
    missing = values.count(_ABSENT)
    present = [v for v in values if v is not _ABSENT] if missing else values
    out = {
        "name": name,
        "kind": spec["kind"],
        "rows": len(values),
        "missing": missing,
        "null_rate": None,
        "baseline_null_rate": _rate(spec["nulls"], spec["nulls"] + spec["count"]),
        "method": None,
        "statistic": None,
        "p_value": None,
        "threshold": None,
        "drifted": None,
        "status": "insufficient data",
    }
    if spec["kind"] == "numeric":
        nulls = _numeric(out, spec, present)
    else:
        nulls = _categorical(out, spec, present)
    out["null_rate"] = round(nulls / len(present), 6) if present else None
    return out


def _as_floats(values: list) -> tuple[np.ndarray, int, int]:
    """(finite-or-not floats, nulls, type errors); None and NaN are nulls."""
    try:
        array = np.asarray(values, dtype=float)  # None becomes NaN
        if array.ndim != 1:
            raise ValueError("not one value per row")
        nan = np.isnan(array)
        return array[~nan], int(nan.sum()), 0
    except (ValueError, TypeError):
        nulls = sum(1 for v in values if is_null(v))
        numbers = [float(v) for v in values if is_number(v) and not is_null(v)]
        return np.asarray(numbers, dtype=float), nulls, len(values) - nulls - len(numbers)


def _numeric(out: dict, spec: dict, values: list) -> int:
    array, nulls, out["type_errors"] = _as_floats(values)
    quantiles = np.maximum.accumulate(np.asarray(spec["quantiles"], dtype=float))
    finite = snap(array[np.isfinite(array)], quantiles)
    out["nonfinite"] = int(array.size - finite.size)
    out["out_of_range"] = int(((finite < spec["min"]) | (finite > spec["max"])).sum())
    out["current"] = {"count": int(finite.size)}
    if finite.size:
        out["current"].update(
            {
                "min": float(finite.min()),
                "max": float(finite.max()),
                "mean": float(finite.mean()),
                "quantiles": _q(finite),
            }  # fmt: skip
        )
    out["baseline"] = {k: spec[k] for k in ("count", "min", "max", "mean", "quantiles")}
    if finite.size < MIN_ROWS:
        return nulls
    if min(spec["count"], finite.size) <= SMALL:
        statistic, p_value = ks_against_quantiles(quantiles, spec["count"], finite)
        out.update(method="ks", statistic=statistic, p_value=p_value, threshold=P_VALUE,
                   drifted=bool(p_value < P_VALUE))  # fmt: skip
    else:
        distance = wasserstein_from_quantiles(quantiles, np.quantile(finite, QUANTILES))
        scaled = distance / max(float(spec["std"]), 0.001)
        out.update(method="wasserstein", statistic=round(scaled, 6), threshold=DISTANCE,
                   drifted=bool(scaled >= DISTANCE))  # fmt: skip
    out["status"] = "drift" if out["drifted"] else "no drift"
    return nulls


def snap(values: np.ndarray, points: np.ndarray, rel: float = 1e-7) -> np.ndarray:
    """Values within ``rel`` of a baseline point become that point. Clients round (pandas'
    ``to_json`` keeps 10 digits): a value the baseline holds many times (a tie, a jump of its
    CDF) sent back rounded would land beside the jump and look like drift."""
    if not values.size or not points.size:
        return values
    at = np.clip(np.searchsorted(points, values), 1, points.size - 1)
    left, right = points[at - 1], points[at]
    nearest = np.where(np.abs(values - left) <= np.abs(right - values), left, right)
    if points.size == 1:
        nearest = np.full_like(values, points[0])
    close = np.abs(values - nearest) <= rel * np.maximum(np.abs(nearest), 1e-12)
    return np.where(close, nearest, values)


def _known_number(value: str, numbers: dict[str, float]) -> str | None:
    """The baseline category a rounded number stands for (categories of numbers only)."""
    try:
        number = float(value)
    except ValueError:
        return None
    for name, known in numbers.items():
        if math.isclose(number, known, rel_tol=1e-7, abs_tol=1e-12):
            return name
    return None


def _counts(values: list) -> tuple[Counter, int]:
    """({category: count}, nulls), categories named as the profile names them."""
    try:
        raw = Counter(values)
    except TypeError:  # lists or dicts in a cell: compared by their text
        raw = Counter(v if is_null(v) else str(v) for v in values)
    counts: Counter = Counter()
    nulls = 0
    for value, count in raw.items():
        if is_null(value):
            nulls += count
        else:
            counts[category(value)] += count
    return counts, nulls


def _categorical(out: dict, spec: dict, values: list) -> int:
    known = {str(k): int(v) for k, v in spec["counts"].items()}
    other = int(spec.get("other") or 0)
    seen, nulls = _counts(values)
    numbers = {}
    for name in known:
        with contextlib.suppress(ValueError):
            numbers[name] = float(name)
    if numbers:  # numbers as categories: a rounded one is still the same category
        for value in [v for v in seen if v not in known]:
            name = _known_number(value, numbers)
            if name is not None:
                seen[name] += seen.pop(value)
    total = sum(seen.values())
    unseen = sum(c for k, c in seen.items() if k not in known)
    current: dict[str, int] = {}
    for value, count in seen.items():
        key = value if value in known or not other else "(other)"
        current[key] = current.get(key, 0) + count
    out["unseen"] = unseen
    out["unseen_rate"] = _rate(unseen, total)
    out["baseline"] = {"counts": known, "other": other}
    out["current"] = {"counts": dict(sorted(current.items(), key=lambda kv: -kv[1])[:100])}
    if total < MIN_ROWS:
        return nulls
    labels = list(known) + (["(other)"] if other else [])
    labels += sorted(k for k in current if k not in known and k != "(other)")
    base = np.array([known.get(k, other if k == "(other)" else 0) for k in labels], dtype=float)
    now = np.array([current.get(k, 0) for k in labels], dtype=float)
    if min(base.sum(), now.sum()) <= SMALL:
        keep = (base + now) > 0
        if keep.sum() < 2:  # one category on both sides: nothing can have moved
            statistic, p_value = 0.0, 1.0
        else:
            result = stats.chi2_contingency(np.vstack([base[keep], now[keep]]), correction=False)
            statistic, p_value = float(result.statistic), float(result.pvalue)
        out.update(method="chi2", statistic=round(statistic, 6), p_value=p_value,
                   threshold=P_VALUE, drifted=bool(p_value < P_VALUE))  # fmt: skip
    else:
        distance = float(jensenshannon(base / base.sum(), now / now.sum(), base=2))
        distance = 0.0 if math.isnan(distance) else distance
        out.update(method="jensenshannon", statistic=round(distance, 6), threshold=DISTANCE,
                   drifted=bool(distance >= DISTANCE))  # fmt: skip
    out["status"] = "drift" if out["drifted"] else "no drift"
    return nulls


def ks_against_quantiles(quantiles: np.ndarray, n_baseline: int, current: np.ndarray):
    """(D, p): the largest gap between the baseline's CDF (from its quantiles) and the
    current sample's empirical CDF, on both sides of every jump of either."""
    current = np.sort(current)
    points = np.union1d(current, quantiles)
    at, below = _cdf_from_quantiles(quantiles, points)
    current_at = np.searchsorted(current, points, side="right") / current.size
    current_below = np.searchsorted(current, points, side="left") / current.size
    statistic = float(max(np.abs(current_at - at).max(), np.abs(current_below - below).max()))
    n = n_baseline * current.size / (n_baseline + current.size)
    p_value = float(stats.kstwo.sf(statistic, max(1, round(n))))
    return round(statistic, 6), p_value


def _cdf_from_quantiles(quantiles: np.ndarray, points: np.ndarray):
    """(F(x), F(x−)) of the baseline at ``points``. Between its quantiles F is joined linearly;
    at a value the quantiles hold (a tie: many rows share it, as discrete data does) F jumps:
    F(x−) lies in [p_first − 1 %, p_first) and F(x) in [p_last, p_last + 1 %), taken mid-way."""
    at = np.interp(points, quantiles, QUANTILES, left=0.0, right=1.0)
    below = at.copy()
    first = np.searchsorted(quantiles, points, side="left")
    last = np.searchsorted(quantiles, points, side="right") - 1
    exact = first < last  # held by two quantiles or more: a tie; one alone is a smooth point
    half = (QUANTILES[1] - QUANTILES[0]) / 2
    top = QUANTILES.size - 1
    at[exact] = np.where(last[exact] >= top, 1.0, QUANTILES[last[exact]] + half)
    below[exact] = np.where(first[exact] <= 0, 0.0, QUANTILES[np.clip(first[exact], 0, top)] - half)
    return at, below


def wasserstein_from_quantiles(a: np.ndarray, b: np.ndarray) -> float:
    """W1 = ∫₀¹ |Qa(u) − Qb(u)| du, from both quantile functions on the same grid."""
    gap = np.abs(np.asarray(a, dtype=float) - np.asarray(b, dtype=float))
    return float(_trapezoid(gap, QUANTILES))


def _q(values: np.ndarray) -> list[float]:
    return [float(q) for q in np.quantile(values, QUANTILES)]


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 6) if whole else None
