"""The baseline profile: what drift is measured against, computed once from the training data.

Per feature, no raw rows: numeric features keep count, nulls, non-finite values, min, max, mean,
standard deviation and 101 quantiles (0 %, 1 %, … 100 %); categorical ones (strings, booleans,
numbers with at most 5 distinct values) keep the counts of their ``TOP_K`` most frequent values
and one "other" count. The model's predictions on the same rows get a profile of their own.

It runs in the kernel (``log_baseline`` logs it as a run artifact) with numpy alone, and is read
back by the Jupyter server, which checks it like any file a user can write (``check_profile``).
"""

from __future__ import annotations

import math
import numbers
from collections import Counter

import numpy as np

FORMAT = "jupyterlab-mlflow-workspace/baseline-profile@1"
ARTIFACT = "monitoring/baseline_profile.json"
QUANTILES = np.linspace(0.0, 1.0, 101)
TOP_K = 100
CATEGORICAL_MAX_DISTINCT = 5  # numbers with this few distinct values are categories
MAX_FEATURES = 2000
MISSING = "(missing)"


def columns_of(data) -> dict[str, list]:
    """{column name: values} of a pandas DataFrame/Series, a numpy array, a dict of columns or a
    list of row dicts; plain arrays name their columns by position ("0", "1", …) as the
    scoring protocol's ``inputs`` do."""
    if hasattr(data, "to_dict") and hasattr(data, "columns"):  # pandas DataFrame
        return {str(name): data[name].tolist() for name in data.columns}
    if hasattr(data, "to_list") and hasattr(data, "name"):  # pandas Series
        return {str(data.name if data.name is not None else "0"): data.to_list()}
    if isinstance(data, dict):
        return {str(k): list(v) for k, v in data.items()}
    if isinstance(data, list) and data and all(isinstance(row, dict) for row in data):
        names = list(dict.fromkeys(str(k) for row in data for k in row))
        return {name: [row.get(name) for row in data] for name in names}
    array = np.asarray(data, dtype=object)
    if array.ndim == 1:
        array = array.reshape(-1, 1)
    if array.ndim != 2:
        raise ValueError("pass a DataFrame, a 2-D array, a dict of columns or a list of rows")
    return {str(i): array[:, i].tolist() for i in range(array.shape[1])}


def is_null(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def profile_column(values: list) -> dict:
    present = [v for v in values if not is_null(v)]
    nulls = len(values) - len(present)
    numeric = bool(present) and all(is_number(v) for v in present)
    if numeric:
        array = np.asarray(present, dtype=float)
        finite = array[np.isfinite(array)]
        if finite.size and np.unique(finite).size > CATEGORICAL_MAX_DISTINCT:
            return {
                "kind": "numeric",
                "count": int(finite.size),
                "nulls": nulls,
                "nonfinite": int(array.size - finite.size),
                "min": float(finite.min()),
                "max": float(finite.max()),
                "mean": float(finite.mean()),
                "std": float(finite.std()),
                "quantiles": [float(q) for q in np.quantile(finite, QUANTILES)],
            }
    counts = Counter(category(v) for v in present)
    top = dict(counts.most_common(TOP_K))
    return {
        "kind": "categorical",
        "count": len(present),
        "nulls": nulls,
        "counts": top,
        "other": len(present) - sum(top.values()),
    }


def category(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 1.0 and 1 are one category, as JSON would have them
    return str(value)


def profile(data, predictions=None) -> dict:
    columns = columns_of(data)
    if len(columns) > MAX_FEATURES:
        raise ValueError(f"at most {MAX_FEATURES} features are profiled")
    rows = max((len(v) for v in columns.values()), default=0)
    out = {
        "format": FORMAT,
        "rows": rows,
        "features": {name: profile_column(values) for name, values in columns.items()},
    }
    if predictions is not None:
        flat = np.asarray(predictions, dtype=object)
        if flat.ndim > 1 and flat.shape[1] == 1:
            flat = flat[:, 0]
        if flat.ndim == 1:  # one output per row; several outputs are not profiled (yet)
            out["prediction"] = profile_column(flat.tolist())
    return out


def check_profile(value) -> dict:
    """The profile, if it is one this version reads; ValueError with the reason otherwise."""
    if not isinstance(value, dict) or value.get("format") != FORMAT:
        raise ValueError(f"not a baseline profile ({FORMAT})")
    features = value.get("features")
    if not isinstance(features, dict) or not 0 < len(features) <= MAX_FEATURES:
        raise ValueError("the profile has no features")
    for name, feature in [*features.items(), ("prediction", value.get("prediction"))]:
        if feature is None and name == "prediction":
            continue
        if not isinstance(feature, dict) or feature.get("kind") not in ("numeric", "categorical"):
            raise ValueError(f"feature {name!r} is not profiled")
        if feature["kind"] == "numeric":
            quantiles = feature.get("quantiles")
            if not isinstance(quantiles, list) or len(quantiles) != len(QUANTILES):
                raise ValueError(f"feature {name!r} has no quantiles")
            if not all(is_number(q) and math.isfinite(q) for q in quantiles):
                raise ValueError(f"feature {name!r} has quantiles that are not numbers")
            for key in ("count", "min", "max", "std"):
                if not is_number(feature.get(key)):
                    raise ValueError(f"feature {name!r} has no {key}")
        elif not isinstance(feature.get("counts"), dict):
            raise ValueError(f"feature {name!r} has no category counts")
    return value
