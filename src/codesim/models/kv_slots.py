"""Which llama.cpp sequence ids hold what, and how many KV cells they may use.

Pure bookkeeping, no llama.cpp call: the decode loop asks it where a new request starts
(the idle sequence sharing the longest prefix with its prompt), which idle sequences to evict
(least recently used first) and whether the KV cache has room, then applies the answer.

A running sequence reserves the cells it may still need (its prompt plus its answer's
`max_tokens`); an idle one (a finished answer kept for prefix reuse) counts the cells its
tokens hold. Cells shared by copies are counted once per owner, so the sum is an upper bound
of the cells in use: admitting while it stays within the capacity never overflows the cache.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Admission:
    """Where a request starts: its sequence ids (the first evaluates the prompt), the idle
    sequence to copy the first `shared` prompt tokens from (None: start empty), and the idle
    sequences to free first (the source, when listed, is freed after the copy)."""

    seq_ids: list[int]
    source: int | None
    shared: int
    evicted: list[int]


def common_prefix_length(a: Sequence[int], b: Sequence[int]) -> int:
    """How many leading tokens `a` and `b` share."""
    shared = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        shared += 1
    return shared


class SlotTable:
    """`n_seq` sequence ids over a KV cache of `capacity` cells, at most `parallel` of them
    running at once."""

    def __init__(self, n_seq: int, capacity: int, parallel: int) -> None:
        self.n_seq = n_seq
        self.capacity = capacity
        self.parallel = parallel
        self._idle: OrderedDict[int, tuple[int, ...]] = OrderedDict()  # least recently used first
        self._reserved: dict[int, int] = {}  # running sequence id -> cells it may use

    @property
    def running(self) -> int:
        return len(self._reserved)

    @property
    def idle(self) -> int:
        return len(self._idle)

    def cells_counted(self) -> int:
        """The upper bound of the KV cells in use (reserved by running plus held by idle)."""
        return sum(self._reserved.values()) + sum(map(len, self._idle.values()))

    def admit(self, prompt: Sequence[int], reservations: Sequence[int]) -> Admission | None:
        """Start a request of `len(reservations)` sequences reserving these cells each (the
        first one's include the prompt), or None while running sequences leave no room."""
        if self.running and self.running + len(reservations) > self.parallel:
            return None
        source, shared = self._longest_prefix(prompt)
        victims = [seq for seq in self._idle if seq != source] + ([source] if source is not None else [])
        free_ids = [seq for seq in range(self.n_seq) if seq not in self._idle and seq not in self._reserved]
        cells = self.cells_counted() + sum(reservations)
        evicted: list[int] = []
        while len(free_ids) < len(reservations) or cells > self.capacity:
            if not victims:
                return None
            victim = victims.pop(0)
            evicted.append(victim)
            free_ids.append(victim)
            cells -= len(self._idle[victim])
        for seq in evicted:
            del self._idle[seq]
        if source is not None and source in self._idle:
            self._idle.move_to_end(source)
        seq_ids = free_ids[: len(reservations)]
        self._reserved.update(zip(seq_ids, reservations, strict=True))
        return Admission(seq_ids, source if shared else None, shared, evicted)

    def release(self, seq_id: int, tokens: Sequence[int]) -> list[int]:
        """A running sequence ended holding `tokens` in the cache: keep it idle for prefix reuse
        (or free it when it holds none). Returns the idle sequences it makes redundant (their
        tokens are a prefix of its own), now freed: the caller removes them from the cache."""
        del self._reserved[seq_id]
        if not tokens:
            return []
        redundant = [seq for seq, held in self._idle.items() if common_prefix_length(held, tokens) == len(held)]
        for seq in redundant:
            del self._idle[seq]
        self._idle[seq_id] = tuple(tokens)
        return redundant

    def forget(self, seq_id: int) -> None:
        """Free a sequence whose cells were removed from the cache."""
        self._reserved.pop(seq_id, None)
        self._idle.pop(seq_id, None)

    def _longest_prefix(self, prompt: Sequence[int]) -> tuple[int | None, int]:
        """The idle sequence sharing most leading tokens with `prompt`, and how many it shares
        (at most all but the prompt's last token, whose logits must be computed)."""
        best, best_shared = None, 0
        for seq, held in self._idle.items():
            shared = min(common_prefix_length(held, prompt), len(prompt) - 1)
            if shared > best_shared:
                best, best_shared = seq, shared
        return best, best_shared
