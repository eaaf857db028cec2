"""The provider/model flags shared by `run` and `solve`, and building a ChatModel from them."""

from __future__ import annotations

import argparse
import json
from typing import Any

from codesim.cli.parser import non_negative_float, non_negative_int, positive_float, positive_int
from codesim.errors import UsageError
from codesim.llm.factory import PROVIDER_NAMES, ModelConfig, provider_spec
from codesim.llm.presets import OPENAI_PRESETS
from codesim.llm.reasoning import REASONING_EFFORTS

THINKING_PROVIDERS = ("anthropic", "gemini")


def json_object(value: str) -> dict[str, Any]:
    """A JSON object given on the command line."""
    try:
        data = json.loads(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"expected a JSON object, got {value!r} ({err})") from None
    if not isinstance(data, dict):
        raise argparse.ArgumentTypeError(f"expected a JSON object, got {value!r}")
    return data


def add_model_options(parser: argparse.ArgumentParser) -> None:
    """Add --provider, --model, --base-url, sampling and limit flags."""
    group = parser.add_argument_group("model")
    group.add_argument("--provider", default="local", help=f"one of: {', '.join(PROVIDER_NAMES)} (default: local)")
    group.add_argument("--model", default=None, help="model name (default: the provider's default)")
    group.add_argument("--base-url", default=None, help="endpoint of an OpenAI-compatible server")
    group.add_argument("--model-path", default=None, help="a GGUF file for the local provider")
    group.add_argument("--yes", action="store_true", help="pull a missing local model without asking")
    group.add_argument("--temperature", type=non_negative_float, default=0.0)
    group.add_argument("--top-p", type=positive_float, default=None)
    group.add_argument("--max-tokens", type=positive_int, default=2048)
    group.add_argument("--seed", type=int, default=None)
    group.add_argument("--request-timeout", type=positive_float, default=300.0, help="seconds per request")
    group.add_argument("--max-retries", type=non_negative_int, default=6)
    group.add_argument("--rpm", type=positive_float, default=None, help="requests-per-minute limit")
    group.add_argument("--llm-concurrency", type=positive_int, default=None, help="max requests in flight")
    group.add_argument("--no-cache", action="store_true", help="do not read or write the response cache")
    group.add_argument(
        "--reasoning-effort",
        choices=REASONING_EFFORTS,
        default=None,
        help="OpenAI reasoning models (o1, o3, o4-mini, gpt-5, ...): how long to think. Those models always get "
        "max_completion_tokens (= --max-tokens) and no temperature/top_p",
    )
    group.add_argument(
        "--thinking-budget",
        type=non_negative_int,
        default=None,
        help="anthropic: extended thinking with this many tokens (added to --max-tokens; no temperature); "
        "gemini: the thinking budget (0 turns thinking off)",
    )
    group.add_argument(
        "--extra-body",
        type=json_object,
        default=None,
        metavar="JSON",
        help="a JSON object merged into every request body (provider-specific fields)",
    )


def _check_reasoning_flags(args: argparse.Namespace) -> None:
    if args.reasoning_effort is not None and args.provider not in OPENAI_PRESETS:
        raise UsageError(
            f"--reasoning-effort is for OpenAI-compatible providers; provider '{args.provider}' takes --thinking-budget"
        )
    if args.thinking_budget is not None and args.provider not in THINKING_PROVIDERS:
        raise UsageError(
            f"--thinking-budget is for {' and '.join(THINKING_PROVIDERS)}; provider '{args.provider}' takes "
            "--reasoning-effort (OpenAI reasoning models) or --extra-body"
        )


def model_config_from_args(args: argparse.Namespace) -> ModelConfig:
    """The ModelConfig described by the flags of `add_model_options` (UsageError for an unknown
    provider or a reasoning flag the provider does not take)."""
    provider_spec(args.provider)  # UsageError naming the known providers
    _check_reasoning_flags(args)
    return ModelConfig(
        provider=args.provider,
        model=args.model,
        base_url=args.base_url,
        model_path=args.model_path,
        auto_pull=args.yes,
        temperature=args.temperature,
        top_p=args.top_p,
        max_tokens=args.max_tokens,
        seed=args.seed,
        request_timeout_s=args.request_timeout,
        max_retries=args.max_retries,
        requests_per_minute=args.rpm,
        max_concurrency=args.llm_concurrency,
        use_cache=not args.no_cache,
        reasoning_effort=args.reasoning_effort,
        thinking_budget=args.thinking_budget,
        extra_body=args.extra_body,
    )
