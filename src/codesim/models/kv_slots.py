"""Which llama.cpp sequence ids hold what.

Pure bookkeeping, no llama.cpp call: the decode loop asks it where a new request runs, which
finished answer its prompt can start from, and where a finished answer is kept; then it
applies the answer.

The engine's KV cache has one stream per sequence id (llama.cpp's `kv_unified` off), so a
token attends only to its own sequence's cells, and every stream holds the same number of
cells. llama.cpp decodes the sequences of one step together only while their ids are
consecutive, so the ids are split in two:
- lanes `0 .. lanes-1`: the running sequences, always packed into `0 .. running-1` (when one
  ends, the last running one moves into its lane);
- shelves `lanes .. lanes+shelves-1`: finished answers kept for a later prompt that shares
  their prefix (least recently used replaced first).
Moving a sequence between ids is a whole-stream copy in llama.cpp (`llama_memory_seq_cp`
with no position range).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Admission:
    """Where a request runs: its lanes (consecutive; the first reads the prompt), and the
    shelf to copy the first `shared` prompt tokens from (None: start empty)."""

    lanes: list[int]
    source: int | None
    shared: int


@dataclass(frozen=True)
class Release:
    """What ending a lane does: the shelf its tokens are copied to (None: not kept), the
    shelves emptied because the kept tokens extend theirs, and the last running lane that
    moves into the ended one (None: the ended lane was the last)."""

    shelf: int | None
    emptied: list[int]
    moved: int | None


def common_prefix_length(a: Sequence[int], b: Sequence[int]) -> int:
    """How many leading tokens `a` and `b` share."""
    shared = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        shared += 1
    return shared


class SlotTable:
    """`lanes` running sequence ids and `shelves` ids that keep finished answers."""

    def __init__(self, lanes: int, shelves: int) -> None:
        self.lanes = lanes
        self.shelves = shelves
        self.running = 0
        self._shelved: OrderedDict[int, tuple[int, ...]] = OrderedDict()  # least recently used first

    @property
    def n_seq(self) -> int:
        """All sequence ids: lanes and shelves."""
        return self.lanes + self.shelves

    @property
    def kept(self) -> int:
        """How many shelves hold a finished answer."""
        return len(self._shelved)

    def admit(self, prompt: Sequence[int], answers: int) -> Admission | None:
        """Start a request of `answers` sequences, or None while the lanes are full."""
        if self.running + answers > self.lanes:
            return None
        source, shared = self._longest_prefix(prompt)
        if source is not None:
            self._shelved.move_to_end(source)
        lanes = list(range(self.running, self.running + answers))
        self.running += answers
        return Admission(lanes, source, shared)

    def release(self, lane: int, tokens: Sequence[int]) -> Release:
        """End the sequence in `lane`, which holds `tokens` (kept on a shelf unless empty)."""
        if not 0 <= lane < self.running:
            raise ValueError(f"lane {lane} is not running")
        self.running -= 1
        moved = self.running if lane != self.running else None
        if not tokens or not self.shelves:
            return Release(None, [], moved)
        extended = [s for s, held in self._shelved.items() if common_prefix_length(held, tokens) == len(held)]
        for shelf in extended:
            del self._shelved[shelf]
        free = [s for s in range(self.lanes, self.n_seq) if s not in self._shelved]
        shelf = extended[0] if extended else free[0] if free else self._shelved.popitem(last=False)[0]
        self._shelved[shelf] = tuple(tokens)
        return Release(shelf, [s for s in extended if s != shelf], moved)

    def clear(self) -> None:
        """Forget every sequence (the cache was emptied)."""
        self.running = 0
        self._shelved.clear()

    def _longest_prefix(self, prompt: Sequence[int]) -> tuple[int | None, int]:
        """The shelf sharing most leading tokens with `prompt`, and how many it shares (at
        most all but the prompt's last token, whose logits must be computed)."""
        best, best_shared = None, 0
        for shelf, held in self._shelved.items():
            shared = min(common_prefix_length(held, prompt), len(prompt) - 1)
            if shared > best_shared:
                best, best_shared = shelf, shared
        return best, best_shared
