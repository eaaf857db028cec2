"""The statement shown to the model, per kind of problem (templates live in `templates/`)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from codesim.problems import TestCase

if TYPE_CHECKING:
    import jinja2


@cache
def _template(name: str) -> jinja2.Template:
    import jinja2  # only when a statement is rendered (not for HumanEval-style code prompts)

    text = resources.files("codesim.benchmarks").joinpath("templates").joinpath(name).read_text(encoding="utf-8")
    return jinja2.Environment(keep_trailing_newline=True, autoescape=False).from_string(text)


def function_prompt(code_prompt: str) -> str:
    """A function problem whose statement is code: the signature and docstring, as given."""
    return code_prompt


def described_function_prompt(text: str, visible_asserts: Sequence[str]) -> str:
    """A function problem stated in prose (original MBPP): the text and the asserts it shows."""
    return _template("mbpp_prompt.j2").render(text=text, tests=list(visible_asserts)).strip() + "\n"


def functional_class_prompt(statement: str, samples: Sequence[TestCase], starter_code: str) -> str:
    """A LeetCode-style problem: statement, examples, and the class/method stub to complete."""
    return (
        _template("functional_prompt.j2")
        .render(statement=statement, samples=list(samples), starter_code=starter_code)
        .strip()
        + "\n"
    )


def stdio_prompt(
    statement: str,
    samples: Sequence[TestCase],
    *,
    input_spec: str = "",
    output_spec: str = "",
    notes: str = "",
    starter_code: str = "",
) -> str:
    """A stdin/stdout problem: statement, input/output spec, samples, notes and the stdin/stdout instruction."""
    return (
        _template("stdio_prompt.j2")
        .render(
            statement=statement,
            input_spec=input_spec,
            output_spec=output_spec,
            samples=[s for s in samples if s.kind == "io"],
            notes=notes,
            starter_code=starter_code,
        )
        .strip()
        + "\n"
    )
