"""What `codesim run` tells the user about a run: the --dry-run estimate and the closing line."""

from __future__ import annotations

from codesim.pricing import PRICES_AS_OF
from codesim.runner.config import RunConfig
from codesim.runner.dry_run import ASSUMED_COMPLETION_TOKENS, Estimate
from codesim.runner.engine import StopReason
from codesim.runner.session import RunOutcome


def print_estimate(found: Estimate, dataset: str, strategy: str, provider: str) -> None:
    """The --dry-run report of one run on stdout."""
    best, worst = found.best, found.worst
    best_cost, worst_cost = found.cost(best), found.cost(worst)
    cost = (
        f"${best_cost:.4f} to ${worst_cost:.4f} (list prices of {PRICES_AS_OF})"
        if best_cost is not None and worst_cost is not None
        else f"unknown (no list price for {found.model})"
    )
    print(
        f"dry run, no model called: {dataset} with {strategy} on {provider}/{found.model}\n"
        f"  tasks:             {found.tasks} x {found.samples} sample(s)\n"
        f"  model calls:       {best.calls} (every first code passes) to {worst.calls} (none passes)\n"
        f"  prompt tokens:     {best.prompt_tokens} to {worst.prompt_tokens}\n"
        f"  completion tokens: {best.completion_tokens} to {worst.completion_tokens} "
        f"(assuming {ASSUMED_COMPLETION_TOKENS} per call)\n"
        f"  cost:              {cost}"
    )


def closing_message(outcome: RunOutcome, config: RunConfig) -> str | None:
    """The last line of an invocation that did not simply complete: what happened, what is
    saved, how to go on; None for a clean finish."""
    summary = outcome.summary
    wanted = summary["n_tasks_selected"] * config.samples
    judged = summary["n_samples"] - summary.get("errors", 0)
    done = f"{judged} of {wanted} samples are judged and saved in {outcome.out_dir}"
    again = "run the same command again to"
    refused = "the server refused the request as invalid, so retrying it unchanged will not help"
    messages = {
        StopReason.INTERRUPTED: f"interrupted: {done}; {again} resume",
        StopReason.BUDGET: (
            f"stopped: the budget of {config.budget_tokens} new tokens is spent; {done}; {again} continue"
        ),
        StopReason.PROVIDER_ERRORS: (
            f"stopped: samples kept failing at the provider (last: {outcome.last_error}); {done}; "
            f"{again} retry the failed samples and continue"
        ),
        StopReason.PROVIDER_UNREACHABLE: (
            f"error: the provider cannot be reached: {outcome.last_error}; {done}; start the server "
            f"(or fix --base-url/--provider), then {again} resume"
        ),
        StopReason.PROVIDER_REJECTED: (
            f"error: the provider refused the request: {outcome.last_error}; {refused}: fix the model name, "
            f"API key or parameters, then run again with the same --out to resume ({done})"
        ),
    }
    if outcome.reason is StopReason.COMPLETE and summary.get("errors"):
        errors, last = summary["errors"], f" (last: {outcome.last_error})" if outcome.last_error else ""
        samples, them = ("samples", "them") if errors != 1 else ("sample", "it")
        unscored = f"pass@k is not computed until {'they are' if errors != 1 else 'it is'} redone"
        if outcome.last_error_kind == "rejected":
            return f"{errors} {samples} failed at the provider{last}; {unscored}; {refused}"
        return f"{errors} {samples} failed at the provider{last}; {unscored}; {again} retry {them}"
    return messages.get(outcome.reason)
