"""Writing a file so that readers see the old content or the new, never half of it."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any


def _new_file_mode() -> int:
    """The mode `open()` gives a new file: 0o666 less the process umask (read from /proc where
    it can be, since setting the umask to read it is not thread-safe)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def write_text_atomically(path: Path, text: str) -> None:
    """Write `text` (UTF-8) to a temporary file beside `path`, fsync it, then rename it over
    `path`; the temporary file is removed on any failure. The file gets the mode a plain
    `open()` would give it (mkstemp's is 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, _new_file_mode())
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json_atomically(path: Path, data: Any, *, default: Callable[[Any], Any] | None = None) -> None:
    """`data` as indented UTF-8 JSON (`default` as for `json.dumps`), written atomically."""
    write_text_atomically(path, json.dumps(data, indent=2, ensure_ascii=False, default=default) + "\n")


def write_jsonl_atomically(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    """`rows` as UTF-8 JSON lines, written atomically."""
    write_text_atomically(path, "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
