"""OpenAI chat completions, and every OpenAI-compatible server, via the official client.

The request goes through the client's generic `post` (its documented way to call an endpoint
with a plain JSON body) on the client's aiohttp transport: the client still builds the URL,
auth headers and timeouts and raises its typed errors, but skips the per-call validation of
the typed request and response models, which cost more CPU than the HTTP exchange itself
when a run keeps dozens of calls in flight (`benchmarks/orchestration.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import openai

from codesim.llm.base import ChatParams, Message, PermanentError, Provider, Usage
from codesim.llm.http_errors import no_answer_error, status_error
from codesim.llm.reasoning import is_openai_reasoning_model
from codesim.llm.tokens import shared_usages


def request_body(messages: list[Message], params: ChatParams) -> dict[str, Any]:
    """The JSON body of `POST /chat/completions` for `messages` and `params`. A reasoning
    model (o-series, gpt-5) gets `max_completion_tokens` and no sampling knobs or stop strings
    (the API refuses them); `extra_body` is merged last."""
    body: dict[str, Any] = {
        "model": params.model,
        "messages": [{"role": m.role, "content": m.content} for m in messages],
    }
    if is_openai_reasoning_model(params.model):
        body["max_completion_tokens"] = params.max_tokens
    else:
        body["temperature"] = params.temperature
        body["max_tokens"] = params.max_tokens
        if params.top_p is not None:
            body["top_p"] = params.top_p
        if params.stop:
            body["stop"] = list(params.stop)
    if params.reasoning_effort is not None:
        body["reasoning_effort"] = params.reasoning_effort
    if params.seed is not None:
        body["seed"] = params.seed
    return {**body, **params.extra_body_dict()}


def parse_completion(data: object) -> tuple[str, Usage | None]:
    """The answer text and usage of a chat completion body; PermanentError if it has none."""
    try:
        message = data["choices"][0]["message"]  # type: ignore[index]
        text = message.get("content") or ""
    except (TypeError, KeyError, IndexError, AttributeError):
        raise PermanentError(f"malformed response without choices: {str(data)[:200]!r}") from None
    usage = data.get("usage") if isinstance(data, dict) else None
    if not isinstance(usage, dict) or not isinstance(usage.get("prompt_tokens"), int):
        return text, None
    details = usage.get("completion_tokens_details")
    reasoning = details.get("reasoning_tokens") if isinstance(details, dict) else None
    return text, Usage(
        prompt_tokens=usage["prompt_tokens"],
        completion_tokens=usage.get("completion_tokens") or 0,
        reasoning_tokens=reasoning if isinstance(reasoning, int) else 0,
    )


def parse_choices(data: object) -> list[tuple[str, Usage | None]]:
    """Every choice of a chat completion body, in index order, each with its share of the
    request's usage (see `shared_usages`; None when the body reports none)."""
    if not isinstance(data, dict) or not isinstance(data.get("choices"), list) or not data["choices"]:
        raise PermanentError(f"malformed response without choices: {str(data)[:200]!r}")
    choices = data["choices"]
    ordered = sorted(choices, key=lambda choice: choice.get("index", 0) if isinstance(choice, dict) else 0)
    texts = [parse_completion({"choices": [choice]})[0] for choice in ordered]
    _, total = parse_completion({"choices": ordered, "usage": data.get("usage")})
    if total is None:
        return [(text, None) for text in texts]
    return list(zip(texts, shared_usages(texts, total.prompt_tokens, total.completion_tokens), strict=True))


class OpenAIProvider(Provider):
    """`POST {base_url}/chat/completions` through `openai.AsyncOpenAI`."""

    def __init__(self, api_key: str, base_url: str | None, timeout_s: float, name: str = "openai") -> None:
        self.name = name
        self.base_url = base_url
        self._client = openai.AsyncOpenAI(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout_s,
            max_retries=0,
            http_client=openai.DefaultAioHttpClient(),
        )

    async def complete(self, messages: list[Message], params: ChatParams) -> tuple[str, Usage | None]:
        return parse_completion(await self._post(request_body(messages, params)))

    async def complete_many(
        self, messages: list[Message], samples: Sequence[ChatParams]
    ) -> list[tuple[str, Usage | None]]:
        """All samples in one request (`n`); a server that answers fewer choices than asked
        (some OpenAI-compatible ones ignore `n`) is asked for the rest side by side."""
        if len(samples) == 1:
            return [await self.complete(messages, samples[0])]
        data = await self._post({**request_body(messages, samples[0]), "n": len(samples)})
        answers = parse_choices(data)[: len(samples)]
        if len(answers) < len(samples):
            answers += await super().complete_many(messages, samples[len(answers) :])
        return answers

    async def _post(self, body: dict[str, Any]) -> object:
        try:
            return await self._client.post("/chat/completions", body=body, cast_to=dict)
        except openai.APIStatusError as err:
            raise status_error(err.status_code, err.message, err.response.headers) from err
        except openai.APIConnectionError as err:  # includes APITimeoutError
            raise no_answer_error(err, self._client.base_url) from err
        except (openai.APIResponseValidationError, ValueError) as err:  # ValueError: body is not JSON
            raise PermanentError(f"malformed response: {err}") from err

    async def aclose(self) -> None:
        await self._client.close()
