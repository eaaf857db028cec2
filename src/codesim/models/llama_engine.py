"""A GGUF chat model loaded by llama.cpp's low-level API: chat template, KV cache sizing, and
the decode loop that answers every request in flight (see `decode_loop`)."""

from __future__ import annotations

import logging
import secrets
import threading
from pathlib import Path
from typing import Any

import llama_cpp
from llama_cpp._internals import LlamaModel
from llama_cpp.llama_chat_format import Jinja2ChatFormatter

from codesim.llm.base import ChatParams, Message, PermanentError, Usage
from codesim.models.decode_loop import Answer, DecodeLoop, DecodeRequest
from codesim.models.kv_slots import SlotTable
from codesim.models.prompt_lookup import LookupSettings
from codesim.models.sampling import SampleSpec

log = logging.getLogger(__name__)

CONTEXT_PER_SEQUENCE = 4096  # the default KV cache holds this many tokens per sequence
N_BATCH = 512  # tokens per decode step (prompt chunks plus one per generating sequence)
logging.getLogger("llama-cpp-python").setLevel(logging.ERROR)  # llama.cpp's own log lines


def sampling_seed(params: ChatParams) -> int:
    """The request's seed (`ChatModel` already makes it distinct per sample index), or a
    fresh random one, so that unseeded samples differ between processes."""
    if params.seed is None:
        return secrets.randbits(32)
    return params.seed % (1 << 32)


def kv_bytes_per_token(model: LlamaModel) -> int:
    """The bytes one token takes in an f16 KV cache (keys and values of every layer)."""
    ptr = model.model
    head_dim = llama_cpp.llama_model_n_embd(ptr) // llama_cpp.llama_model_n_head(ptr)
    return 2 * 2 * llama_cpp.llama_model_n_layer(ptr) * llama_cpp.llama_model_n_head_kv(ptr) * head_dim


class LlamaEngine:
    """One loaded model and one llama.cpp context decoding up to `parallel` sequences per step.

    The KV cache has one stream per sequence (`kv_slots`): `parallel` running ones and
    `idle_sequences` finished ones kept for prefix reuse (default `parallel`), `kv_tokens`
    tokens in all (default `CONTEXT_PER_SEQUENCE` per sequence), split equally. Flash attention
    is off unless `flash_attention` is True (benchmarks/bench_decode_scaling.py: on these CPUs
    it slows generation). With `prompt_lookup` set, generating sequences draft tokens from
    their own history and verify them in the same step (`decode_loop`). Thread-safe: any
    thread may call `submit` / `complete`."""

    def __init__(
        self,
        model_path: Path,
        threads: int,
        parallel: int = 8,
        kv_tokens: int | None = None,
        idle_sequences: int | None = None,
        prompt_lookup: LookupSettings | None = None,
        flash_attention: bool = False,
    ) -> None:
        self.model_path = model_path
        self.threads = threads
        self.parallel = parallel
        self.idle_sequences = parallel if idle_sequences is None else idle_sequences
        n_seq = parallel + self.idle_sequences
        self.sequence_tokens = (kv_tokens or CONTEXT_PER_SEQUENCE * n_seq) // n_seq  # cells per stream
        self.kv_tokens = self.sequence_tokens * n_seq
        self.prompt_lookup = prompt_lookup
        self.flash_attention = flash_attention
        self._starting = threading.Lock()
        self._model: LlamaModel | None = None
        self._ctx: Any = None
        self._loop: DecodeLoop | None = None
        self._formatter: Jinja2ChatFormatter | None = None
        self._train_context = 0

    @property
    def evaluated_prompt_tokens(self) -> int:
        """Prompt tokens llama.cpp has evaluated since the model was loaded (reused ones not counted)."""
        return self._loop_count("evaluated_prompt_tokens")

    @property
    def generated_tokens(self) -> int:
        """Answer tokens sampled since the model was loaded."""
        return self._loop_count("generated_tokens")

    @property
    def drafted_tokens(self) -> int:
        """Prompt-lookup draft tokens fed for verification since the model was loaded."""
        return self._loop_count("drafted_tokens")

    @property
    def accepted_draft_tokens(self) -> int:
        """The draft tokens accepted (sampled as drafted) since the model was loaded."""
        return self._loop_count("accepted_draft_tokens")

    def _loop_count(self, name: str) -> int:
        """The decode loop's counter `name`; 0 before the model is loaded."""
        return int(getattr(self._loop, name)) if self._loop is not None else 0

    def complete(self, messages: list[Message], params: ChatParams) -> tuple[str, Usage]:
        """One answer to `messages` (blocks until it is generated)."""
        return self.complete_many(messages, [params])[0]

    def complete_many(self, messages: list[Message], samples: list[ChatParams]) -> list[tuple[str, Usage]]:
        """One answer per entry of `samples`, decoded together from one prompt evaluation."""
        request = self.submit(self.prompt_tokens(messages), samples)
        return usages(request, request.future.result())

    def submit(self, prompt: list[int], samples: list[ChatParams]) -> DecodeRequest:
        """Queue `prompt` (token ids) for `len(samples)` answers (at most `parallel`); the
        request's future gets them. Raises `PermanentError` when the prompt cannot fit."""
        if not 1 <= len(samples) <= self.parallel:
            raise ValueError(f"a request asks 1 to {self.parallel} answers, not {len(samples)}")
        loop = self._started()
        room = min(self._train_context, self.sequence_tokens) - len(prompt)
        if len(prompt) + 1 > self._train_context:
            raise PermanentError(
                f"the prompt has {len(prompt)} tokens but {self.model_path.name} holds at most "
                f"{self._train_context} (prompt plus answer); shorten the prompt"
            )
        if room < 1:
            raise PermanentError(
                f"the prompt has {len(prompt)} tokens but the KV cache holds {self.sequence_tokens} tokens "
                "per sequence; shorten the prompt or enlarge the cache"
            )
        specs = [
            SampleSpec(
                temperature=params.temperature,
                top_p=1.0 if params.top_p is None else params.top_p,
                seed=sampling_seed(params),
                max_tokens=min(params.max_tokens, room),
                stop=params.stop,
            )
            for params in samples
        ]
        request = DecodeRequest(prompt, specs)
        loop.submit(request)
        return request

    def prompt_tokens(self, messages: list[Message]) -> list[int]:
        """The token ids of `messages` rendered by the model's own chat template."""
        self._started()
        assert self._model is not None and self._formatter is not None
        turns: list[Any] = [{"role": m.role, "content": m.content} for m in messages]
        rendered = self._formatter(messages=turns)
        return self._model.tokenize(rendered.prompt.encode("utf-8"), add_bos=not rendered.added_special, special=True)

    def _started(self) -> DecodeLoop:
        with self._starting:
            if self._loop is None:
                self._load()
            assert self._loop is not None
            return self._loop

    def _load(self) -> None:
        llama_cpp.llama_backend_init()
        try:
            model = LlamaModel(
                path_model=str(self.model_path), params=llama_cpp.llama_model_default_params(), verbose=False
            )
        except ValueError as err:
            raise PermanentError(f"cannot load {self.model_path} as a GGUF model ({err})") from err
        metadata = model.metadata()
        template = metadata.get("tokenizer.chat_template")
        if not template:
            model.close()
            raise PermanentError(f"{self.model_path.name} has no chat template in its GGUF metadata")
        self._formatter = Jinja2ChatFormatter(
            template=template,
            eos_token=_token_text(model, model.token_eos()),
            bos_token=_token_text(model, model.token_bos()),
            stop_token_ids=[model.token_eos()],
        )
        self._train_context = model.n_ctx_train()
        slots = SlotTable(self.parallel, self.idle_sequences)
        params = llama_cpp.llama_context_default_params()
        params.n_ctx = self.kv_tokens
        params.n_batch = params.n_ubatch = N_BATCH
        params.n_seq_max = slots.n_seq
        # One stream per sequence: a token attends to its own sequence's cells only; in one
        # unified cache it would attend over every sequence's (benchmarks/bench_decode_scaling.py).
        params.kv_unified = False
        params.n_threads = params.n_threads_batch = self.threads
        params.flash_attn_type = (
            llama_cpp.LLAMA_FLASH_ATTN_TYPE_AUTO if self.flash_attention else llama_cpp.LLAMA_FLASH_ATTN_TYPE_DISABLED
        )
        ctx = llama_cpp.llama_init_from_model(model.model, params)
        if ctx is None:
            model.close()
            raise PermanentError(f"llama.cpp could not create a context of {self.kv_tokens} tokens")
        log.info(
            "llama.cpp KV cache: %d tokens (%.0f MB), %d per sequence; up to %d sequences decoded together, "
            "%d kept for reuse",
            self.kv_tokens,
            self.kv_tokens * kv_bytes_per_token(model) / 2**20,
            self.sequence_tokens,
            self.parallel,
            self.idle_sequences,
        )
        self._model, self._ctx = model, ctx
        self._loop = DecodeLoop(ctx, model.vocab, slots, N_BATCH, self.prompt_lookup)

    def close(self) -> None:
        """Stop the decode loop (requests in flight fail), then free the context and the model."""
        with self._starting:
            if self._loop is not None:
                self._loop.stop()
                self._loop = None
            if self._ctx is not None:
                llama_cpp.llama_free(self._ctx)
                self._ctx = None
            if self._model is not None:
                self._model.close()
                self._model = None


def usages(request: DecodeRequest, answers: list[Answer]) -> list[tuple[str, Usage]]:
    """Each answer with its usage: the prompt's tokens on the first answer only (they were
    evaluated once for all, as `Provider.complete_many` reports a shared prompt), its own
    generated tokens on each."""
    return [
        (
            answer.text,
            Usage(prompt_tokens=len(request.prompt) if i == 0 else 0, completion_tokens=answer.completion_tokens),
        )
        for i, answer in enumerate(answers)
    ]


def _token_text(model: LlamaModel, token: int) -> str:
    return "" if token < 0 else model.detokenize([token], special=True).decode("utf-8", errors="replace")
