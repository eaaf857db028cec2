"""Building a ChatModel from a provider name and options (one table, no if/elif chain)."""

from __future__ import annotations

import importlib
import os
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codesim.errors import UsageError
from codesim.llm.base import ChatParams, Provider
from codesim.llm.cache import ResponseCache, cache_enabled_by_env
from codesim.llm.chat import ChatModel
from codesim.llm.limits import CallLimits
from codesim.llm.presets import OPENAI_PRESETS
from codesim.llm.retry import RetryPolicy


@dataclass(frozen=True)
class ModelConfig:
    """Everything needed to build a ChatModel; recorded in a run's config.json."""

    provider: str = "local"
    model: str | None = None
    base_url: str | None = None
    temperature: float = 0.0
    top_p: float | None = None
    max_tokens: int = 2048
    seed: int | None = None
    request_timeout_s: float = 300.0
    max_retries: int = 6
    requests_per_minute: float | None = None
    max_concurrency: int | None = None
    use_cache: bool = True
    model_path: str | None = None
    auto_pull: bool = False
    reasoning_effort: str | None = None
    thinking_budget: int | None = None
    extra_body: dict[str, Any] | None = None


def _api_key(env_var: str, provider: str, required: bool) -> str:
    key = os.environ.get(env_var, "")
    if not key and required:
        raise UsageError(f"provider '{provider}' needs an API key: set the environment variable {env_var}")
    return key or "not-needed"


def _openai_compatible(config: ModelConfig) -> Provider:
    from codesim.llm.openai_provider import OpenAIProvider

    preset = OPENAI_PRESETS[config.provider]
    base_url = config.base_url or (os.environ.get("OPENAI_BASE_URL") if config.provider == "openai" else None)
    base_url = base_url or preset.base_url
    key_required = preset.key_required and not (config.provider == "openai" and base_url)
    key = _api_key(preset.key_env, config.provider, key_required)
    return OpenAIProvider(key, base_url, config.request_timeout_s, name=config.provider)


def _anthropic(config: ModelConfig) -> Provider:
    from codesim.llm.anthropic_provider import AnthropicProvider

    key = _api_key("ANTHROPIC_API_KEY", "anthropic", required=True)
    return AnthropicProvider(key, config.base_url or os.environ.get("ANTHROPIC_BASE_URL"), config.request_timeout_s)


def _gemini(config: ModelConfig) -> Provider:
    from codesim.llm.gemini_provider import GeminiProvider

    key = os.environ.get("GEMINI_API_KEY") or os.environ.get("GOOGLE_API_KEY") or ""
    if not key:
        raise UsageError("provider 'gemini' needs an API key: set the environment variable GEMINI_API_KEY")
    return GeminiProvider(key, config.base_url or os.environ.get("GEMINI_BASE_URL"), config.request_timeout_s)


def _local(config: ModelConfig) -> Provider:
    try:
        module = importlib.import_module("codesim.llm.local_provider")
    except ModuleNotFoundError as err:
        raise UsageError(f"the local provider is not available yet ({err})") from err
    return module.create_local_provider(config)


_BUILDERS: dict[str, Callable[[ModelConfig], Provider]] = {
    **{name: _openai_compatible for name in OPENAI_PRESETS},
    "anthropic": _anthropic,
    "gemini": _gemini,
    "local": _local,
}
PROVIDER_NAMES: tuple[str, ...] = tuple(_BUILDERS)

DEFAULT_MODELS: dict[str, str] = {
    "openai": "gpt-4o",
    "anthropic": "claude-sonnet-4-5",
    "gemini": "gemini-2.5-flash",
    "local": "qwen2.5-coder-0.5b",
}
DEFAULT_CONCURRENCY: dict[str, int] = {"local": 1}
DEFAULT_REMOTE_CONCURRENCY = 16  # calls in flight for providers with no default of their own


def resolve_model_name(config: ModelConfig) -> str:
    """The model to use: the one asked for, else the provider's default."""
    check_provider_name(config.provider)
    if config.model:
        return config.model
    if config.model_path:
        return Path(config.model_path).stem
    if config.provider in DEFAULT_MODELS:
        return DEFAULT_MODELS[config.provider]
    raise UsageError(f"provider '{config.provider}' has no default model: pass --model")


def check_provider_name(name: str) -> None:
    """UsageError unless `name` is a known provider."""
    if name not in _BUILDERS:
        raise UsageError(f"unknown provider '{name}'; choose one of: {', '.join(PROVIDER_NAMES)}")


def create_provider(config: ModelConfig) -> Provider:
    """The raw provider named by `config.provider`."""
    check_provider_name(config.provider)
    return _BUILDERS[config.provider](config)


def chat_params(config: ModelConfig) -> ChatParams:
    """The default parameters of every call made under `config`."""
    return ChatParams(
        model=resolve_model_name(config),
        temperature=config.temperature,
        top_p=config.top_p,
        max_tokens=config.max_tokens,
        seed=config.seed,
        reasoning_effort=config.reasoning_effort,
        thinking_budget=config.thinking_budget,
        extra_body=json.dumps(config.extra_body, sort_keys=True) if config.extra_body else None,
    )


def build_chat_model(config: ModelConfig, cache: ResponseCache | None = None) -> ChatModel:
    """A ready ChatModel: provider, default parameters, cache (unless disabled), limits."""
    params = chat_params(config)
    provider = create_provider(config)
    if cache is None and config.use_cache and cache_enabled_by_env():
        cache = ResponseCache()
    concurrency = config.max_concurrency or DEFAULT_CONCURRENCY.get(config.provider, DEFAULT_REMOTE_CONCURRENCY)
    return ChatModel(
        provider,
        params,
        cache=cache,
        limits=CallLimits(concurrency, config.requests_per_minute),
        retry=RetryPolicy(max_retries=config.max_retries),
    )
