"""Redaction for log lines shown in the panel: no credential ever leaves the server in a log tail."""

import logging
import re

# Shapes that only ever carry a credential: an Authorization header, userinfo in a URL.
_CREDENTIAL_SHAPES = [
    (re.compile(r"(?i)(authorization:\s*)(bearer|basic|token)\s+\S+"), r"\1\2 [REDACTED]"),
    (re.compile(r"(?i)(https?://)[^/\s:@]+:[^/\s@]+@"), r"\1[REDACTED]@"),
]
# ``token=…``-like pairs: right for the logs of processes we start (MLflow's server, scoring
# servers), wrong for Jupyter's own log, whose login URL is ``…/lab?token=<jupyter token>``.
_KEY_VALUE = (
    re.compile(r"(?i)\b(password|passwd|token|secret|api[_-]?key)(\s*[=:]\s*)\S+"),
    r"\1\2[REDACTED]",
)


def redact(line: str, secrets: list[str] | None = None, *, key_values: bool = True) -> str:
    """Mask credentials in ``line``: well-known shapes plus any exact secret given.

    ``key_values=False`` leaves ``name=value`` pairs alone (Jupyter's log: its login URL must
    stay usable); the exact secrets the extension holds are masked either way.
    """
    for secret in secrets or ():
        if secret and len(secret) >= 4:
            line = line.replace(secret, "[REDACTED]")
    for pattern, replacement in _CREDENTIAL_SHAPES:
        line = pattern.sub(replacement, line)
    if key_values:
        line = _KEY_VALUE[0].sub(_KEY_VALUE[1], line)
    return line


class RedactingFilter(logging.Filter):
    """A logging filter for Jupyter's own loggers: masks the secrets the extension holds.

    ``secrets`` is called per record so that a token saved a moment ago is already masked.
    Jupyter's login URL (``?token=…``) passes untouched: the user needs it to log in, and it is
    Jupyter's credential, printed by Jupyter, not one the extension handles.
    """

    def __init__(self, secrets):
        super().__init__()
        self._secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is logged as it is
            return True
        cleaned = redact(message, self._secrets(), key_values=False)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
