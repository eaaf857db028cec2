"""A developer's problem statement (Markdown or plain text) -> a `PublicProblem`.

The kind is detected unless forced: a `def name(...)` signature (or a method of a top-level
class) makes a function problem with that entry point, Python only; anything else is a
stdin/stdout program. Visible tests: for a function problem, the examples of
`signature.function_examples` (`assert` tests); for a stdin/stdout problem, those of
`io_examples` (`io` tests).
"""

from __future__ import annotations

from enum import Enum

from codesim.errors import UsageError
from codesim.problems import ProblemKind, PublicProblem, TestCase
from codesim.solve.io_examples import io_examples
from codesim.solve.signature import Signature, find_signature, function_examples


class KindChoice(str, Enum):
    """What `--kind` accepts."""

    AUTO = "auto"
    FUNCTION = "function"
    STDIO = "stdio"


def _function_problem(statement: str, signature: Signature, task_id: str) -> PublicProblem:
    tests = tuple(TestCase("assert", text) for text in function_examples(statement, signature))
    return PublicProblem(
        task_id=task_id,
        prompt=statement.strip(),
        kind=ProblemKind.FUNCTION,
        language="python",
        entry_point=signature.entry_point,
        starter_code=signature.starter_code,
        visible_tests=tests,
    )


def _stdio_problem(statement: str, language: str, task_id: str) -> PublicProblem:
    return PublicProblem(
        task_id=task_id,
        prompt=statement.strip(),
        kind=ProblemKind.STDIO,
        language=language,
        visible_tests=tuple(io_examples(statement)),
    )


def parse_statement(
    statement: str, *, language: str = "python", task_id: str = "problem", kind: KindChoice = KindChoice.AUTO
) -> PublicProblem:
    """The problem `statement` describes, with the examples it shows as visible tests.

    `language` must already be normalised (`codesim.execution.normalize_language`)."""
    if not statement.strip():
        raise UsageError("the problem statement is empty")
    signature = find_signature(statement) if kind is not KindChoice.STDIO else None
    if kind is KindChoice.FUNCTION and signature is None:
        raise UsageError("{kind} function needs a `def name(...)` signature in the statement", settings=("kind",))
    if signature is None:
        return _stdio_problem(statement, language, task_id)
    if language != "python":
        raise UsageError(
            f"the statement shows a Python signature (`{signature.entry_point}`): function problems are "
            f"Python only; use {{language}} python, or {{kind}} stdio for a {language} program reading stdin",
            settings=("language", "kind"),
        )
    return _function_problem(statement, signature, task_id)
