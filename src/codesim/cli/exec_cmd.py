"""`codesim exec`: run one program in the sandbox and print a JSON verdict."""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path

from codesim.cli.parser import memory_mb, positive_float
from codesim.errors import UsageError
from codesim.execution import Sandbox, normalize_language
from codesim.execution.verdicts import RunOutcome


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `exec` subcommand."""
    parser = subparsers.add_parser("exec", help="run one program in the sandbox", description=__doc__)
    parser.add_argument("file")
    parser.add_argument("--language", required=True)
    parser.add_argument("--stdin", default=None)
    parser.add_argument("--timeout", type=positive_float, default=10.0, metavar="S", help="seconds (default: 10)")
    parser.add_argument("--memory-mb", type=memory_mb, default=512, metavar="M", help="memory in MB (default: 512)")
    parser.set_defaults(handler=handle)


def _read_text(path: str, what: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as err:
        raise UsageError(f"cannot read {what} {path!r}: {err.strerror or err}") from None


async def _run(code: str, language: str, stdin: str, timeout: float, memory_mb: int) -> RunOutcome:
    async with Sandbox(workers=1) as sandbox:
        return await sandbox.run_program(code, language, stdin, time_limit_s=timeout, memory_mb=memory_mb)


def handle(args: argparse.Namespace) -> int:
    """Run FILE once and print one JSON object; exit 0 whatever the verdict."""
    language = normalize_language(args.language)
    code = _read_text(args.file, "program file")
    stdin = _read_text(args.stdin, "stdin file") if args.stdin is not None else ""
    outcome = asyncio.run(_run(code, language, stdin, args.timeout, args.memory_mb))
    print(json.dumps(outcome.to_json(), ensure_ascii=False))
    return 0
