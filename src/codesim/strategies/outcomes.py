"""How a task sample ended: the `StrategyResult.outcome` vocabulary.

- `first_code`: the first code (plan 1, before any debugging) passed the visible tests.
- `debug_round_<n>`: plan 1's code passed after debugging round n (n >= 1).
- `plan_<m>`: the first code of plan attempt m (m >= 2) passed.
- `plan_<m>_debug_<n>`: plan attempt m's code passed after debugging round n.
- `sample`: codesim-adaptive / sample-filter: a sampled direct candidate (not the greedy one)
  was returned. For these strategies plan attempt 1 is the direct candidates and attempt
  m >= 2 is escalation round m - 1.
- `unsolved`: codes were produced but none passed; the last one is returned.
- `no_code`: no answer contained usable code (even after the one retry per answer).

Single-shot baselines use only `first_code`, `unsolved` and `no_code`. A budget stop
ends as `unsolved` or `no_code`, with the reason in the last trace step's note.
"""

from __future__ import annotations

SAMPLE = "sample"
UNSOLVED = "unsolved"
NO_CODE = "no_code"


def solved_outcome(plan: int, debug_round: int) -> str:
    """The outcome name of a code that passed: plan attempt `plan` (1-based), after
    `debug_round` debugging rounds (0 = the plan's first code)."""
    if plan == 1:
        return "first_code" if debug_round == 0 else f"debug_round_{debug_round}"
    return f"plan_{plan}" if debug_round == 0 else f"plan_{plan}_debug_{debug_round}"
