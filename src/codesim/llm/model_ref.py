"""What a caller may pass as "the model": a name, a ModelConfig, a ChatModel or a Provider.

- `"<provider>/<model>"` (`"openai/gpt-4o"`, `"local/qwen2.5-coder-0.5b"`,
  `"openrouter/meta-llama/llama-3-70b"`: the provider is the part before the first `/`), or a
  provider name alone for its default model;
- a `ModelConfig` (every knob: base URL, sampling, retries, limits, cache);
- a ready `ChatModel`, used as it is (and left open: it belongs to the caller);
- a `Provider`, wrapped in a ChatModel with default parameters (the model name is the
  provider's `model` attribute if it has one, else its name).

`model_source` turns any of these into a ModelConfig (built later, where it is used) or a
ChatModel; `model_config_of` describes either as the ModelConfig that config.json records, so
a run's recorded model is always the model actually used.
"""

from __future__ import annotations

from codesim.errors import UsageError
from codesim.llm.base import ChatParams, Provider
from codesim.llm.chat import ChatModel
from codesim.llm.factory import ModelConfig, provider_spec

ModelLike = str | ModelConfig | ChatModel | Provider | None


def parse_model_name(name: str) -> ModelConfig:
    """`"openai/gpt-4o"` -> ModelConfig(provider="openai", model="gpt-4o"); `"local"` -> the
    local provider's default model. UsageError for an unknown provider."""
    provider, _, model = name.strip().partition("/")
    if not provider:
        raise UsageError(f"model {name!r} names no provider; expected '<provider>/<model>', e.g. 'openai/gpt-4o'")
    provider_spec(provider)  # an unknown provider is refused now, naming the known ones
    return ModelConfig(provider=provider, model=model or None)


def model_source(model: ModelLike) -> ModelConfig | ChatModel:
    """A ModelConfig to build the model from, or the ChatModel to use as it is."""
    if model is None:
        return ModelConfig()
    if isinstance(model, (ModelConfig, ChatModel)):
        return model
    if isinstance(model, str):
        return parse_model_name(model)
    if isinstance(model, Provider):
        name = getattr(model, "model", None) or model.name
        return ChatModel(model, ChatParams(model=str(name)))
    raise TypeError(
        f"model must be a name ('openai/gpt-4o'), a ModelConfig, a ChatModel or a Provider, not {type(model).__name__}"
    )


def model_config_of(source: ModelConfig | ChatModel) -> ModelConfig:
    """The ModelConfig describing `source`: itself, or what a ChatModel object really uses
    (provider, endpoint, model, sampling parameters, retries, limits, cache)."""
    if isinstance(source, ModelConfig):
        return source
    params = source.params
    return ModelConfig(
        provider=source.provider.name,
        model=params.model,
        base_url=source.provider.base_url,
        temperature=params.temperature,
        top_p=params.top_p,
        max_tokens=params.max_tokens,
        seed=params.seed,
        max_retries=source.retry.max_retries,
        max_concurrency=source.limits.max_concurrency,
        use_cache=source.cache is not None,
    )
