"""Reading the structured parts of model answers, robustly.

Each prompt asks for an explicit marker line (`VERDICT: ...`, `ERROR SOURCE: ...`,
`CONFIDENCE: N`) or heading (`## Plan`, `## Example N`, `## Algorithm`). The marker is matched
exactly (ignoring case, surrounding Markdown emphasis and spaces); when it is missing, a
documented fallback is used and reported in the returned note, which starts with
`FALLBACK_TAG`. Small models ignore headers often, so the runner sums these notes
(`count_fallbacks`) to measure how often parsing falls back.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from codesim.extract import strip_reasoning
from codesim.strategies.base import TraceStep

FALLBACK_TAG = "fallback:"

_DECORATION = r"[\s*_`#>\-]*"


def _marker(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"^{_DECORATION}{pattern}{_DECORATION}[.!]?{_DECORATION}$", re.IGNORECASE | re.MULTILINE)


_VERDICT = _marker(r"VERDICT\s*:\s*\**\s*PLAN\s+(IS\s+CORRECT|NEEDS\s+CHANGES)")
_ERROR_SOURCE = _marker(r"ERROR\s+SOURCE\s*:\s*\**\s*(PLAN|CODE)")
_CONFIDENCE = _marker(r"CONFIDENCE\s*:\s*\**\s*(\d{1,3})\s*%?")
# Looser wordings, most specific first: "the bug is in the plan", then "the code is wrong".
_LOOSE_ERROR_SOURCES = (
    re.compile(r"(?:bug|error|mistake|problem|issue)\s+(?:is\s+|lies\s+)?in\s+the\s+(plan|code)", re.IGNORECASE),
    re.compile(
        # not "if the plan itself is wrong": the prompt's own wording, echoed back
        r"(?<!if\s)the\s+(plan|code)\s+(?:itself\s+)?(?:is\s+(?:wrong|incorrect|flawed)|has\s+a\s+(?:bug|mistake|flaw))",
        re.IGNORECASE,
    ),
)
_LOOSE_CONFIDENCE = re.compile(r"confiden\w*\D{0,30}?(\d{1,3})\s*%?", re.IGNORECASE)
_NEGATIVE_WORDS = re.compile(
    r"needs?\s+(?:to\s+be\s+)?(?:changes?|changed|modification|modified|fix(?:ing|ed)?|revis\w+)"
    r"|does\s+not\s+match|doesn't\s+match|do\s+not\s+match|mismatch|incorrect|is\s+wrong|not\s+correct",
    re.IGNORECASE,
)
_POSITIVE_WORDS = re.compile(
    r"plan\s+(?:is|was|seems|looks)\s+(?:correct|right|fine|good|valid|ok)|matches\s+the\s+expected", re.IGNORECASE
)
_HEADING = re.compile(
    r"^\s*(?P<mark>#{1,6}|\*\*)?\s*(?P<title>[A-Za-z][\w -]{0,40}?)\s*(?:\*\*)?\s*:?\s*(?:\*\*)?\s*$", re.MULTILINE
)
_SECTION_END_TITLE = re.compile(
    r"^(?:attempts?\s+that\s+already\s+failed|failed\s+attempts?(?:\s+\d+)?|(?:python\s+)?code|implementation"
    r"|explanation|example\s+usage|tests?|test\s+cases?|what\s+happened)$",
    re.IGNORECASE,
)
_PLAN_TITLE = re.compile(r"^(?:step[- ]by[- ]step\s+|corrected\s+|revised\s+|new\s+|final\s+)*plan$", re.IGNORECASE)
_ALGORITHM_TITLE = re.compile(r"^algorithm\w*(?:\s+\w+){0,3}$", re.IGNORECASE)
_EXAMPLE_HEADING = re.compile(r"^\s*(?:#{1,6}\s*|\*\*\s*)?(?:example|problem)\s*\d+\b.*$", re.IGNORECASE | re.MULTILINE)


def fallback(message: str) -> str:
    """A note recording that parsing fell back."""
    return f"{FALLBACK_TAG} {message}"


def count_fallbacks(steps: Iterable[TraceStep]) -> int:
    """How many parse fallbacks the notes of `steps` record."""
    return sum(step.note.count(FALLBACK_TAG) for step in steps)


def plan_verdict(text: str) -> tuple[bool, str]:
    """(plan needs changes?, note) from a simulation answer. The last VERDICT line wins;
    without one, the last wording of mismatch ('does not match', ...) or of success ('the
    plan is correct', ...) decides; with neither, the plan counts as correct."""
    text = strip_reasoning(text)
    verdicts = _VERDICT.findall(text)
    if verdicts:
        return "NEEDS" in verdicts[-1].upper(), ""
    wordings = [(m.start(), True, m.group(0)) for m in _NEGATIVE_WORDS.finditer(text)]
    wordings += [(m.start(), False, m.group(0)) for m in _POSITIVE_WORDS.finditer(text)]
    if wordings:
        _, needs_changes, words = max(wordings)
        verdict = "plan needs changes" if needs_changes else "plan is correct"
        return needs_changes, fallback(f"no VERDICT line; '{words}' read as '{verdict}'")
    return False, fallback("no VERDICT line and no wording of success or mismatch; read as 'plan is correct'")


def error_source(text: str) -> tuple[str, str]:
    """('plan' | 'code' | 'unknown', note) from a debugging answer's ERROR SOURCE line; else
    from wording such as 'the bug is in the plan' or 'the code is wrong'."""
    text = strip_reasoning(text)
    found = _ERROR_SOURCE.findall(text)
    if found:
        return found[-1].lower(), ""
    for wording in _LOOSE_ERROR_SOURCES:
        if loose := wording.search(text):
            source = loose.group(1).lower()
            return source, fallback(f"no ERROR SOURCE line; '{loose.group(0)}' read as '{source}'")
    return "unknown", fallback("no ERROR SOURCE line")


def confidence(text: str) -> tuple[int, str]:
    """(0..100, note) from a planning answer's CONFIDENCE line; else the first number
    after a word like 'confidence'; else 0."""
    text = strip_reasoning(text)
    found = _CONFIDENCE.findall(text)
    if found:
        return min(int(found[-1]), 100), ""
    loose = _LOOSE_CONFIDENCE.search(text)
    if loose:
        value = min(int(loose.group(1)), 100)
        return value, fallback(f"no CONFIDENCE line; read {value} from '{loose.group(0)}'")
    return 0, fallback("no confidence given; used 0")


@dataclass(frozen=True)
class _Heading:
    """A heading-like line: its title, where its line and its body start, and its level
    (1-6 for Markdown `#` headings, 7 for a bold line, 8 for a bare `Title:` line)."""

    title: str
    line: int
    body: int
    level: int


def _headings(text: str) -> list[_Heading]:
    """Every heading-like line, in order."""
    levels = {None: 8, "**": 7}
    return [
        _Heading(m.group("title").strip(), m.start(), m.end(), levels.get(m.group("mark"), len(m.group("mark") or "")))
        for m in _HEADING.finditer(text)
    ]


def drop_confidence(text: str) -> str:
    """`text` without its CONFIDENCE line(s)."""
    return _CONFIDENCE.sub("", text).strip()


def plan_section(text: str) -> tuple[str, str]:
    """(plan, note): the section under the last `Plan` heading (Markdown headings preferred
    over bold or bare ones), up to the next heading of its level or higher or a heading such
    as 'Code' or an echoed 'Failed attempt'; a CONFIDENCE line removed. Else the whole answer."""
    text = strip_reasoning(text)
    headings = _headings(text)
    plans = [h for h in headings if _PLAN_TITLE.match(h.title)]
    if plans:
        start = ([h for h in plans if h.level <= 6] or plans)[-1]
        ends = (
            h.line
            for h in headings
            if h.line > start.line and (_SECTION_END_TITLE.match(h.title) or h.level <= min(start.level, 7))
        )
        body = drop_confidence(text[start.body : next(ends, len(text))])
        if body:
            return body, ""
    whole = drop_confidence(text)
    return whole, fallback("no 'Plan' heading; used the whole answer as the plan")


def algorithm_section(text: str) -> tuple[str, str]:
    """(tutorial, note): the text under the last `Algorithm` heading, else ''."""
    text = strip_reasoning(text)
    found = [h.body for h in _headings(text) if _ALGORITHM_TITLE.match(h.title)]
    if found and text[found[-1] :].strip():
        return text[found[-1] :].strip(), ""
    return "", fallback("no 'Algorithm' heading; no algorithm notes")


def exemplars(text: str, count: int) -> tuple[list[str], str]:
    """(up to `count` recalled examples, note), split at `Example N` headings and cut
    before the `Algorithm` heading; else the whole answer as one example."""
    text = strip_reasoning(text)
    algorithm_at = [h.line for h in _headings(text) if _ALGORITHM_TITLE.match(h.title)]
    head = text[: algorithm_at[-1]] if algorithm_at else text
    starts = [m.start() for m in _EXAMPLE_HEADING.finditer(head)]
    parts = [head[a:b].strip() for a, b in pairwise([*starts, len(head)])]
    parts = [p for p in parts if p]
    if not parts:
        return [head.strip() or text.strip()], fallback("no 'Example N' headings; used the whole answer as one example")
    note = "" if len(parts) >= count else fallback(f"found {len(parts)} of {count} examples")
    return parts[:count], note


@dataclass(frozen=True)
class ParsedTest:
    """A test case proposed by the model: a key that identifies its input and the expected
    result, both normalised so two generations can be compared."""

    key: str
    expected: str
    source: str  # assert line (function problems) or stdin text (stdio problems)
    expected_output: str = ""  # the stdout text, for stdio problems


def assert_tests(text: str) -> list[ParsedTest]:
    """`assert call(...) == expected` lines (the call normalised by the Python parser)."""
    tests: list[ParsedTest] = []
    for line in strip_reasoning(text).splitlines():
        line = line.strip()
        if not line.startswith("assert "):
            continue
        try:
            node = ast.parse(line).body[0]
        except SyntaxError:
            continue
        compare = getattr(node, "test", None)
        if not (isinstance(compare, ast.Compare) and len(compare.ops) == 1 and isinstance(compare.ops[0], ast.Eq)):
            continue
        if not isinstance(compare.left, ast.Call):
            continue
        tests.append(ParsedTest(ast.unparse(compare.left), ast.unparse(compare.comparators[0]), ast.unparse(node)))
    return tests


_IO_TEST = re.compile(
    r"^\W*input\W*$\n(?P<input>.*?)^\W*(?:expected\s+)?output\W*$\n(?P<output>.*?)(?=^\W*input\W*$|\Z)",
    re.IGNORECASE | re.MULTILINE | re.DOTALL,
)


def _clean_block(text: str) -> str:
    lines = [line for line in text.splitlines() if not line.strip().startswith(("```", "~~~"))]
    return "\n".join(line.rstrip() for line in lines).strip()


def io_tests(text: str) -> list[ParsedTest]:
    """`Input:` / `Output:` pairs (fence lines and trailing spaces removed)."""
    tests: list[ParsedTest] = []
    for found in _IO_TEST.finditer(strip_reasoning(text)):
        stdin, stdout = _clean_block(found.group("input")), _clean_block(found.group("output"))
        if stdin and stdout:
            tests.append(ParsedTest(" ".join(stdin.split()), " ".join(stdout.split()), stdin + "\n", stdout + "\n"))
    return tests
