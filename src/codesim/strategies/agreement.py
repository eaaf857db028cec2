"""Choosing among candidate programs by what they output on probe inputs (no expected outputs).

Candidates that output the same on every probe form a group; the largest group wins (AlphaCode's
clustering, CodeT's agreement without its generated expected outputs); ties go to the group of
the earliest candidate (the greedy one comes first), and within a group the earliest candidate
is returned. A `Choice` says when it was a tie, so that the caller can ask for more votes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codesim.execution import TestReport

Behaviour = tuple[tuple[str, str], ...]


def behaviour(report: TestReport) -> Behaviour:
    """What a program did on each probe: ("out", its output) when it finished, else
    (verdict, "") so that two programs failing the same way agree."""
    outcome: list[tuple[str, str]] = []
    for result in report.results:
        if result.verdict.value in ("passed", "failed"):
            outcome.append(("out", "\n".join(line.rstrip() for line in result.actual.strip().splitlines())))
        else:
            outcome.append((result.verdict.value, ""))
    return tuple(outcome)


@dataclass(frozen=True)
class Choice:
    """The chosen candidate and why."""

    candidate: int
    group_size: int
    groups: int
    reason: str
    tied: bool = False  # another group is as large as the chosen one


def choose(order: Sequence[int], behaviours: Mapping[int, Behaviour]) -> Choice:
    """The candidate to keep among `order` (candidate numbers, earliest first), given each
    one's behaviour on the probes."""
    if not order:
        raise ValueError("no candidates to choose from")
    groups: dict[Behaviour, list[int]] = {}
    for candidate in order:
        groups.setdefault(behaviours[candidate], []).append(candidate)
    ranked = sorted(groups.values(), key=lambda members: (-len(members), order.index(members[0])))
    best = ranked[0]
    tied = len(ranked) > 1 and len(ranked[1]) == len(best)
    if len(groups) == 1:
        reason = f"all {len(order)} candidates agree on every probe"
    elif tied:
        reason = f"tie between groups of {len(best)}: the group of the earliest candidate"
    else:
        reason = f"largest of {len(groups)} groups that agree on every probe ({len(best)} of {len(order)})"
    return Choice(best[0], len(best), len(groups), reason, tied)
