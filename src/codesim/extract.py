"""Getting code out of a model's answer.

Models wrap code in Markdown fences, usually. They also: think aloud in `<think>` blocks,
give several blocks (an example, then the answer), forget to close the last fence, close a
fence on the code line (`return x```), label the fence with another spelling of the
language, or give bare code with no fence at all.
"""

from __future__ import annotations

import ast
import re

_THINK = re.compile(r"<think(?:ing)?>.*?</think(?:ing)?>", re.DOTALL | re.IGNORECASE)
_UNCLOSED_THINK = re.compile(r"^\s*<think(?:ing)?>.*?(?=```|\Z)", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*([\w+#.-]*)[^\n]*\n", re.MULTILINE)

LANGUAGE_TAGS: dict[str, frozenset[str]] = {
    "python": frozenset({"python", "python3", "py", "py3"}),
    "c": frozenset({"c", "h"}),
    "cpp": frozenset({"cpp", "c++", "cc", "cxx", "hpp"}),
    "java": frozenset({"java"}),
    "javascript": frozenset({"javascript", "js", "node", "nodejs"}),
    "go": frozenset({"go", "golang"}),
    "rust": frozenset({"rust", "rs"}),
    "ruby": frozenset({"ruby", "rb"}),
    "php": frozenset({"php"}),
}


def strip_reasoning(text: str) -> str:
    """Remove `<think>…</think>` blocks (and a reasoning block left open before the code)."""
    text = _THINK.sub("", text)
    return _UNCLOSED_THINK.sub("", text)


def fenced_blocks(text: str) -> list[tuple[str, str]]:
    """All fenced blocks as (language tag, body), in order. An unclosed last fence runs to
    the end; a closing fence glued to the end of a code line is accepted."""
    blocks: list[tuple[str, str]] = []
    pos = 0
    while (opening := _FENCE.search(text, pos)) is not None:
        marker, tag = opening.group(1), opening.group(2).lower()
        body_start = opening.end()
        closing = re.compile(rf"^[ \t]*{re.escape(marker)}[ \t]*$|{re.escape(marker)}[ \t]*$", re.MULTILINE)
        found = closing.search(text, body_start)
        body_end, pos = (found.start(), found.end()) if found else (len(text), len(text))
        blocks.append((tag, text[body_start:body_end].rstrip() + "\n"))
    return blocks


def _looks_like(language: str, code: str) -> bool:
    if language != "python":
        return bool(code.strip())
    try:
        ast.parse(code)
    except SyntaxError:
        return False
    return True


def _unfenced_python(text: str) -> str | None:
    """The longest run of lines, starting at a def/class/import line, that parses."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if re.match(r"(def |class |import |from \S+ import |async def )", line)]
    for start in starts:
        for end in range(len(lines), start, -1):
            candidate = "\n".join(lines[start:end]).strip()
            if candidate and _looks_like("python", candidate):
                return candidate + "\n"
    return None


_NOT_CODE_TAGS = frozenset(
    {"text", "txt", "plaintext", "output", "console", "bash", "sh", "shell", "json", "markdown", "md"}
)


def extract_code(text: str, language: str = "python", entry_point: str | None = None) -> str | None:
    """The code answer in `text` for `language`, or None when there is none.

    Among blocks tagged for the language (else untagged blocks that look like code, else
    blocks with an unknown tag), the last one that defines `entry_point` wins, else the last
    one. For Python without fences: the longest parsable run of lines starting at a
    definition or import."""
    text = strip_reasoning(text)
    tags = LANGUAGE_TAGS.get(language, frozenset({language}))
    other_tags = set().union(*LANGUAGE_TAGS.values(), _NOT_CODE_TAGS) - tags
    blocks = [(tag, body) for tag, body in fenced_blocks(text) if body.strip()]
    tiers = (
        [body for tag, body in blocks if tag in tags],
        [body for tag, body in blocks if not tag and _looks_like(language, body)],
        [body for tag, body in blocks if tag and tag not in other_tags],
    )
    for bodies in tiers:
        if bodies:
            return _prefer_defining(bodies, entry_point)
    if language == "python" and not blocks:
        return _unfenced_python(text)
    return None


def _prefer_defining(bodies: list[str], entry_point: str | None) -> str:
    if entry_point:
        name = re.escape(entry_point.split(".")[0])
        defining = [b for b in bodies if re.search(rf"^\s*(?:async\s+)?(?:def|class)\s+{name}\b", b, re.MULTILINE)]
        if defining:
            return defining[-1]
    return bodies[-1]
