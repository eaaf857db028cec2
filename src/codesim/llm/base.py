"""The one interface every LLM provider implements, and the types it speaks."""

from __future__ import annotations

import abc
import asyncio
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class Message:
    """One chat message."""

    role: Role
    content: str


@dataclass(frozen=True)
class ChatParams:
    """Every parameter that determines an answer (all of it goes into the cache key)."""

    model: str
    temperature: float = 0.0
    top_p: float | None = None
    max_tokens: int = 2048
    seed: int | None = None
    stop: tuple[str, ...] = ()
    sample_index: int = 0
    reasoning_effort: str | None = None  # OpenAI reasoning models: low | medium | high
    thinking_budget: int | None = None  # Anthropic extended thinking, Gemini thinking: tokens
    extra_body: str | None = None  # a JSON object merged into the request body (canonical text)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-able rendering. The reasoning fields appear only when set, so the cache keys
        of answers cached before they existed stay valid."""
        data = asdict(self)
        data["stop"] = list(self.stop)
        for name in _OPTIONAL_FIELDS:
            if data[name] is None:
                del data[name]
        return data

    def extra_body_dict(self) -> dict[str, Any]:
        """`extra_body` parsed ({} when unset)."""
        return json.loads(self.extra_body) if self.extra_body else {}


_OPTIONAL_FIELDS = ("reasoning_effort", "thinking_budget", "extra_body")


@dataclass
class Usage:
    """What one call cost."""

    prompt_tokens: int = 0
    completion_tokens: int = 0  # includes reasoning_tokens, as the providers bill them
    reasoning_tokens: int = 0  # hidden reasoning/thinking tokens, where the provider counts them
    latency_s: float = 0.0
    retries: int = 0
    estimated: bool = False  # token counts were estimated because the provider gave none


@dataclass
class ChatResult:
    """A model answer. On a cache hit `usage` is the original call's and `cached` is True."""

    text: str
    usage: Usage = field(default_factory=Usage)
    cached: bool = False

    @property
    def new_prompt_tokens(self) -> int:
        """Prompt tokens spent by this call (zero on a cache hit)."""
        return 0 if self.cached else self.usage.prompt_tokens

    @property
    def new_completion_tokens(self) -> int:
        """Completion tokens spent by this call (zero on a cache hit)."""
        return 0 if self.cached else self.usage.completion_tokens


class TransientError(Exception):
    """A failure worth retrying (429, 5xx, connection error, timeout)."""

    def __init__(self, cause: str, retry_after: float | None = None) -> None:
        super().__init__(cause)
        self.retry_after = retry_after


class CannotConnect(TransientError):
    """No connection to the server at all (refused, unresolvable host): retried only once the
    server has answered before; a server never reached is given up on quickly."""


class PermanentError(Exception):
    """A failure that retrying will not fix (4xx other than 408/409/429, malformed answer).
    `status` is the HTTP status when the server answered with one."""

    def __init__(self, cause: str, status: int | None = None) -> None:
        super().__init__(cause)
        self.status = status


class Provider(abc.ABC):
    """A raw connection to one LLM service. Implementations translate errors into
    `TransientError` / `PermanentError`; retries, caching and limits live in `ChatModel`."""

    name: str = "provider"
    base_url: str | None = None

    @abc.abstractmethod
    async def complete(self, messages: list[Message], params: ChatParams) -> tuple[str, Usage | None]:
        """Send one request; return the answer text and the reported token usage, or None
        for the usage when the service reported none."""

    async def complete_many(
        self, messages: list[Message], samples: Sequence[ChatParams]
    ) -> list[tuple[str, Usage | None]]:
        """One answer per entry of `samples` (the same request but for `sample_index` and
        `seed`), in order. This default sends the requests side by side; providers that can
        answer several samples of one prompt at once (a batched decode, OpenAI's `n`,
        Gemini's `candidateCount`) override it and report the shared prompt's tokens once,
        on the first answer."""
        return list(await asyncio.gather(*(self.complete(messages, params) for params in samples)))

    async def aclose(self) -> None:  # noqa: B027 - an optional hook: nothing to release by default
        """Release connections."""
