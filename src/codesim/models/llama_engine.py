"""A GGUF chat model loaded by llama.cpp: chat template, context sizing, prefix reuse."""

from __future__ import annotations

import logging
import secrets
import threading
from pathlib import Path
from typing import Any

from llama_cpp import Llama, StoppingCriteriaList
from llama_cpp.llama_chat_format import Jinja2ChatFormatter

from codesim.llm.base import ChatParams, Message, PermanentError, Usage
from codesim.models.kv_states import KVStateStore

log = logging.getLogger(__name__)

MIN_CONTEXT = 4096


def context_size_for(needed: int, current: int, limit: int) -> int:
    """The context to allocate for `needed` tokens: the current one if it fits, else the
    smallest power of two >= needed (at least MIN_CONTEXT), never above the model's `limit`."""
    if needed <= current:
        return current
    size = MIN_CONTEXT
    while size < needed:
        size *= 2
    return min(size, limit)


def sampling_seed(params: ChatParams) -> int:
    """The request's seed (`ChatModel` already makes it distinct per sample index), or a
    fresh random one (llama-cpp-python would otherwise chain seeds from a fixed default, so
    every new process would repeat the same "random" samples)."""
    if params.seed is None:
        return secrets.randbits(32)
    return params.seed % (1 << 32)


class LlamaEngine:
    """One loaded model, reused across calls; synchronous and not thread-safe.

    Before each call it resumes from the saved KV state sharing the longest prefix with the
    prompt, so only the new suffix is evaluated; after each call it saves the state."""

    def __init__(self, model_path: Path, threads: int, state_cache_bytes: int) -> None:
        self.model_path = model_path
        self.threads = threads
        self.state_cache_bytes = state_cache_bytes
        self._llama: Llama | None = None
        self._formatter: Jinja2ChatFormatter | None = None
        self._states = KVStateStore(state_cache_bytes)
        self._train_context = 0
        self.last_reused_tokens = 0  # prompt tokens the last call did not have to evaluate

    @property
    def context_size(self) -> int:
        """The allocated context in tokens (0 before the model is loaded)."""
        return self._llama.n_ctx() if self._llama is not None else 0

    def complete(
        self, messages: list[Message], params: ChatParams, cancelled: threading.Event | None = None
    ) -> tuple[str, Usage]:
        """Format `messages` with the model's chat template and generate an answer; setting
        `cancelled` (from any thread) ends the generation at its next token."""
        stop_when = cancelled or threading.Event()
        prompt = self.prompt_tokens(messages)
        if len(prompt) + 1 > self._train_context:
            raise PermanentError(
                f"the prompt has {len(prompt)} tokens but {self.model_path.name} holds at most "
                f"{self._train_context} (prompt plus answer); shorten the prompt"
            )
        llama = self._with_context(len(prompt) + params.max_tokens)
        self.last_reused_tokens = self._states.restore_longest_prefix(llama, prompt)
        result = llama.create_completion(
            prompt=prompt,
            max_tokens=min(params.max_tokens, llama.n_ctx() - len(prompt)),
            temperature=params.temperature,
            top_p=1.0 if params.top_p is None else params.top_p,
            seed=sampling_seed(params),
            stop=list(params.stop) or None,
            stopping_criteria=StoppingCriteriaList([lambda _tokens, _logits: stop_when.is_set()]),
        )
        self._states.save(llama)
        assert isinstance(result, dict)  # not a stream: no `stream=True` above
        usage = result["usage"]
        log.debug("prompt of %d tokens, %d reused", usage["prompt_tokens"], self.last_reused_tokens)
        text = result["choices"][0]["text"]
        return text, Usage(prompt_tokens=usage["prompt_tokens"], completion_tokens=usage["completion_tokens"])

    def prompt_tokens(self, messages: list[Message]) -> list[int]:
        """The token ids of `messages` rendered by the model's own chat template."""
        llama = self._loaded()
        assert self._formatter is not None
        turns: list[Any] = [{"role": m.role, "content": m.content} for m in messages]
        rendered = self._formatter(messages=turns)
        return llama.tokenize(rendered.prompt.encode("utf-8"), add_bos=not rendered.added_special, special=True)

    def _loaded(self) -> Llama:
        if self._llama is None:
            self._load(MIN_CONTEXT)
        assert self._llama is not None
        return self._llama

    def _with_context(self, needed: int) -> Llama:
        llama = self._loaded()
        size = context_size_for(needed, llama.n_ctx(), self._train_context)
        if size != llama.n_ctx():
            log.info("growing the context of %s to %d tokens", self.model_path.name, size)
            self._load(size)
        return self._loaded()

    def _load(self, context: int) -> None:
        self.close()
        try:
            llama = Llama(
                model_path=str(self.model_path),
                n_ctx=context,
                n_threads=self.threads,
                n_threads_batch=self.threads,
                verbose=False,
            )
        except ValueError as err:
            raise PermanentError(f"cannot load {self.model_path} as a GGUF model ({err})") from err
        template = llama.metadata.get("tokenizer.chat_template")
        if not template:
            llama.close()
            raise PermanentError(f"{self.model_path.name} has no chat template in its GGUF metadata")
        self._formatter = Jinja2ChatFormatter(
            template=template,
            eos_token=_token_text(llama, llama.token_eos()),
            bos_token=_token_text(llama, llama.token_bos()),
            stop_token_ids=[llama.token_eos()],
        )
        architecture = llama.metadata.get("general.architecture", "")
        self._train_context = int(llama.metadata.get(f"{architecture}.context_length", context))
        self._llama = llama

    def close(self) -> None:
        """Free the model and its saved states (they only fit the context they came from)."""
        if self._llama is not None:
            self._llama.close()
            self._llama = None
        self._states = KVStateStore(self.state_cache_bytes)


def _token_text(llama: Llama, token: int) -> str:
    return "" if token < 0 else llama.detokenize([token], special=True).decode("utf-8", errors="replace")
