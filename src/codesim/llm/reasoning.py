"""Which models reason before they answer, and what that changes in a request.

OpenAI's reasoning families (o1, o3, o4-mini, gpt-5, and later o-series) take
`max_completion_tokens` (it covers the hidden reasoning too) instead of `max_tokens`, refuse
`temperature`/`top_p` other than the default, and take `reasoning_effort`. Anthropic's extended
thinking and Gemini's thinking are asked for with a token budget; every provider's reasoning
tokens are reported apart in `Usage.reasoning_tokens` where the API counts them."""

from __future__ import annotations

import re

REASONING_EFFORTS = ("low", "medium", "high")

# The model name's last path part (OpenRouter and proxies prefix a vendor: `openai/o3-mini`).
_OPENAI_REASONING = re.compile(r"^(o\d+(-.*)?|gpt-5(?!.*-chat)(-.*)?|gpt-[6-9].*)$")


def is_openai_reasoning_model(model: str) -> bool:
    """Whether `model` is one of OpenAI's reasoning families (o1, o3, o4-mini, gpt-5, ...);
    `gpt-5-chat-latest`, a non-reasoning chat model, is not."""
    return bool(_OPENAI_REASONING.match(model.rsplit("/", 1)[-1].lower()))
