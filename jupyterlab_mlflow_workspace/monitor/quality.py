"""Data quality of the sampled rows against the model's signature (no baseline needed).

The signature the deploy pre-flight read (``signature.to_dict()``: column names, types and
whether each is required) says what the model expects; each sampled row is checked against it:
columns missing, nulls, values of another type, and columns the model does not know. Tensor
signatures (no column names) are not checked. Pure Python: it runs with Jupyter alone.
"""

from __future__ import annotations

import json
import math
import numbers

_NUMERIC = {"double", "float", "long", "integer"}
_INTEGER = {"long", "integer"}


def signature_columns(signature) -> list[dict] | None:
    """[{name, type, required}] of a column-based signature, else None."""
    if not isinstance(signature, dict):
        return None
    inputs = signature.get("inputs")
    if isinstance(inputs, str):
        try:
            inputs = json.loads(inputs)
        except ValueError:
            return None
    if not isinstance(inputs, list) or not inputs:
        return None
    columns = []
    for spec in inputs:
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
            return None  # a tensor signature: nothing to check by column
        columns.append(
            {
                "name": spec["name"],
                "type": str(spec.get("type", "")),
                "required": spec.get("required", True) is not False,
            }  # fmt: skip
        )
    return columns


def _wrong_type(kind: str, value) -> bool:
    if kind in _NUMERIC:
        if not isinstance(value, numbers.Real) or isinstance(value, bool):
            return True
        return kind in _INTEGER and isinstance(value, float) and not value.is_integer()
    if kind == "string":
        return not isinstance(value, str)
    if kind == "boolean":
        return not isinstance(value, bool)
    return False  # binary, datetime, objects: their JSON forms vary; not judged here


def signature_quality(signature, samples: list[dict]) -> dict | None:
    columns = signature_columns(signature)
    if columns is None:
        return None
    rows = [s["row"] for s in samples if isinstance(s.get("row"), dict)]
    names = {c["name"] for c in columns}
    out = []
    for column in columns:
        name, kind = column["name"], column["type"]
        missing = nulls = wrong = 0
        for row in rows:
            if name not in row:
                missing += 1
                continue
            value = row[name]
            if value is None or (isinstance(value, float) and math.isnan(value)):
                nulls += 1
            elif _wrong_type(kind, value):
                wrong += 1
        out.append({"name": name, "type": kind, "required": column["required"],
                    "missing": missing, "nulls": nulls, "type_errors": wrong})  # fmt: skip
    extra = sorted({k for row in rows for k in row} - names)
    problems = sum(c["missing"] + c["type_errors"] for c in out if c["required"])
    return {"rows": len(rows), "columns": out, "extra_columns": extra[:50],
            "problems": problems}  # fmt: skip
