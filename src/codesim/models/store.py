"""Where pulled models live: `$CODESIM_HOME/models/<file>.gguf`."""

from __future__ import annotations

from pathlib import Path

from codesim.models.registry import KnownModel
from codesim.paths import codesim_home


def models_dir() -> Path:
    """The directory holding pulled models."""
    return codesim_home() / "models"


def model_file(model: KnownModel) -> Path:
    """Where `model` lives once pulled."""
    return models_dir() / model.filename


def is_pulled(model: KnownModel) -> bool:
    """True when the model's file is in place with its pinned size (the pull verified its
    checksum before moving it there; a partial download never has the final name)."""
    path = model_file(model)
    return path.is_file() and path.stat().st_size == model.size
