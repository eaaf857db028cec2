"""`codesim exec`: run one program in the sandbox and print a JSON verdict.

The language comes from --language, else from the file's extension (.py, .c, .cpp/.cc/.cxx,
.java, .js/.mjs, .go, .rs, .rb, .php). The program's stdin is --stdin FILE, `--stdin -` (this
command's stdin), or, without --stdin, this command's stdin when it is a pipe or a file
(`printf '2\n5 5\n' | codesim exec sum.cpp`); otherwise empty.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import stat
import sys
from pathlib import Path

from codesim.cli.parser import memory_mb, positive_float
from codesim.errors import UsageError
from codesim.execution import Sandbox, normalize_language
from codesim.execution.languages import LANGUAGES
from codesim.execution.verdicts import RunOutcome

# Extensions of each language's sandbox source file, and common others.
EXTENSIONS = {Path(lang.source).suffix: lang.name for lang in LANGUAGES.values()} | {
    ".cc": "cpp",
    ".cxx": "cpp",
    ".c++": "cpp",
    ".mjs": "javascript",
    ".cjs": "javascript",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `exec` subcommand."""
    parser = subparsers.add_parser(
        "exec",
        help="run one program in the sandbox",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file")
    parser.add_argument("--language", default=None, help="default: from the file's extension")
    parser.add_argument("--stdin", default=None, metavar="FILE", help="the program's input; - for this command's stdin")
    parser.add_argument("--timeout", type=positive_float, default=10.0, metavar="S", help="seconds (default: 10)")
    parser.add_argument("--memory-mb", type=memory_mb, default=512, metavar="M", help="memory in MB (default: 512)")
    parser.set_defaults(handler=handle)


def _read_text(path: str, what: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as err:
        raise UsageError(f"cannot read {what} {path!r}: {err.strerror or err}") from None


def language_of(file: str, language: str | None) -> str:
    """The canonical language: `language` if given, else the one of `file`'s extension."""
    if language is not None:
        return normalize_language(language)
    suffix = Path(file).suffix.lower()
    if suffix not in EXTENSIONS:
        known = ", ".join(sorted(EXTENSIONS))
        raise UsageError(f"cannot tell the language of {file!r} from its extension ({known}); pass --language")
    return EXTENSIONS[suffix]


def _stdin_is_data() -> bool:
    """Whether this process's stdin is a pipe or a file (not a terminal, not /dev/null)."""
    try:
        mode = os.fstat(sys.stdin.fileno()).st_mode
    except (OSError, ValueError, AttributeError):
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISREG(mode)


def program_input(source: str | None) -> str:
    """The program's stdin text (see the module docstring)."""
    if source == "-" or (source is None and _stdin_is_data()):
        return sys.stdin.read()
    return _read_text(source, "stdin file") if source is not None else ""


async def _run(code: str, language: str, stdin: str, timeout: float, memory_mb: int) -> RunOutcome:
    async with Sandbox(workers=1) as sandbox:
        return await sandbox.run_program(code, language, stdin, time_limit_s=timeout, memory_mb=memory_mb)


def handle(args: argparse.Namespace) -> int:
    """Run FILE once and print one JSON object; exit 0 whatever the verdict."""
    language = language_of(args.file, args.language)
    code = _read_text(args.file, "program file")
    stdin = program_input(args.stdin)
    outcome = asyncio.run(_run(code, language, stdin, args.timeout, args.memory_mb))
    print(json.dumps(outcome.to_json(), ensure_ascii=False))
    return 0
