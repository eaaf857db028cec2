"""Helpers for the local-model tests: fake chunk wheels for a pip `--find-links` directory."""

from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path

from codesim.models.registry import ChunkPackage, KnownModel, chunk_series


def write_chunk_wheel(index_dir: Path, chunk: ChunkPackage, part: int, data: bytes) -> Path:
    """A wheel shaped like the real chunk packages: `<pkg>/data/partNN.bin` plus metadata."""
    package = chunk.name.replace("-", "_")
    dist_info = f"{package}-{chunk.version}.dist-info"
    files = {
        f"{package}/__init__.py": b"",
        f"{package}/data/part{part:02d}.bin": data,
        f"{dist_info}/METADATA": f"Metadata-Version: 2.1\nName: {chunk.name}\nVersion: {chunk.version}\n".encode(),
        f"{dist_info}/WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: codesim-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }
    record = "".join(f"{name},sha256={_record_hash(body)},{len(body)}\n" for name, body in files.items())
    files[f"{dist_info}/RECORD"] = (record + f"{dist_info}/RECORD,,\n").encode()
    path = index_dir / f"{package}-{chunk.version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, body in files.items():
            archive.writestr(name, body)
    return path


def _record_hash(body: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(body).digest()).rstrip(b"=").decode()


def fake_model(parts: list[bytes], prefix: str = "codesim-fake-chunk-part", sha256: str | None = None) -> KnownModel:
    """A registry entry for a model made of `parts`, pinned to their real checksum unless
    `sha256` overrides it."""
    whole = b"".join(parts)
    return KnownModel(
        name="fake-model",
        description="test model",
        filename="fake-model.gguf",
        sha256=sha256 or hashlib.sha256(whole).hexdigest(),
        size=len(whole),
        chunks=chunk_series(prefix, len(parts), "1.0.0"),
        hf_repo="example/fake",
    )


def publish(index_dir: Path, model: KnownModel, parts: list[bytes], skip: tuple[int, ...] = ()) -> None:
    """Write the wheels of `model` into `index_dir`, leaving out the 1-based parts in `skip`."""
    for number, (chunk, data) in enumerate(zip(model.chunks, parts, strict=True), start=1):
        if number not in skip:
            write_chunk_wheel(index_dir, chunk, number, data)
