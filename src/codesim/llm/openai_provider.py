"""OpenAI chat completions, and every OpenAI-compatible server, via the official client."""

from __future__ import annotations

import openai

from codesim.llm.base import ChatParams, Message, PermanentError, Provider, TransientError, Usage
from codesim.llm.http_errors import status_error


class OpenAIProvider(Provider):
    """`POST {base_url}/chat/completions` through `openai.AsyncOpenAI`."""

    def __init__(self, api_key: str, base_url: str | None, timeout_s: float, name: str = "openai") -> None:
        self.name = name
        self.base_url = base_url
        self._client = openai.AsyncOpenAI(api_key=api_key, base_url=base_url, timeout=timeout_s, max_retries=0)

    async def complete(self, messages: list[Message], params: ChatParams) -> tuple[str, Usage | None]:
        extra: dict = {}
        if params.top_p is not None:
            extra["top_p"] = params.top_p
        if params.seed is not None:
            extra["seed"] = params.seed
        if params.stop:
            extra["stop"] = list(params.stop)
        try:
            response = await self._client.chat.completions.create(
                model=params.model,
                messages=[{"role": m.role, "content": m.content} for m in messages],
                temperature=params.temperature,
                max_tokens=params.max_tokens,
                **extra,
            )
        except openai.APIStatusError as err:
            raise status_error(err.status_code, err.message, err.response.headers) from err
        except openai.APIConnectionError as err:  # includes APITimeoutError
            raise TransientError(f"{type(err).__name__}: {err}") from err
        except (openai.APIResponseValidationError, ValueError) as err:  # ValueError: body is not JSON
            raise PermanentError(f"malformed response: {err}") from err
        choices = getattr(response, "choices", None)
        if not choices or choices[0].message is None:
            raise PermanentError(f"malformed response without choices: {str(response)[:200]!r}")
        text = choices[0].message.content or ""
        usage = response.usage
        if usage is None or usage.prompt_tokens is None:
            return text, None
        return text, Usage(prompt_tokens=usage.prompt_tokens, completion_tokens=usage.completion_tokens or 0)

    async def aclose(self) -> None:
        await self._client.close()
