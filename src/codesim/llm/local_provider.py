"""The `local` provider: a GGUF chat model run in-process by llama.cpp (`llama-cpp-python`).

One loaded model serves every call of a run. Calls are serialised behind an asyncio lock and
run in a worker thread, so the event loop keeps running while the CPU works (the CPU is the
bottleneck: running calls side by side would only split it). A cancelled call stops llama.cpp
at its next token and waits for the worker thread before giving up the lock, so the model is
never freed under a running generation.
"""

from __future__ import annotations

import asyncio
import os
import threading
from typing import TYPE_CHECKING

import psutil

from codesim.errors import UsageError
from codesim.llm.base import ChatParams, Message, PermanentError, Provider, Usage
from codesim.llm.factory import ModelConfig, resolve_model_name

if TYPE_CHECKING:
    from codesim.models.llama_engine import LlamaEngine

THREADS_ENV = "CODESIM_LLAMA_THREADS"
STATE_CACHE_ENV = "CODESIM_LLAMA_STATE_CACHE_MB"
DEFAULT_STATE_CACHE_MB = 1024


def default_threads() -> int:
    """`$CODESIM_LLAMA_THREADS`, else the number of physical cores."""
    configured = os.environ.get(THREADS_ENV, "").strip()
    if configured:
        if not configured.isdigit() or int(configured) < 1:
            raise UsageError(f"{THREADS_ENV} must be a whole number >= 1, got {configured!r}")
        return int(configured)
    return psutil.cpu_count(logical=False) or os.cpu_count() or 1


class LocalProvider(Provider):
    """A `LlamaEngine` behind an asyncio lock; each call runs in a worker thread."""

    name = "local"

    def __init__(self, engine: LlamaEngine) -> None:
        self.engine = engine
        self.base_url = f"gguf:{engine.model_path.name}"  # part of the response-cache key
        self._lock = asyncio.Lock()

    async def complete(self, messages: list[Message], params: ChatParams) -> tuple[str, Usage | None]:
        async with self._lock:
            cancelled = threading.Event()
            call = asyncio.ensure_future(asyncio.to_thread(self.engine.complete, messages, params, cancelled))
            try:
                return await asyncio.shield(call)
            except asyncio.CancelledError:
                cancelled.set()
                await asyncio.wait({call})
                raise
            except (RuntimeError, ValueError) as err:
                raise PermanentError(f"llama.cpp failed: {err}") from err

    async def aclose(self) -> None:
        async with self._lock:
            await asyncio.to_thread(self.engine.close)


def create_local_provider(config: ModelConfig) -> Provider:
    """The local provider for `config`: `config.model_path` if set, else the pulled registry
    model `config.model` (the default model when unset). The model loads on the first call.
    `codesim.models` is imported here, not at the top: its engine imports `codesim.llm`."""
    from codesim.models.resolver import resolve_model_file

    try:
        from codesim.models.llama_engine import LlamaEngine
    except ImportError as err:
        raise UsageError(
            f"the local provider needs llama-cpp-python ({err}): pip install 'codesim[local]', "
            "or choose another {provider}",
            settings=("provider",),
        ) from err
    path = resolve_model_file(resolve_model_name(config), config.model_path, auto_pull=config.auto_pull)
    state_cache_mb = int(os.environ.get(STATE_CACHE_ENV, DEFAULT_STATE_CACHE_MB))
    return LocalProvider(LlamaEngine(path, default_threads(), state_cache_mb << 20))
