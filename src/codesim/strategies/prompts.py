"""Rendering the prompt templates in `prompts/` (Jinja2).

Every user message of a task starts with the same problem block (`problem.j2`), followed by
the stage's instructions, and every call shares one fixed system message: calls of one task
then share their longest possible prefix, which local servers reuse from the KV cache.

A template is overridden by a file of the same name (`<name>.j2`) in a user directory: the
directories of `$CODESIM_PROMPTS` (separated by `os.pathsep`), or the ones given to
`prompt_directories(...)` (which the Python API's `prompts=` uses), are searched before the
built-in templates. An overriding template may `{% include %}` the built-in partials.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codesim.errors import UsageError
from codesim.problems import ProblemKind, PublicProblem

if TYPE_CHECKING:
    import jinja2

_TEMPLATES = Path(__file__).parent / "prompts"
PROMPTS_ENV = "CODESIM_PROMPTS"
_USER_DIRECTORIES: ContextVar[tuple[str, ...] | None] = ContextVar("codesim_prompt_directories", default=None)

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


@contextmanager
def prompt_directories(directories: Sequence[str | os.PathLike[str]]) -> Iterator[None]:
    """Within the block (and the asyncio tasks started in it), templates are looked up in
    `directories` first, then in `$CODESIM_PROMPTS`, then among the built-in ones."""
    missing = [str(d) for d in directories if not Path(d).is_dir()]
    if missing:
        raise UsageError(f"prompt template directory not found: {', '.join(missing)}")
    token = _USER_DIRECTORIES.set(tuple(str(Path(d).resolve()) for d in directories))
    try:
        yield
    finally:
        _USER_DIRECTORIES.reset(token)


def user_directories() -> tuple[str, ...]:
    """The user template directories in force, first searched first."""
    from_env = tuple(d for d in os.environ.get(PROMPTS_ENV, "").split(os.pathsep) if d)
    return (_USER_DIRECTORIES.get() or ()) + from_env


@cache
def _environment(directories: tuple[str, ...]) -> jinja2.Environment:
    import jinja2  # only when a prompt is rendered: `codesim --help`, `exec`, `evaluate` never need it

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([*directories, str(_TEMPLATES)]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        autoescape=False,
    )


def render(template: str, **context: Any) -> str:
    """Render `<template>.j2` (a user directory's, else the built-in one) with `context`,
    stripped of outer blank lines."""
    return _environment(user_directories()).get_template(f"{template}.j2").render(**context).strip()


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
