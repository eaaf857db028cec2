"""Rendering the prompt templates in `prompts/` (Jinja2).

Every user message of a task starts with the same problem block (`problem.j2`), followed by
the stage's instructions, and every call shares one fixed system message: calls of one task
then share their longest possible prefix, which local servers reuse from the KV cache.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from codesim.problems import ProblemKind, PublicProblem

_TEMPLATES = Path(__file__).parent / "prompts"

LANGUAGE_NAMES = {
    "python": "Python 3",
    "c": "C",
    "cpp": "C++",
    "java": "Java",
    "javascript": "JavaScript",
    "go": "Go",
    "rust": "Rust",
    "ruby": "Ruby",
    "php": "PHP",
}


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        autoescape=False,
    )


def render(template: str, **context: Any) -> str:
    """Render `prompts/<template>.j2` with `context`, stripped of outer blank lines."""
    return _environment().get_template(f"{template}.j2").render(**context).strip()


def problem_context(problem: PublicProblem) -> dict[str, Any]:
    """The variables every template may use about the problem and the answer format."""
    entry_point = problem.entry_point or ""
    starter = problem.starter_code.strip()
    return {
        "problem": problem,
        "statement": problem.prompt.strip(),
        "starter": starter if starter and starter not in problem.prompt else "",
        "samples": [test.describe() for test in problem.visible_tests],
        "stdio": problem.kind is ProblemKind.STDIO,
        "language": problem.language,
        "language_name": LANGUAGE_NAMES.get(problem.language, problem.language),
        "fence": problem.language,
        "entry_point": entry_point,
        "call_target": _call_target(entry_point),
    }


def _call_target(entry_point: str) -> str:
    """How a test calls the entry point: `f` or, for `Solution.method`, `Solution().method`."""
    owner, _, method = entry_point.rpartition(".")
    return f"{owner}().{method}" if owner else entry_point


def system_message() -> str:
    """The fixed system message of every call."""
    return render("system")


def problem_block(problem: PublicProblem) -> str:
    """The problem statement, starter code and sample tests: the first part of every prompt."""
    return render("problem", **problem_context(problem))
