"""Where codesim keeps its state on disk."""

from __future__ import annotations

import os
from pathlib import Path


def codesim_home() -> Path:
    """`$CODESIM_HOME`, else `~/.cache/codesim`."""
    env = os.environ.get("CODESIM_HOME")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "codesim"
