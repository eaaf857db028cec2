"""Building a ChatModel from a provider name and options (one registry, no if/elif chain).

Other packages add providers with `@register_provider(...)` or through the entry-point group
`codesim.providers` (see `codesim.plugins`): a provider is built by `build(config) -> Provider`
from the run's `ModelConfig`.
"""

from __future__ import annotations

import json
import os
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
from codesim.plugins import Registry


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
    from codesim.llm.local_provider import create_local_provider

    return create_local_provider(config)


ProviderBuilder = Callable[[ModelConfig], Provider]


@dataclass(frozen=True)
class ProviderSpec:
    """A named provider: how to build it from a ModelConfig, its default model (None: a model
    must be named) and its default number of calls in flight (None: the remote default)."""

    name: str
    build: ProviderBuilder
    default_model: str | None = None
    default_concurrency: int | None = None


DEFAULT_REMOTE_CONCURRENCY = 16  # calls in flight for providers with no default of their own


def _spec_of_plugin(name: str, loaded: Any) -> ProviderSpec:
    """An entry point's object as a spec: a ProviderSpec as is, else a builder `(config) -> Provider`."""
    if isinstance(loaded, ProviderSpec):
        return loaded
    if not callable(loaded):
        raise TypeError(f"provider plugin {name!r} is neither a ProviderSpec nor callable")
    return ProviderSpec(name, loaded)


PROVIDERS: Registry[ProviderSpec] = Registry("codesim.providers", "provider", _spec_of_plugin)
for _name in OPENAI_PRESETS:
    PROVIDERS.add(_name, ProviderSpec(_name, _openai_compatible, "gpt-4o" if _name == "openai" else None))
PROVIDERS.add("anthropic", ProviderSpec("anthropic", _anthropic, "claude-sonnet-4-5"))
PROVIDERS.add("gemini", ProviderSpec("gemini", _gemini, "gemini-2.5-flash"))
# calls in flight: as many as the local engine decodes together (CODESIM_LLAMA_PARALLEL, default 8)
PROVIDERS.add("local", ProviderSpec("local", _local, "qwen2.5-coder-0.5b", default_concurrency=8))
PROVIDER_NAMES: tuple[str, ...] = tuple(PROVIDERS.items)  # the built-in providers


def register_provider(
    name: str, *, default_model: str | None = None, default_concurrency: int | None = None
) -> Callable[[ProviderBuilder], ProviderBuilder]:
    """Register the decorated builder (a Provider subclass or a function, called as
    `build(config: ModelConfig) -> Provider`) as provider `name`. Returns it unchanged."""

    def decorate(build: ProviderBuilder) -> ProviderBuilder:
        PROVIDERS.add(name, ProviderSpec(name, build, default_model, default_concurrency), replace=True)
        return build

    return decorate


def provider_spec(name: str) -> ProviderSpec:
    """The spec of provider `name`; UsageError naming the known providers if there is none."""
    spec = PROVIDERS.find(name)
    if spec is None:
        raise UsageError(f"unknown provider '{name}'; choose one of: {', '.join(PROVIDERS.names())}")
    return spec


def default_concurrency(provider: str) -> int | None:
    """The calls in flight a provider asks for by default (local: 8), None when it has no default."""
    spec = PROVIDERS.find(provider)
    return spec.default_concurrency if spec is not None else None


def resolve_model_name(config: ModelConfig) -> str:
    """The model to use: the one asked for, else the provider's default (UsageError for an
    unknown provider)."""
    spec = provider_spec(config.provider)
    if config.model:
        return config.model
    if config.model_path:
        return Path(config.model_path).stem
    default = spec.default_model
    if default:
        return default
    raise UsageError(f"provider '{config.provider}' has no default model: pass {{model}}", settings=("model",))


def create_provider(config: ModelConfig) -> Provider:
    """The raw provider named by `config.provider`."""
    return provider_spec(config.provider).build(config)


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
    concurrency = config.max_concurrency or default_concurrency(config.provider) or DEFAULT_REMOTE_CONCURRENCY
    return ChatModel(
        provider,
        params,
        cache=cache,
        limits=CallLimits(concurrency, config.requests_per_minute),
        retry=RetryPolicy(max_retries=config.max_retries),
    )
