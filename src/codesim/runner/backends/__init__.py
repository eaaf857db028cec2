"""Where task samples are solved: a backend turns a work item into its results line.

- `local` (default): this process's event loop and sandbox; Ray is never imported.
- `ray`: Ray actors across a cluster, each with its own model client and sandbox
  (`ray_cluster`); needs the optional extra `codesim[ray]`.

Whatever the backend, this process (the driver) writes results.jsonl and summary.json, so
resuming works the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol

from codesim.errors import UsageError
from codesim.llm.chat import ChatModel
from codesim.llm.factory import ModelConfig
from codesim.runner.engine import SampleProducer
from codesim.runner.meter import UsageMeter
from codesim.strategies.base import Strategy


class Backend(Protocol):
    """Builds the sample producer of one invocation."""

    def producer(self, meter: UsageMeter, on_usage: Callable[[], None]) -> SampleProducer:
        """A producer accounting model usage in `meter` (calling `on_usage` after changes)."""
        ...


@dataclass(frozen=True)
class BackendOptions:
    """How a backend is asked to run: samples in flight, and where the Ray cluster is."""

    concurrency: int = 4
    ray_address: str | None = None
    ray_workers: int | None = None
    hide_paths: tuple[str, ...] = ()  # directories candidates must not see (the data with hidden tests)


def _open_local(
    strategy: Strategy, model: ModelConfig | ChatModel, options: BackendOptions
) -> AbstractAsyncContextManager[Backend]:
    from codesim.runner.backends.local import open_local_backend

    return open_local_backend(strategy, model, options.hide_paths)


def _open_ray(
    strategy: Strategy, model: ModelConfig | ChatModel, options: BackendOptions
) -> AbstractAsyncContextManager[Backend]:
    if not isinstance(model, ModelConfig):
        raise UsageError(
            "the ray backend builds a model in each worker: give the model as a name or a ModelConfig, not an object"
        )
    try:
        import ray  # noqa: F401 (only checking that it is installed)
    except ImportError:
        raise UsageError(
            "{backend} ray needs Ray, which is not installed: pip install 'codesim[ray]' (or: pip install 'ray>=2.9')",
            settings=("backend",),
        ) from None
    from codesim.runner.backends.ray_cluster import open_ray_backend

    return open_ray_backend(strategy, model, options)


_OPENERS = {"local": _open_local, "ray": _open_ray}
BACKEND_NAMES: tuple[str, ...] = tuple(_OPENERS)


def open_backend(
    name: str, strategy: Strategy, model: ModelConfig | ChatModel, options: BackendOptions
) -> AbstractAsyncContextManager[Backend]:
    """The backend `name`, as an async context manager that releases it at the end (a model
    given as a ChatModel stays open)."""
    opener = _OPENERS.get(name)
    if opener is None:
        raise UsageError(f"unknown backend '{name}'; choose one of: {', '.join(BACKEND_NAMES)}")
    return opener(strategy, model, options)
