"""The function a statement asks for: its `def` signature, starter code and examples.

The entry point is the first top-level `def name(...)` of the statement (in a fenced block or
not). Without one, a method of a top-level class (`class Solution:` with `def twoSum(self,
...)`, LeetCode style) is the entry point `Solution.twoSum`. Examples come from
`codesim.benchmarks.docstring_examples` (doctests, `f(x) == y` and its arrow spellings,
`Input:`/`Output:` lines); a method's examples call it on a fresh instance
(`Solution().twoSum(...)`).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from codesim.benchmarks.docstring_examples import extract_examples
from codesim.extract import fenced_blocks

_TOP_DEF = re.compile(r"^(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)[ \t]*\(", re.MULTILINE)
_CLASS = re.compile(r"^class[ \t]+([A-Za-z_]\w*)\b[^\n]*:[ \t]*$", re.MULTILINE)
_MARKUP = re.compile(r"\*\*|`")
_METHOD = re.compile(r"^[ \t]+(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)[ \t]*\(", re.MULTILINE)


@dataclass(frozen=True)
class Signature:
    """The function to write: `entry_point` (`f` or `Class.method`) and the code that shows it."""

    entry_point: str
    starter_code: str

    @property
    def function_name(self) -> str:
        """The name tests call: `f`, or `method` for `Class.method`."""
        return self.entry_point.rpartition(".")[2]

    @property
    def owner(self) -> str:
        """The class of a method entry point ('' for a plain function)."""
        return self.entry_point.rpartition(".")[0]


def _method_entry_point(text: str) -> str | None:
    """`Class.method` for the first public method of the first top-level class, if any."""
    for found in _CLASS.finditer(text):
        following = _CLASS.search(text, found.end())
        body = text[found.end() : following.start() if following else len(text)]
        for method in _METHOD.finditer(body):
            if not method.group(1).startswith("_"):
                return f"{found.group(1)}.{method.group(1)}"
    return None


def _code_showing(text: str, name: str) -> str:
    """The code that defines `name`: the whole text if it is Python, else the fenced block
    defining it, else the unfenced definition (its line and the indented lines after it)."""
    definition = re.compile(rf"^(?:async[ \t]+)?(?:def|class)[ \t]+{re.escape(name)}\b", re.MULTILINE)
    if _parses(text):
        return text.strip() + "\n"
    for _, body in fenced_blocks(text):
        if definition.search(body):
            return body
    found = definition.search(text)
    if found is None:
        return ""
    lines = text[found.start() :].splitlines()
    end = 1
    while end < len(lines) and (not lines[end].strip() or lines[end][:1] in (" ", "\t")):
        end += 1
    return "\n".join(lines[:end]).rstrip() + "\n"


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except SyntaxError:
        return False
    return True


def find_signature(statement: str) -> Signature | None:
    """The function the statement asks for, or None for a stdin/stdout statement."""
    top = _TOP_DEF.search(statement)
    entry_point = top.group(1) if top else _method_entry_point(statement)
    if entry_point is None:
        return None
    return Signature(entry_point, _code_showing(statement, entry_point.partition(".")[0]))


def _on_instance(statement: str, owner: str, method: str) -> str:
    """`assert m(x) == y` -> `assert Owner().m(x) == y`."""
    tree = ast.parse(statement)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == method:
            instance = ast.Call(ast.Name(owner, ast.Load()), [], [])
            node.func = ast.Attribute(instance, method, ast.Load())
    return ast.unparse(tree)


def _with_body(code: str) -> str:
    """`code`, completed with `...` when it ends with a bodiless `def ...:` line."""
    if _parses(code) or not code.strip():
        return code
    last = code.rstrip().splitlines()[-1]
    indent = last[: len(last) - len(last.lstrip())]
    return f"{code.rstrip()}\n{indent}    ...\n"


def function_examples(statement: str, signature: Signature) -> list[str]:
    """The statement's examples of the function, as assert statements: those of the starter
    code's docstring, then those of the text around it (Markdown emphasis and backticks
    dropped, so `**Input:** x` and `` `f(1) == 2` `` read as plain lines)."""
    sources = [_with_body(signature.starter_code)]
    if signature.starter_code.strip() != statement.strip():
        sources.append(_MARKUP.sub("", statement))
    asserts: list[str] = []
    for source in sources:
        asserts += [text for text in extract_examples(source, signature.function_name) if text not in asserts]
    if signature.owner:
        asserts = [_on_instance(text, signature.owner, signature.function_name) for text in asserts]
    return asserts
