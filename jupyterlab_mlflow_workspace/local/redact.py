"""Redaction for log lines shown in the panel: no credential ever leaves the server in a log tail."""

import logging
import re

_PATTERNS = [
    (re.compile(r"(?i)(authorization:\s*)(bearer|basic|token)\s+\S+"), r"\1\2 [REDACTED]"),
    (
        re.compile(r"(?i)\b(password|passwd|token|secret|api[_-]?key)(\s*[=:]\s*)\S+"),
        r"\1\2[REDACTED]",
    ),
    (re.compile(r"(?i)(https?://)[^/\s:@]+:[^/\s@]+@"), r"\1[REDACTED]@"),
]


def redact(line: str, secrets: list[str] | None = None) -> str:
    """Mask credentials in ``line``: well-known shapes plus any exact secret given."""
    for secret in secrets or ():
        if secret and len(secret) >= 4:
            line = line.replace(secret, "[REDACTED]")
    for pattern, replacement in _PATTERNS:
        line = pattern.sub(replacement, line)
    return line


class RedactingFilter(logging.Filter):
    """A logging filter that masks credentials in every record of the loggers it is added to.

    ``secrets`` is called per record so that a token saved a moment ago is already masked.
    """

    def __init__(self, secrets):
        super().__init__()
        self._secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is logged as it is
            return True
        cleaned = redact(message, self._secrets())
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
