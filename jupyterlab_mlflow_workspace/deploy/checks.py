"""Pure checks of a deploy request and readers of the pre-flight's and the server's output."""

import re

from ..errors import UserError

MAX_URI = 4096
MAX_NAME = 100
# A line of a traceback or a server log that names the failure.
_CAUSE = re.compile(r"^\s*(?:[A-Za-z_][\w.]*(?:Error|Exception|Exit)\b:?.*|ERROR:\s+\S.*)$")


def verdict(answer: dict) -> dict:
    """Complete a pre-flight answer with ``ok`` and one message in plain words."""
    result = {
        "python": None, "python_version": None, "mlflow_version": None, "flavors": [],
        "loader_module": None, "missing": [], "mismatched": [], "warnings": [], "error": None,
        "signature": None, "input_example": None, **answer,
    }  # fmt: skip
    missing = [str(m) for m in result["missing"]]
    if result["error"]:
        message = result["error"]
        if missing:
            message += f"; missing: {', '.join(missing)}"
    elif missing:
        message = (
            f"The interpreter {result['python']} cannot serve this model; missing: "
            f"{', '.join(missing)}. Install them in the kernel's environment (%pip install …) "
            "and deploy again."
        )
    else:
        message = ""
    result["ok"] = not result["error"] and not missing
    result["message"] = message
    return result


def check_uri(model_uri) -> str:
    if not isinstance(model_uri, str) or not model_uri.strip():
        raise UserError("A model URI is required", status=400, reason="bad_model_uri")
    model_uri = model_uri.strip()
    if (
        len(model_uri) > MAX_URI
        or model_uri.startswith("-")
        or any(ord(c) < 32 or ord(c) == 127 for c in model_uri)
    ):
        raise UserError(
            "This is not a model URI (runs:/…, models:/… or a path)",
            status=400,
            reason="bad_model_uri",
        )
    return model_uri


def check_name(name, model_uri: str) -> str:
    if name is None or name == "":
        return model_uri.rstrip("/").rsplit("/", 1)[-1][:MAX_NAME] or "model"
    if not isinstance(name, str) or len(name) > MAX_NAME or any(ord(c) < 32 for c in name):
        raise UserError(
            f"The name must be text of at most {MAX_NAME} characters",
            status=400,
            reason="bad_name",
        )
    return name.strip() or "model"


def check_port(port):
    if port is None:
        return None
    if isinstance(port, bool) or not isinstance(port, int) or not 1024 <= port <= 65535:
        raise UserError(
            "The port must be a number from 1024 to 65535", status=400, reason="bad_port"
        )
    return port


def last_attempt(lines: list[str]) -> list[str]:
    """The log lines of the most recent start (the supervisor marks each one)."""
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].startswith("[supervisor]") and " starting " in lines[index]:
            return lines[index + 1 :]
    return lines


def cause_of(lines: list[str]) -> str:
    """The last line that names an exception or an error, for the message."""
    for line in reversed(lines):
        if _CAUSE.match(line) and not line.lstrip().startswith("Traceback"):
            return line.strip()[:500]
    return ""
