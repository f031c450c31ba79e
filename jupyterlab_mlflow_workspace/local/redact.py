"""Redaction: no credential the extension handles ever leaves the server in a log line.

Two uses with different rules:

- ``redact(line)`` for the logs of processes the extension starts (MLflow's server, scoring
  servers), shown in the panel: besides the exact secrets, any ``token=…``-like pair is masked,
  since we cannot know what such a process prints.
- ``RedactingFilter`` on Jupyter's own loggers: only the secrets the extension holds and shapes
  that only ever carry a credential. Jupyter's login URL (``…/lab?token=<Jupyter's token>``) is
  Jupyter's credential, printed on purpose for the user: masking it leaves a URL that cannot
  log in (issue 12), so ``name=value`` pairs are left alone there and Jupyter's token is kept.
"""

import logging
import re
from collections.abc import Callable, Iterable

MASK = "[REDACTED]"

# Shapes that only ever carry a credential: an Authorization header, userinfo in a URL.
_CREDENTIAL_SHAPES = [
    (re.compile(r"(?i)(authorization:\s*)(bearer|basic|token)\s+\S+"), rf"\1\2 {MASK}"),
    (re.compile(r"(?i)(https?://)[^/\s:@]+:[^/\s@]+@"), rf"\1{MASK}@"),
]
# ``password=…``-like pairs: right for a child process's output, wrong for Jupyter's log.
_KEY_VALUE = (
    re.compile(r"(?i)\b(password|passwd|token|secret|api[_-]?key)(\s*[=:]\s*)\S+"),
    rf"\1\2{MASK}",
)
# Shorter secrets would mask common words (and pieces of URLs) everywhere.
_MIN_SECRET = 4


def redact(
    line: str,
    secrets: Iterable[str] | None = None,
    *,
    key_values: bool = True,
    keep: Iterable[str] = (),
) -> str:
    """Mask credentials in ``line``: the exact ``secrets`` given plus well-known shapes.

    ``key_values=False`` leaves ``name=value`` pairs alone. Every occurrence of a string in
    ``keep`` passes untouched, even if a secret or a shape would match inside it.
    """
    kept = sorted({k for k in keep if k}, key=len, reverse=True)
    if not kept:
        return _redact_piece(line, secrets, key_values)
    secrets = list(secrets or ())
    # Split around the kept strings (the capture group keeps them in the result list).
    pieces = re.split("(" + "|".join(map(re.escape, kept)) + ")", line)
    return "".join(
        piece if i % 2 else _redact_piece(piece, secrets, key_values)
        for i, piece in enumerate(pieces)
    )


def _redact_piece(line: str, secrets: Iterable[str] | None, key_values: bool) -> str:
    # Longest first: a secret that contains another is masked whole.
    for secret in sorted(secrets or (), key=len, reverse=True):
        if secret and len(secret) >= _MIN_SECRET:
            line = line.replace(secret, MASK)
    for pattern, replacement in _CREDENTIAL_SHAPES:
        line = pattern.sub(replacement, line)
    if key_values:
        line = _KEY_VALUE[0].sub(_KEY_VALUE[1], line)
    return line


class RedactingFilter(logging.Filter):
    """A filter for Jupyter's loggers: masks the secrets the extension holds, in every record.

    ``secrets`` is called per record so that a token saved a moment ago is already masked;
    ``keep`` (also per record) returns Jupyter's own token, which passes untouched so the login
    URL Jupyter prints stays usable.
    """

    def __init__(
        self,
        secrets: Callable[[], Iterable[str]],
        keep: Callable[[], Iterable[str]] = tuple,
    ):
        super().__init__()
        self._secrets = secrets
        self._keep = keep

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is logged as it is
            return True
        cleaned = redact(message, self._secrets(), key_values=False, keep=self._keep())
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
