"""One sequence's token choice (a llama.cpp sampler chain) and its answer text (stop strings)."""

from __future__ import annotations

from dataclasses import dataclass

import llama_cpp

TOP_K = 40  # llama-cpp-python's `create_completion` defaults, kept so answers sample alike
MIN_P = 0.05


@dataclass(frozen=True)
class SampleSpec:
    """How one answer is sampled and when it ends."""

    temperature: float
    top_p: float
    seed: int
    max_tokens: int
    stop: tuple[str, ...] = ()


class Sampler:
    """A llama.cpp sampler chain: greedy at temperature <= 0, else top-k, top-p, min-p,
    temperature and a seeded draw (the chain `llama_cpp.Llama` builds)."""

    def __init__(self, spec: SampleSpec) -> None:
        self._chain = llama_cpp.llama_sampler_chain_init(llama_cpp.llama_sampler_chain_default_params())
        self.greedy = spec.temperature <= 0
        if self.greedy:
            stages = [llama_cpp.llama_sampler_init_greedy()]
        else:
            stages = [
                llama_cpp.llama_sampler_init_top_k(TOP_K),
                llama_cpp.llama_sampler_init_top_p(spec.top_p, 1),
                llama_cpp.llama_sampler_init_min_p(MIN_P, 1),
                llama_cpp.llama_sampler_init_temp(spec.temperature),
                llama_cpp.llama_sampler_init_dist(spec.seed),
            ]
        for stage in stages:
            llama_cpp.llama_sampler_chain_add(self._chain, stage)  # the chain owns and frees it

    def sample(self, ctx: llama_cpp.llama_context_p, output_index: int) -> int:
        """The next token from the logits of batch entry `output_index`."""
        return int(llama_cpp.llama_sampler_sample(self._chain, ctx, output_index))

    def free(self) -> None:
        if self._chain is not None:
            llama_cpp.llama_sampler_free(self._chain)
            self._chain = None


class AnswerText:
    """The bytes of an answer so far; ends at the first stop string, which it leaves out."""

    def __init__(self, stop: tuple[str, ...]) -> None:
        self._stop = [s for s in stop if s]
        self._bytes = bytearray()
        self._text: str | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self._bytes.decode("utf-8", errors="ignore")
        return self._text

    def add(self, piece: bytes) -> bool:
        """Append a token's bytes; True (and the text cut before it) when a stop string appears."""
        self._bytes += piece
        self._text = None
        if not self._stop:
            return False
        text = self.text
        found = [i for i in (text.find(stop) for stop in self._stop) if i >= 0]
        if not found:
            return False
        self._text = text[: min(found)]
        return True
