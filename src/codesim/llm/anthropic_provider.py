"""Anthropic Messages API via the official `anthropic` client."""

from __future__ import annotations

from typing import Any

from codesim.errors import UsageError
from codesim.llm.base import ChatParams, Message, PermanentError, Provider, Usage
from codesim.llm.http_errors import no_answer_error, status_error

try:
    import anthropic
except ModuleNotFoundError:  # optional extra
    anthropic = None  # type: ignore[assignment]


def body_options(params: ChatParams) -> dict[str, Any]:
    """Sampling and thinking fields of a Messages request, plus `extra_body`. They travel in the
    body: newer client versions dropped the sampling knobs from the signature, while the API
    still honours them. Extended thinking (`thinking_budget`) allows no temperature or top_p;
    its budget is added to `max_tokens`, which covers thinking and answer alike."""
    if params.thinking_budget:
        options: dict[str, Any] = {"thinking": {"type": "enabled", "budget_tokens": params.thinking_budget}}
    else:
        options = {"temperature": params.temperature}
        if params.top_p is not None:
            options["top_p"] = params.top_p
    return {**options, **params.extra_body_dict()}


class AnthropicProvider(Provider):
    """`POST /v1/messages` through `anthropic.AsyncAnthropic`; system messages go to `system`."""

    name = "anthropic"

    def __init__(self, api_key: str, base_url: str | None, timeout_s: float) -> None:
        if anthropic is None:
            raise UsageError("provider 'anthropic' needs its client: pip install 'codesim[anthropic]'")
        self.base_url = base_url
        self._client = anthropic.AsyncAnthropic(api_key=api_key, base_url=base_url, timeout=timeout_s, max_retries=0)

    async def complete(self, messages: list[Message], params: ChatParams) -> tuple[str, Usage | None]:
        system = "\n\n".join(m.content for m in messages if m.role == "system")
        extra: dict = {"system": system} if system else {}
        if params.stop:
            extra["stop_sequences"] = list(params.stop)
        try:
            response = await self._client.messages.create(
                model=params.model,
                max_tokens=params.max_tokens + (params.thinking_budget or 0),
                # the roles left once system turns are dropped are "user" and "assistant"
                messages=[{"role": m.role, "content": m.content} for m in messages if m.role != "system"],  # type: ignore[misc]
                extra_body=body_options(params),
                **extra,
            )
        except anthropic.APIStatusError as err:
            raise status_error(err.status_code, err.message, err.response.headers) from err
        except anthropic.APIConnectionError as err:
            raise no_answer_error(err, self._client.base_url) from err
        except (anthropic.APIResponseValidationError, ValueError) as err:  # ValueError: body is not JSON
            raise PermanentError(f"malformed response: {err}") from err
        blocks = getattr(response, "content", None)
        if blocks is None:
            raise PermanentError(f"malformed response without content: {str(response)[:200]!r}")
        text = "".join(getattr(block, "text", "") for block in blocks if getattr(block, "type", "") == "text")
        usage = getattr(response, "usage", None)
        if usage is None or usage.input_tokens is None:
            return text, None
        return text, Usage(prompt_tokens=usage.input_tokens, completion_tokens=usage.output_tokens or 0)

    async def aclose(self) -> None:
        await self._client.close()
