"""A persistent response cache in SQLite (WAL mode), safe across tasks and processes."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from dataclasses import asdict
from pathlib import Path

from codesim.llm.base import ChatParams, ChatResult, Message, Usage
from codesim.paths import codesim_home


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
    SQLite's WAL and busy timeout make several processes safe on one file."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path else default_cache_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, timeout=60, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS responses ("
            "key TEXT PRIMARY KEY, text TEXT NOT NULL, usage TEXT NOT NULL, created REAL NOT NULL)"
        )

    def get(self, key: str) -> ChatResult | None:
        """The cached answer for `key`, marked `cached=True`, or None."""
        with self._lock:
            row = self._db.execute("SELECT text, usage FROM responses WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        return ChatResult(text=row[0], usage=Usage(**json.loads(row[1])), cached=True)

    def put(self, key: str, result: ChatResult) -> None:
        """Store an answer (the first writer of a key wins)."""
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO responses (key, text, usage, created) VALUES (?, ?, ?, ?)",
                (key, result.text, json.dumps(asdict(result.usage)), time.time()),
            )

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM responses").fetchone()[0]

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._db.close()
