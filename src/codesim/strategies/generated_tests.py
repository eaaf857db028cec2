"""Extra test cases from the model, kept only where two independent generations agree."""

from __future__ import annotations

from codesim.problems import ProblemKind, TestCase
from codesim.strategies.parsing import ParsedTest, assert_tests, fallback, io_tests
from codesim.strategies.session import TaskSession, add_note


def agreed_tests(first: list[ParsedTest], second: list[ParsedTest]) -> list[ParsedTest]:
    """Tests of `first` whose input the second generation also tested with the same
    expected result (first occurrence of each input only)."""
    expected_by_key: dict[str, set[str]] = {}
    for test in second:
        expected_by_key.setdefault(test.key, set()).add(test.expected)
    kept: dict[str, ParsedTest] = {}
    for test in first:
        if test.key not in kept and test.expected in expected_by_key.get(test.key, set()):
            kept[test.key] = test
    return list(kept.values())


async def add_generated_tests(session: TaskSession, count: int, temperature: float) -> list[TestCase]:
    """Ask twice for `count` new tests (stage `test_generation`, two sample indexes at
    `temperature`), keep the agreed ones that are not already visible, and add them to the
    session's visible tests. Returns the tests added."""
    problem = session.problem
    stdio = problem.kind is ProblemKind.STDIO
    if not stdio and (problem.language != "python" or not problem.entry_point):
        return []  # function tests are written as Python asserts on the entry point
    parse = io_tests if stdio else assert_tests
    generations: list[list[ParsedTest]] = []
    for index in (0, 1):
        step = await session.ask(
            "test_generation",
            "test_generation",
            attempt={"generation": index + 1},
            temperature=temperature,
            sample_index=2 * session.sample_index + index,
            count=count,
        )
        parsed = parse(step.response)
        add_note(step, f"{len(parsed)} tests parsed" if parsed else fallback("no test in the expected form"))
        generations.append(parsed)
    visible = {_visible_key(test) for test in problem.visible_tests}
    kept = [test for test in agreed_tests(*generations) if test.key not in visible][:count]
    tests = [TestCase("io", t.source, t.expected_output) if stdio else TestCase("assert", t.source) for t in kept]
    last = session.trace.steps[-1]
    if tests and not session.use_extra_tests(tests):
        add_note(last, "the test runner takes no extra_tests: generated tests not used")
        return []
    add_note(last, f"{len(tests)} agreed tests added")
    return tests


def _visible_key(test: TestCase) -> str:
    """The key a visible test would have as a generated one, to drop duplicates."""
    if test.kind == "io":
        return " ".join(str(test.input).split())
    parsed = assert_tests(str(test.input))
    return parsed[0].key if len(parsed) == 1 else ""
