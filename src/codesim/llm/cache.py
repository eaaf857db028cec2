"""A persistent response cache in SQLite (WAL mode), safe across tasks and processes."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TypeVar

from codesim.llm.base import ChatParams, ChatResult, Message, Usage
from codesim.paths import codesim_home

log = logging.getLogger("codesim.llm")
T = TypeVar("T")
SQLITE_CORRUPT = 11
SQLITE_NOTADB = 26


def cache_enabled_by_env() -> bool:
    """False when `CODESIM_CACHE` is set to 0/off/false/no."""
    return os.environ.get("CODESIM_CACHE", "1").strip().lower() not in {"0", "off", "false", "no"}


def default_cache_path() -> Path:
    """`$CODESIM_HOME/cache.sqlite3`."""
    return codesim_home() / "cache.sqlite3"


def cache_key(provider: str, base_url: str | None, messages: list[Message], params: ChatParams) -> str:
    """Hash of everything that determines an answer, the sample index included."""
    payload = {
        "provider": provider,
        "base_url": base_url or "",
        "messages": [[m.role, m.content] for m in messages],
        "params": params.as_dict(),
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class ResponseCache:
    """Key -> (answer text, original usage). One connection per instance, guarded by a lock;
    SQLite's WAL and busy timeout make several processes safe on one file.

    Storage faults never stop a run: a corrupt database file is set aside (renamed with a
    timestamp) and a new one started; a cache that cannot be opened or written (full or
    unwritable `CODESIM_HOME`) is turned off for the rest of the process. Each logs one warning.
    """

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path else default_cache_path()
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self.disabled_reason: str | None = None
        with self._lock:
            self._run(lambda db: None)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=60, check_same_thread=False, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS responses ("
                "key TEXT PRIMARY KEY, text TEXT NOT NULL, usage TEXT NOT NULL, created REAL NOT NULL)"
            )
        except BaseException:
            db.close()
            raise
        return db

    def _run(self, operation: Callable[[sqlite3.Connection], T]) -> T | None:
        """``operation`` on the open database (opened on first use); None once the cache is off.
        Holds no lock itself: callers hold ``self._lock``."""
        for _ in range(2):  # a second try on the fresh file after a corrupt one was set aside
            if self.disabled_reason is not None:
                return None
            try:
                if self._db is None:
                    self._db = self._connect()
                return operation(self._db)
            except sqlite3.DatabaseError as err:
                if not _is_corrupt(err):
                    self._disable(err)
                    return None
                self._set_aside(err)
            except OSError as err:
                self._disable(err)
                return None
        self._disable(RuntimeError("the new cache file is corrupt too"))
        return None

    def _close_db(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    def _set_aside(self, err: sqlite3.DatabaseError) -> None:
        self._close_db()
        stamp = time.strftime("%Y%m%dT%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        for number in range(2, 1000):
            if not aside.exists():
                break
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{number}")
        try:
            self.path.rename(aside)
            for suffix in ("-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    Path(f"{self.path}{suffix}").rename(f"{aside}{suffix}")
        except OSError as rename_err:
            self._disable(rename_err)
            return
        log.warning(
            "codesim: the response cache %s was corrupt (%s); moved it to %s and started a new one",
            self.path,
            err,
            aside.name,
        )

    def _disable(self, err: BaseException) -> None:
        self._close_db()
        self.disabled_reason = f"{err}"
        log.warning("codesim: cannot use the response cache %s (%s); going on without it", self.path, err)

    def get(self, key: str) -> ChatResult | None:
        """The cached answer for `key`, marked `cached=True`, or None."""
        with self._lock:
            row = self._run(lambda db: db.execute("SELECT text, usage FROM responses WHERE key = ?", (key,)).fetchone())
        if row is None:
            return None
        return ChatResult(text=row[0], usage=Usage(**json.loads(row[1])), cached=True)

    def put(self, key: str, result: ChatResult) -> None:
        """Store an answer (the first writer of a key wins)."""
        row = (key, result.text, json.dumps(asdict(result.usage)), time.time())
        with self._lock:
            self._run(
                lambda db: db.execute(
                    "INSERT OR IGNORE INTO responses (key, text, usage, created) VALUES (?, ?, ?, ?)", row
                )
            )

    def __len__(self) -> int:
        with self._lock:
            return self._run(lambda db: db.execute("SELECT COUNT(*) FROM responses").fetchone()[0]) or 0

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._close_db()


def _is_corrupt(err: sqlite3.DatabaseError) -> bool:
    """Whether SQLite says the file is damaged or not a database (not full, locked or read-only)."""
    code = getattr(err, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB)
    return any(words in str(err) for words in ("malformed", "not a database"))
