"""The stdin/stdout examples a problem statement shows, as `io` tests.

A *label* line names an example's input or output: `Input` or `Output` (also `stdin`/`stdout`),
with an optional `Sample`, `Example` or `Expected` in front, an optional number, optional
Markdown decoration (`#`, `**`, `>`, a list bullet), an optional AtCoder-style `Copy` and an
optional colon: `Sample Input 1`, `**Output:**`, `### Example input 2`, `Input: 3 4`.

A label's value is, in this order:
- the text after the colon on the label line (with the lines right below it, if any);
- else the fenced block that follows (blank lines inside a fence are kept);
- else the lines that follow, up to a blank line, another label, a heading, a fence or an
  `Explanation`/`Note`/`Constraints` line.
Labels inside a fence that follows no label are read as well (a fenced `Input:` ... `Output:`).
An input and its output may also share one line: `Input: 5, Output: 25` (or `;`, `->`, `→`,
`=>` between them).
Each input is paired with the next output. Contest statements also use plain `Input` /
`Output` headings for the *format description* ("The first line contains n ..."): a pair with
plain labels whose value reads like such a description is not an example.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from codesim.problems import TestCase

_DECORATION = re.compile(r"^\s*(?:>\s*)*(?:[-*+]\s+)?#{0,6}\s*")
_LABEL = re.compile(
    r"^(?P<prefix>(?:sample|example|expected)\s+)?(?P<side>input|output|stdin|stdout)"
    r"(?:\s*#?\s*\d+)?(?:\s+copy)?\s*(?::\s*(?P<inline>.*))?$",
    re.IGNORECASE,
)
_ONE_LINE_PAIR = re.compile(
    r"^(?P<input>.+?)\s*(?:[,;]|->|→|=>)?\s+(?:expected\s+)?(?:output|stdout)\s*:\s*(?P<output>.+)$", re.IGNORECASE
)
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_STOP_WORDS = re.compile(r"^(?:explanation|note|notes|constraints|hint)\b", re.IGNORECASE)
_FORMAT_WORDS = re.compile(
    r"\b(?:lines?|contains?|integers?|denot\w*|separated|consists?|print|given|describ\w*|each\s+test)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){3,}")
_DESCRIPTION = re.compile(
    r"\b(?:a|an|the|its|their)\s+(?:\w+\s+)?(?:integers?|numbers?|strings?|list|array|sequence|words?|"
    r"characters?|sum|product|value|result|answer)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Label:
    side: str  # "input" | "output"
    prefixed: bool  # Sample/Example/Expected in front
    inline: str | None  # text after the colon, when any


def _label(line: str) -> _Label | None:
    """The label on `line`, if it is one."""
    text = _DECORATION.sub("", line, count=1).replace("**", "").replace("__", "").strip()
    match = _LABEL.match(text)
    if match is None:
        return None
    side = "input" if match.group("side").lower() in ("input", "stdin") else "output"
    inline = match.group("inline")
    inline = inline.strip().strip("`").strip() if inline is not None else None
    return _Label(side, bool(match.group("prefix")), inline or None)


def _one_line_pair(label: _Label) -> tuple[str, str] | None:
    """The input and output of an input label whose inline text also holds the output."""
    if label.side != "input" or label.inline is None:
        return None
    match = _ONE_LINE_PAIR.match(label.inline)
    if match is None:
        return None
    return match.group("input").strip("` "), match.group("output").strip("` ")


def _is_heading(line: str) -> bool:
    return bool(re.match(r"^\s*#{1,6}\s", line))


def _ends_value(line: str) -> bool:
    stripped = line.strip()
    return (
        not stripped
        or _label(line) is not None
        or _is_heading(line)
        or bool(_FENCE.match(line))
        or bool(_STOP_WORDS.match(stripped.lstrip("*_#> ")))
    )


def _fenced_body(lines: list[str], start: int) -> tuple[str, int]:
    """The body of the fence opened on `lines[start]` and the index after its closing line."""
    marker = _FENCE.match(lines[start]).group(1)  # type: ignore[union-attr]
    end = start + 1
    while end < len(lines) and not lines[end].strip().startswith(marker):
        end += 1
    return "\n".join(lines[start + 1 : end]), min(end + 1, len(lines))


def _paragraph(lines: list[str], start: int) -> tuple[str, int]:
    """The lines from `start` up to the first line that ends a value."""
    end = start
    while end < len(lines) and not _ends_value(lines[end]):
        end += 1
    return "\n".join(lines[start:end]), end


def _value(lines: list[str], index: int, label: _Label) -> tuple[str, int]:
    """The value of the label on `lines[index]` and the index of the line after it."""
    if label.inline is not None:
        rest, end = _paragraph(lines, index + 1)
        return f"{label.inline}\n{rest}" if rest else label.inline, end
    start = index + 1
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start < len(lines) and _FENCE.match(lines[start]):
        return _fenced_body(lines, start)
    return _paragraph(lines, start)


def _as_data(text: str) -> str:
    """A value as stdin/stdout text: dedented, outer blank lines dropped, one final newline."""
    lines = textwrap.dedent(text).splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(line.rstrip() for line in lines) + "\n" if lines else ""


def _reads_like_format(text: str) -> bool:
    """Whether a value reads like a format description ('The first line contains n ...', 'a
    list of numbers', 'their sum')."""
    return bool(_SENTENCE.search(text)) and bool(_FORMAT_WORDS.search(text)) or bool(_DESCRIPTION.search(text))


def _labelled_values(statement: str) -> list[tuple[_Label, str]]:
    """Every label of the statement with its value, in order."""
    lines = statement.splitlines()
    found: list[tuple[_Label, str]] = []
    index = 0
    while index < len(lines):
        label = _label(lines[index])
        if label is None:
            index += 1
            continue
        if (pair := _one_line_pair(label)) is not None:
            given, expected = pair
            found += [(label, _as_data(given)), (_Label("output", label.prefixed, expected), _as_data(expected))]
            index += 1
            continue
        value, index = _value(lines, index, label)
        found.append((label, _as_data(value)))
    return found


def io_examples(statement: str) -> list[TestCase]:
    """The statement's input/output examples as `io` tests, in order, without duplicates."""
    tests: list[TestCase] = []
    pending: tuple[_Label, str] | None = None
    for label, value in _labelled_values(statement):
        if label.side == "input":
            pending = (label, value)
            continue
        if pending is None or not value:
            continue
        given_label, given = pending
        pending = None
        plain = not (given_label.prefixed or label.prefixed)
        if not given or (plain and (_reads_like_format(given) or _reads_like_format(value))):
            continue
        test = TestCase("io", given, value)
        if test not in tests:
            tests.append(test)
    return tests
