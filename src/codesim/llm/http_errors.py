"""Mapping HTTP failures of any client library onto TransientError / PermanentError."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping

from codesim.llm.base import CannotConnect, PermanentError, TransientError

RETRYABLE_STATUS = frozenset({408, 409, 429}) | frozenset(range(500, 600))


def retry_after_seconds(headers: Mapping[str, str] | None) -> float | None:
    """Seconds asked for by `Retry-After` (delta or HTTP date) or `retry-after-ms`, if any."""
    if not headers:
        return None
    lowered = {k.lower(): v for k, v in headers.items()}
    if (ms := lowered.get("retry-after-ms")) is not None:
        try:
            return float(ms) / 1000.0
        except ValueError:
            pass
    value = lowered.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


def status_error(status: int, message: str, headers: Mapping[str, str] | None = None) -> Exception:
    """The right exception for an HTTP error status."""
    cause = f"HTTP {status}: {message}"
    if status in RETRYABLE_STATUS:
        return TransientError(cause, retry_after_seconds(headers))
    return PermanentError(cause, status)


def no_answer_error(err: BaseException, url: object) -> TransientError:
    """The TransientError for a request that got no HTTP answer. A refused or unresolvable
    connection is named as such with its OS error, whatever the client library calls it (the
    `openai` client's aiohttp transport reports a refused connection as a timeout)."""
    root = err
    while (inner := root.__cause__ or root.__context__) is not None:
        root = inner
    if isinstance(root, OSError) and not isinstance(root, TimeoutError):
        return CannotConnect(f"cannot connect to {url}: {root}")
    return TransientError(f"{type(err).__name__}: {err}")
