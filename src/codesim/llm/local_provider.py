"""The `local` provider: a GGUF chat model run in-process by llama.cpp (`llama-cpp-python`).

One loaded model serves every call of a run: its decode thread advances all calls in flight
together, one token each per step (`codesim.models.decode_loop`), so calls from different
tasks run side by side and the n samples of one call share one prompt evaluation. A cancelled
call ends its own sequences at the next step and waits for that, so closing the model after
Ctrl-C never frees it under a running decode.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

import psutil

from codesim.errors import UsageError
from codesim.llm.base import ChatParams, Message, PermanentError, Provider, Usage
from codesim.llm.factory import ModelConfig, resolve_model_name

if TYPE_CHECKING:
    from codesim.models.llama_engine import LlamaEngine

THREADS_ENV = "CODESIM_LLAMA_THREADS"
PARALLEL_ENV = "CODESIM_LLAMA_PARALLEL"  # sequences decoded together (and kept for reuse)
KV_TOKENS_ENV = "CODESIM_LLAMA_KV_TOKENS"  # the KV cache's size in tokens, all sequences together
PROMPT_LOOKUP_ENV = "CODESIM_LLAMA_PROMPT_LOOKUP"  # 1: speculative decoding by prompt lookup; 0 (default): off
DEFAULT_PARALLEL = 8


def _whole_number(name: str, default: int | None) -> int | None:
    """`$name` as a whole number >= 1, `default` when unset."""
    configured = os.environ.get(name, "").strip()
    if not configured:
        return default
    if not configured.isdigit() or int(configured) < 1:
        raise UsageError(f"{name} must be a whole number >= 1, got {configured!r}")
    return int(configured)


def prompt_lookup_on() -> bool:
    """`$CODESIM_LLAMA_PROMPT_LOOKUP`: 1 on, 0 or unset off."""
    configured = os.environ.get(PROMPT_LOOKUP_ENV, "").strip()
    if configured not in ("", "0", "1"):
        raise UsageError(f"{PROMPT_LOOKUP_ENV} must be 1 (prompt lookup on) or 0 (off), got {configured!r}")
    return configured == "1"


def default_threads() -> int:
    """`$CODESIM_LLAMA_THREADS`, else the number of physical cores."""
    return _whole_number(THREADS_ENV, None) or psutil.cpu_count(logical=False) or os.cpu_count() or 1


class LocalProvider(Provider):
    """A `LlamaEngine`'s requests as async calls."""

    name = "local"

    def __init__(self, engine: LlamaEngine) -> None:
        self.engine = engine
        self.base_url = f"gguf:{engine.model_path.name}"  # part of the response-cache key

    async def complete(self, messages: list[Message], params: ChatParams) -> tuple[str, Usage | None]:
        return (await self.complete_many(messages, [params]))[0]

    async def complete_many(
        self, messages: list[Message], samples: Sequence[ChatParams]
    ) -> list[tuple[str, Usage | None]]:
        """All samples decoded together from one prompt evaluation (in groups of the engine's
        `parallel`; a later group starts from the cached prompt). The prompt's tokens are
        reported once, on the first answer."""
        from codesim.models.llama_engine import usages

        try:
            prompt = await asyncio.to_thread(self.engine.prompt_tokens, messages)
        except (RuntimeError, ValueError) as err:
            raise PermanentError(f"llama.cpp failed: {err}") from err
        answers: list[tuple[str, Usage | None]] = []
        for start in range(0, len(samples), self.engine.parallel):
            request = self.engine.submit(prompt, list(samples[start : start + self.engine.parallel]))
            waiter = asyncio.wrap_future(request.future)
            try:
                done = await asyncio.shield(waiter)
            except asyncio.CancelledError:
                request.cancelled.set()
                await asyncio.wait({waiter})  # the decode thread has let go of the request
                raise
            except RuntimeError as err:
                raise PermanentError(f"llama.cpp failed: {err}") from err
            group = usages(request, done)
            if start:  # the prompt was counted on the first group's first answer
                group[0][1].prompt_tokens = 0
            answers += group
        return answers

    async def aclose(self) -> None:
        await asyncio.to_thread(self.engine.close)


def create_local_provider(config: ModelConfig) -> Provider:
    """The local provider for `config`: `config.model_path` if set, else the pulled registry
    model `config.model` (the default model when unset). The model loads on the first call.
    `codesim.models` is imported here, not at the top: its engine imports `codesim.llm`."""
    from codesim.models.prompt_lookup import LookupSettings
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
    parallel = _whole_number(PARALLEL_ENV, DEFAULT_PARALLEL) or DEFAULT_PARALLEL
    lookup = LookupSettings() if prompt_lookup_on() else None
    engine = LlamaEngine(path, default_threads(), parallel, _whole_number(KV_TOKENS_ENV, None), prompt_lookup=lookup)
    return LocalProvider(engine)
