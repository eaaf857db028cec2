"""Known API list prices, for the report's cost estimate (shown only for models listed here)."""

from __future__ import annotations

PRICES_AS_OF = "2025-01"
"""When these list prices were read from the providers' public price pages; check before relying on them."""

# model name -> (USD per million prompt tokens, USD per million completion tokens)
PRICES_PER_MILLION: dict[str, tuple[float, float]] = {
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4-turbo": (10.00, 30.00),
    "gpt-3.5-turbo": (0.50, 1.50),
    "claude-3-5-sonnet": (3.00, 15.00),
    "claude-3-5-haiku": (0.80, 4.00),
    "claude-3-opus": (15.00, 75.00),
    "claude-3-haiku": (0.25, 1.25),
    "gemini-1.5-pro": (1.25, 5.00),
    "gemini-1.5-flash": (0.075, 0.30),
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
