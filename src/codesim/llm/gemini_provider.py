"""Google Gemini `generateContent` via the official `google-genai` client."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from codesim.errors import UsageError
from codesim.llm.base import ChatParams, Message, PermanentError, Provider, Usage
from codesim.llm.http_errors import no_answer_error, status_error
from codesim.llm.tokens import shared_usages

try:
    from google import genai
    from google.genai import errors as genai_errors
    from google.genai import types as genai_types
except ImportError:  # optional extra (ImportError: `google` may be a namespace of other packages)
    genai = None  # type: ignore[assignment]


def _transport_errors() -> tuple[type[BaseException], ...]:
    """Connection and timeout errors of whichever httpx flavour the client uses."""
    found: list[type[BaseException]] = [OSError]
    for module_name in ("httpx", "httpx2"):
        try:
            found.append(importlib.import_module(module_name).TransportError)
        except (ModuleNotFoundError, AttributeError):
            continue
    return tuple(found)


class GeminiProvider(Provider):
    """`models.generateContent` through `genai.Client(...).aio`; the client's own retries are
    off so that ours apply."""

    name = "gemini"

    def __init__(self, api_key: str, base_url: str | None, timeout_s: float) -> None:
        if genai is None:
            raise UsageError("provider 'gemini' needs its client: pip install 'codesim[gemini]'")
        self.base_url = base_url
        # One attempt: without retry options the client retries a failed connection itself
        # after sleeping 1-10 s, under our own retries.
        options = genai_types.HttpOptions(
            base_url=base_url, timeout=int(timeout_s * 1000), retry_options=genai_types.HttpRetryOptions(attempts=1)
        )
        self._client = genai.Client(api_key=api_key, http_options=options)
        self._transport_errors = _transport_errors()

    async def complete(self, messages: list[Message], params: ChatParams) -> tuple[str, Usage | None]:
        response = await self._generate(messages, params, candidates=1)
        text = response.text or ""
        meta = response.usage_metadata
        if meta is None or meta.prompt_token_count is None:
            return text, None
        thoughts = meta.thoughts_token_count or 0  # billed as output, reported apart from the answer's
        return text, Usage(
            prompt_tokens=meta.prompt_token_count,
            completion_tokens=(meta.candidates_token_count or 0) + thoughts,
            reasoning_tokens=thoughts,
        )

    async def complete_many(
        self, messages: list[Message], samples: Sequence[ChatParams]
    ) -> list[tuple[str, Usage | None]]:
        """All samples in one request (`candidateCount`), each with its share of the usage."""
        if len(samples) == 1:
            return [await self.complete(messages, samples[0])]
        response = await self._generate(messages, samples[0], candidates=len(samples))
        texts = ["".join(part.text or "" for part in (c.content.parts or []) if c.content) for c in response.candidates]
        if len(texts) != len(samples):
            raise PermanentError(f"asked for {len(samples)} candidates, got {len(texts)}")
        meta = response.usage_metadata
        if meta is None or meta.prompt_token_count is None:
            return [(text, None) for text in texts]
        usages = shared_usages(texts, meta.prompt_token_count, meta.candidates_token_count or 0)
        return list(zip(texts, usages, strict=True))

    async def _generate(self, messages: list[Message], params: ChatParams, candidates: int) -> Any:
        system = "\n\n".join(m.content for m in messages if m.role == "system")
        contents = [
            genai_types.Content(
                role="model" if m.role == "assistant" else "user", parts=[genai_types.Part(text=m.content)]
            )
            for m in messages
            if m.role != "system"
        ]
        config = genai_types.GenerateContentConfig(
            system_instruction=system or None,
            temperature=params.temperature,
            top_p=params.top_p,
            max_output_tokens=params.max_tokens,
            seed=params.seed,
            stop_sequences=list(params.stop) or None,
            thinking_config=genai_types.ThinkingConfig(thinking_budget=params.thinking_budget)
            if params.thinking_budget is not None
            else None,
            http_options=genai_types.HttpOptions(extra_body=params.extra_body_dict()) if params.extra_body else None,
            candidate_count=candidates if candidates > 1 else None,
        )
        try:
            response = await self._client.aio.models.generate_content(
                model=params.model, contents=contents, config=config
            )
        except genai_errors.APIError as err:
            headers = getattr(getattr(err, "response", None), "headers", None)
            raise status_error(err.code or 500, err.message or str(err), headers) from err
        except self._transport_errors as err:
            raise no_answer_error(err, self.base_url or "the Gemini API") from err
        except ValueError as err:  # a body that is not the expected JSON
            raise PermanentError(f"malformed response: {err}") from err
        if not response.candidates:
            raise PermanentError(f"malformed response without candidates: {str(response)[:200]!r}")
        return response

    async def aclose(self) -> None:
        await self._client.aio.aclose()
