"""API list prices of hosted models, for cost estimates (a run's summary, `--dry-run`, the report).

Each provider's rows were read from the page named in `SOURCES` on the date given there; prices
change, so check them before relying on a figure. Reasoning ("thinking") tokens are billed as
output and are part of the completion tokens. Long-prompt surcharges (Gemini 2.5 Pro above 200k
prompt tokens), cache discounts and batch prices are not modelled. A model not listed here (a
local model, a self-hosted server) has no price: its cost is shown as unknown, never as 0.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PriceSource:
    """Where and when a provider's prices were read."""

    url: str
    read: str  # YYYY-MM, the date of the page's figures


SOURCES: dict[str, PriceSource] = {
    "openai": PriceSource(
        "https://platform.openai.com/docs/pricing (as tabulated at deploybase.ai/articles/openai-pricing)", "2026-03"
    ),
    "anthropic": PriceSource(
        "https://docs.anthropic.com/en/docs/about-claude/pricing (platform.claude.com model overviews)", "2025-11"
    ),
    "gemini": PriceSource(
        "https://ai.google.dev/gemini-api/docs/pricing (Standard tier, prompts <= 200k tokens)", "2026-01"
    ),
}
PRICES_AS_OF = f"{min(s.read for s in SOURCES.values())} to {max(s.read for s in SOURCES.values())}"
"""The range of dates of the price table's sources."""

# model name -> (USD per million prompt tokens, USD per million completion tokens), by provider
_PRICES: dict[str, dict[str, tuple[float, float]]] = {
    "openai": {
        "gpt-4o": (2.50, 10.00),  # the openai provider's default model
        "gpt-4o-mini": (0.15, 0.60),
        "gpt-4.1": (2.00, 8.00),
        "gpt-4.1-mini": (0.40, 1.60),
        "gpt-4.1-nano": (0.10, 0.40),
        "gpt-5": (1.25, 10.00),
        "gpt-5-mini": (0.25, 2.00),
        "gpt-5-nano": (0.05, 0.40),
        "o1": (15.00, 60.00),
        "o3": (2.00, 8.00),
        "o3-mini": (1.10, 4.40),
        "o4-mini": (1.10, 4.40),
        "gpt-4-turbo": (10.00, 30.00),
        "gpt-3.5-turbo": (0.50, 1.50),
    },
    "anthropic": {
        "claude-sonnet-4-5": (3.00, 15.00),  # the anthropic provider's default model
        "claude-sonnet-4": (3.00, 15.00),
        "claude-haiku-4-5": (1.00, 5.00),
        "claude-opus-4": (15.00, 75.00),
        "claude-3-7-sonnet": (3.00, 15.00),
        "claude-3-5-sonnet": (3.00, 15.00),
        "claude-3-5-haiku": (0.80, 4.00),
        "claude-3-opus": (15.00, 75.00),
        "claude-3-haiku": (0.25, 1.25),
    },
    "gemini": {
        "gemini-2.5-flash": (0.30, 2.50),  # the gemini provider's default model
        "gemini-2.5-flash-lite": (0.10, 0.40),
        "gemini-2.5-pro": (1.25, 10.00),
        "gemini-1.5-pro": (1.25, 5.00),
        "gemini-1.5-flash": (0.075, 0.30),
    },
}
PRICES_PER_MILLION: dict[str, tuple[float, float]] = {
    model: price for table in _PRICES.values() for model, price in table.items()
}


def price_for(model: str) -> tuple[float, float] | None:
    """The prices of `model`: an exact entry, else the longest entry its name starts with
    (dated variants such as `gpt-4o-2024-08-06`); a provider prefix (`openai/`) is ignored."""
    name = model.rsplit("/", 1)[-1].lower()
    if name in PRICES_PER_MILLION:
        return PRICES_PER_MILLION[name]
    prefixes = [key for key in PRICES_PER_MILLION if name.startswith(key + "-")]
    return PRICES_PER_MILLION[max(prefixes, key=len)] if prefixes else None


def cost_usd(model: str, prompt_tokens: int, completion_tokens: int) -> float | None:
    """Estimated cost in USD at list prices, None when the model's price is not known."""
    prices = price_for(model)
    if prices is None:
        return None
    return (prompt_tokens * prices[0] + completion_tokens * prices[1]) / 1_000_000
