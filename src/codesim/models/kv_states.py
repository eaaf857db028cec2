"""Saved llama.cpp KV states keyed by the tokens they hold, so a call can resume from the
longest prefix it shares with any recent call, not only with the last one.

llama-cpp-python's own `LlamaRAMCache` stores each state together with a copy of the logits
buffer (n_batch x n_vocab floats: about 300 MB for Qwen's 152k vocabulary) that its capacity
does not count; this store keeps the KV data and token ids only. The logits are not needed:
`Llama.load_state` marks the state as requiring evaluation, so `generate` re-decodes at least
one token before sampling.
"""

from __future__ import annotations

import ctypes
from collections import OrderedDict
from typing import Any

import llama_cpp
import numpy as np
from llama_cpp.llama import Llama, LlamaState


class KVStateStore:
    """A least-recently-used set of saved states, bounded by their total size in bytes."""

    def __init__(self, capacity_bytes: int) -> None:
        self.capacity_bytes = capacity_bytes
        self._states: OrderedDict[tuple[int, ...], LlamaState] = OrderedDict()
        self._size = 0

    def __len__(self) -> int:
        return len(self._states)

    def save(self, llama: Llama) -> None:
        """Remember `llama`'s current state under the tokens it has evaluated."""
        tokens = tuple(llama.input_ids[: llama.n_tokens].tolist())
        if not tokens or self.capacity_bytes <= 0:
            return
        state = _snapshot(llama)
        self._drop(tokens)
        self._states[tokens] = state
        self._size += state.llama_state_size
        while self._size > self.capacity_bytes and self._states:
            self._drop(next(iter(self._states)))

    def restore_longest_prefix(self, llama: Llama, prompt: list[int]) -> int:
        """Load the saved state sharing the longest prefix with `prompt` when it shares more
        than what `llama` holds now; return the number of prompt tokens now reusable."""
        current = Llama.longest_token_prefix(llama.input_ids[: llama.n_tokens].tolist(), prompt)
        best_key, best = None, current
        for key in self._states:
            shared = Llama.longest_token_prefix(key, prompt)
            if shared > best:
                best_key, best = key, shared
        if best_key is None:
            return current
        self._states.move_to_end(best_key)
        llama.load_state(self._states[best_key])
        return best

    def _drop(self, key: tuple[int, ...]) -> None:
        state = self._states.pop(key, None)
        if state is not None:
            self._size -= state.llama_state_size


def _snapshot(llama: Llama) -> LlamaState:
    size = llama_cpp.llama_state_get_size(llama.ctx)
    buffer: Any = (ctypes.c_uint8 * size)()
    written = llama_cpp.llama_state_get_data(llama.ctx, buffer, size)
    return LlamaState(
        input_ids=llama.input_ids.copy(),
        scores=np.zeros((1, llama.n_vocab()), dtype=np.single),
        n_tokens=llama.n_tokens,
        llama_state=ctypes.string_at(buffer, written),
        llama_state_size=written,
        seed=0,  # unused: every call passes its own sampling seed
    )
