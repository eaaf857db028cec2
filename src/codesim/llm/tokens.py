"""Token counts for providers that report none, or only a request's totals."""

from __future__ import annotations

import re
from collections.abc import Sequence

from codesim.llm.base import Usage

_PIECES = re.compile(r"\w+|[^\w\s]", re.UNICODE)


def estimate_tokens(text: str) -> int:
    """Estimate a BPE token count offline: words longer than four characters count as
    several tokens, punctuation as one each (within ~15% of common BPE vocabularies)."""
    count = 0
    for piece in _PIECES.findall(text):
        count += max(1, (len(piece) + 3) // 4)
    return count


def shared_usages(texts: Sequence[str], prompt_tokens: int, completion_tokens: int) -> list[Usage]:
    """Usages for several answers to one prompt from a service that reports only the request's
    totals: the prompt's tokens on the first answer (0 on the others), and the completion
    tokens shared in proportion to each answer's estimated length, adding up to the total."""
    weights = [estimate_tokens(text) + 1 for text in texts]
    shares = [completion_tokens * weight // sum(weights) for weight in weights]
    shares[0] += completion_tokens - sum(shares)
    return [
        Usage(prompt_tokens=prompt_tokens if i == 0 else 0, completion_tokens=share) for i, share in enumerate(shares)
    ]
