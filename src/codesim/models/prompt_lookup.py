"""Draft tokens for prompt-lookup speculative decoding: answers that copy their prompt (a
debugging answer repeating the code it was given) continue what followed the same tokens
earlier in the sequence.

Pure bookkeeping, no llama.cpp call: the decode loop feeds each sequence's tokens in, asks
for a draft, verifies it in one batch and reports how much of it was accepted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

LONGEST_MATCH = 8  # the longest tail of the history searched for


@dataclass(frozen=True)
class LookupSettings:
    """How drafts are found: the tail of at least `min_match` tokens (up to `LONGEST_MATCH`)
    must occur earlier; a draft has `first_draft` tokens, doubled after a fully accepted draft
    (up to `max_draft`) and halved after a rejection (down to 1). At temperature 0 a drafted
    position whose two best logits are closer than `tie_margin` is decoded again alone (CPU
    logits move by 0.2-0.5 with the batch size; 0 turns this off)."""

    min_match: int = 2
    first_draft: int = 8
    max_draft: int = 16
    tie_margin: float = 0.5

    def __post_init__(self) -> None:
        if not 1 <= self.min_match <= LONGEST_MATCH:
            raise ValueError(f"min_match must be 1 to {LONGEST_MATCH}, not {self.min_match}")
        if not 1 <= self.first_draft <= self.max_draft:
            raise ValueError(f"need 1 <= first_draft <= max_draft, not {self.first_draft} and {self.max_draft}")
        if self.tie_margin < 0:
            raise ValueError(f"tie_margin must be >= 0, not {self.tie_margin}")


class PromptLookup:
    """One sequence's token history (prompt, then the answer so far) and its draft length."""

    def __init__(self, prompt: Iterable[int], settings: LookupSettings) -> None:
        self.settings = settings
        self.draft_length = settings.first_draft
        self._tokens: list[int] = []
        self._positions: dict[int, list[int]] = {}  # token -> where it occurs, in order
        for token in prompt:
            self.append(token)

    def append(self, token: int) -> None:
        """The sequence's next token."""
        self._positions.setdefault(token, []).append(len(self._tokens))
        self._tokens.append(token)

    def draft(self, limit: int) -> list[int]:
        """Up to `min(limit, draft_length)` tokens that followed the most recent earlier
        occurrence of the history's longest matching tail; [] when no tail of `min_match`
        tokens occurs earlier."""
        size = min(limit, self.draft_length)
        start = self._match_end()
        if size <= 0 or start is None:
            return []
        return self._tokens[start : start + size]

    def update(self, drafted: int, accepted: int) -> None:
        """A draft of `drafted` tokens had its first `accepted` tokens accepted."""
        if accepted >= drafted:
            self.draft_length = min(self.settings.max_draft, self.draft_length * 2)
        else:
            self.draft_length = max(1, self.draft_length // 2)

    def _match_end(self) -> int | None:
        """The position after the best earlier match of the tail: the longest (up to
        `LONGEST_MATCH`), the most recent among equally long ones."""
        tokens = self._tokens
        if not tokens:
            return None
        last = len(tokens) - 1
        best, best_length = None, self.settings.min_match - 1
        for end in reversed(self._positions[tokens[last]][:-1]):
            length = 1
            while length < LONGEST_MATCH and length <= end and tokens[end - length] == tokens[last - length]:
                length += 1
            if length > best_length:
                best, best_length = end + 1, length
                if length == LONGEST_MATCH:
                    break
        return best
