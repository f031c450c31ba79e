"""What a local web service was asked and answered: requests, and a bounded sample of rows.

One ``ServiceMonitor`` per deployment, fed by the owner gate's tap (so every caller is seen:
Call endpoint, a kernel, ``curl``). Each request is kept as a small record (time, latency,
status, sizes, and the body of an error); inputs and predictions of successful ``/invocations``
calls are sampled: at most ``rows_per_window`` rows per ``window_seconds`` and ``rows_total``
in all (the oldest go first). Both are appended to JSON-lines files (0600) in the deployment's
own folder, written in batches off the request path, and removed with the deployment.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import time
from collections import deque
from dataclasses import dataclass

from .tap import Exchange

ERROR_BODY = 2000  # characters of an error body kept
SAMPLE_BODY_LIMIT = 1024 * 1024  # larger bodies are counted, not sampled


@dataclass(frozen=True)
class Limits:
    rows_per_window: int = 1000
    window_seconds: float = 60.0
    rows_total: int = 20_000
    requests_kept: int = 100_000


class ServiceMonitor:
    def __init__(self, folder: str, limits: Limits | None = None):
        self.folder = folder
        self.limits = limits or Limits()
        os.makedirs(folder, mode=0o700, exist_ok=True)
        self.requests: deque[dict] = deque(maxlen=self.limits.requests_kept)
        self.samples: deque[dict] = deque(maxlen=self.limits.rows_total)
        self._window = (0.0, 0)  # (start, rows sampled in it)
        self.baseline: dict | None = None
        self._unsaved: dict[str, list[str]] = {"requests": [], "samples": []}
        self._load()

    # --- fed by the tap (on Jupyter's event loop: kept cheap) ----------------------------------

    def record(self, exchange: Exchange) -> None:
        entry = {
            "t": round(time.time(), 3),
            "ms": round(exchange.latency_ms, 3),
            "method": exchange.method,
            "path": exchange.path,
            "status": exchange.status,
            "in": exchange.request.size,
            "out": exchange.response.size,
        }
        if exchange.status >= 400:
            entry["error"] = bytes(exchange.response.body[:ERROR_BODY]).decode("utf-8", "replace")
        self.requests.append(entry)
        self._unsaved["requests"].append(json.dumps(entry))
        if (
            exchange.method == "POST"
            and exchange.path.split("?", 1)[0] == "/invocations"
            and exchange.status == 200
            and not exchange.request.truncated
            and not exchange.response.truncated
            and len(exchange.request.body) <= SAMPLE_BODY_LIMIT
        ):
            self._sample(entry["t"], exchange)

    def _sample(self, now: float, exchange: Exchange) -> None:
        start, taken = self._window
        if now - start >= self.limits.window_seconds:
            start, taken = now, 0
        room = self.limits.rows_per_window - taken
        if room <= 0:
            self._window = (start, taken)
            return
        try:
            rows = rows_of(json.loads(exchange.request.body))
            predictions = predictions_of(json.loads(exchange.response.body))
        except (ValueError, TypeError, AttributeError):
            return  # not a payload we can read as rows: counted above, not sampled
        if predictions is not None and len(predictions) != len(rows):
            predictions = None
        for index, row in enumerate(rows[:room]):
            item = {"t": now, "row": row}
            if predictions is not None:
                item["prediction"] = predictions[index]
            self.samples.append(item)
            self._unsaved["samples"].append(json.dumps(item, default=_plain))
        self._window = (start, taken + min(room, len(rows)))

    # --- persistence -------------------------------------------------------------------------

    def flush(self) -> None:
        for name, lines in self._unsaved.items():
            if not lines:
                continue
            path = os.path.join(self.folder, f"{name}.jsonl")
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as handle:
                handle.write("\n".join(lines) + "\n")
            lines.clear()

    def set_baseline(self, profile: dict) -> None:
        path = os.path.join(self.folder, "baseline.json")
        fd = os.open(path + ".tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(profile, handle)
        os.replace(path + ".tmp", path)
        self.baseline = profile

    def _load(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            with open(os.path.join(self.folder, "baseline.json"), encoding="utf-8") as handle:
                self.baseline = json.load(handle)
        for name, into in (("requests", self.requests), ("samples", self.samples)):
            path = os.path.join(self.folder, f"{name}.jsonl")
            with contextlib.suppress(OSError):
                with open(path, encoding="utf-8") as handle:
                    for line in handle:
                        with contextlib.suppress(ValueError):
                            into.append(json.loads(line))

    def remove(self) -> None:
        self._unsaved = {"requests": [], "samples": []}
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- what the Monitor view shows -----------------------------------------------------------

    def summary(self, window: float, buckets: int = 60) -> dict:
        """Traffic, latency and errors of the last ``window`` seconds, whole and in buckets."""
        now = time.time()
        since = now - window
        recent = [r for r in self.requests if r["t"] >= since]
        width = window / buckets
        series = []
        grouped: list[list[dict]] = [[] for _ in range(buckets)]
        for entry in recent:
            grouped[min(buckets - 1, int((entry["t"] - since) / width))].append(entry)
        for index, group in enumerate(grouped):
            point = {"t": round(since + (index + 1) * width, 3), "requests": len(group),
                     "errors": sum(1 for r in group if r["status"] >= 400)}  # fmt: skip
            point.update(_percentiles([r["ms"] for r in group]))
            series.append(point)
        errors = [r for r in recent if r["status"] >= 400]
        return {
            "window_s": window,
            "bucket_s": width,
            "requests": len(recent),
            "per_minute": round(len(recent) / (window / 60.0), 3),
            "errors": len(errors),
            "error_rate": round(len(errors) / len(recent), 6) if recent else 0.0,
            "latency_ms": _percentiles([r["ms"] for r in recent]),
            "bytes_in": sum(r["in"] for r in recent),
            "bytes_out": sum(r["out"] for r in recent),
            "series": series,
            "last_errors": [
                {k: r.get(k) for k in ("t", "status", "path", "error")} for r in errors[-10:]
            ][::-1],
            "sampled_rows": sum(1 for s in self.samples if s["t"] >= since),
            "limits": {
                "rows_per_window": self.limits.rows_per_window,
                "window_seconds": self.limits.window_seconds,
                "rows_total": self.limits.rows_total,
            },  # fmt: skip
        }

    def sampled(self, window: float) -> list[dict]:
        since = time.time() - window
        return [s for s in self.samples if s["t"] >= since]


def _percentiles(values: list[float]) -> dict:
    """p50/p95/p99 with linear interpolation (numpy's default), without needing numpy here:
    the server part loads in environments that have only Jupyter."""
    if not values:
        return {"p50": None, "p95": None, "p99": None}
    ordered = sorted(values)
    out = {}
    for name, q in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99)):
        at = q * (len(ordered) - 1)
        low = int(at)
        high = min(low + 1, len(ordered) - 1)
        out[name] = round(ordered[low] + (ordered[high] - ordered[low]) * (at - low), 3)
    return out


def _plain(value):
    return None if isinstance(value, float) and not math.isfinite(value) else str(value)


def rows_of(payload) -> list[dict]:
    """The rows of an MLflow scoring request, as {column: value} (positions name columns of
    plain arrays). Raises ValueError for what is not one of MLflow's input formats."""
    if not isinstance(payload, dict):
        raise ValueError("not a JSON object")
    if "dataframe_split" in payload:
        split = payload["dataframe_split"]
        columns = split.get("columns") or [str(i) for i in range(len(split["data"][0]))]
        return [dict(zip(map(str, columns), row, strict=False)) for row in split["data"]]
    if "dataframe_records" in payload:
        return [{str(k): v for k, v in row.items()} for row in payload["dataframe_records"]]
    data = payload.get("inputs", payload.get("instances"))
    if isinstance(data, dict):  # {column: [values]}
        columns = [str(c) for c in data]
        values = [v if isinstance(v, list) else [v] for v in data.values()]
        return [dict(zip(columns, row, strict=False)) for row in zip(*values, strict=False)]
    if isinstance(data, list):
        if all(isinstance(row, dict) for row in data):
            return [{str(k): v for k, v in row.items()} for row in data]
        return [
            {str(i): v for i, v in enumerate(row)} if isinstance(row, list) else {"0": row}
            for row in data
        ]
    raise ValueError("no dataframe_split, dataframe_records, inputs or instances")


def predictions_of(answer) -> list | None:
    if isinstance(answer, dict):
        answer = answer.get("predictions")
    if isinstance(answer, dict):  # {output: [values]}: one row per position
        columns = list(answer)
        values = [v if isinstance(v, list) else [v] for v in answer.values()]
        return [dict(zip(columns, row, strict=False)) for row in zip(*values, strict=False)]
    return answer if isinstance(answer, list) else None
