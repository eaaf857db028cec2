"""`codesim solve`: a problem statement in, tested code out.

Reads a statement (Markdown or plain text; FILE, or stdin with `-` or no FILE) with its
examples: `Input:`/`Output:` blocks (also `Sample Input 1`, `Example`, fenced blocks) for a
program reading stdin, or a `def` signature with `>>>` doctests or `f(x) == y` lines for a
Python function. The examples become visible tests; the strategy (CodeSIM-Adaptive by default) writes
and debugs code against them. The final code goes to stdout, live progress to stderr.

Exit status: 0 the final code passes every visible test; 1 it does not (the code is still
printed) or the provider failed; 2 usage error (including: no examples, without --no-tests; an
unreachable server; a request the server refused as invalid); 130 interrupted (Ctrl-C,
SIGTERM). -o and --trace are written before the code is printed; a reader that stops early
(`| head -1`) is not an error. See docs/solve.md.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from codesim import api
from codesim.cli.model_options import add_model_options, model_config_from_args
from codesim.cli.parser import memory_mb, positive_float
from codesim.cli.strategy_options import add_strategy_options, strategy_options_from_args
from codesim.errors import CodesimError, ProviderRejected, UsageError
from codesim.execution import normalize_language
from codesim.llm.cache import cache_enabled_by_env
from codesim.llm.factory import ModelConfig, build_chat_model, resolve_model_name
from codesim.problems import ProblemKind, PublicProblem
from codesim.solve.extra_tests import load_extra_tests
from codesim.solve.progress import StderrProgress
from codesim.solve.session import write_json
from codesim.solve.statement import KindChoice, parse_statement
from codesim.strategies.base import Strategy, Trace, TraceStep
from codesim.strategies.registry import get_spec, strategy_names


def _no_examples(problem: PublicProblem) -> str:
    """The one-line error for a statement without examples, saying which ones its kind needs."""
    if problem.kind is ProblemKind.FUNCTION:
        assert problem.entry_point is not None, "a function statement names its function"
        name = problem.entry_point.rpartition(".")[2]
        wanted = f"`>>> {name}(...)` doctests or `{name}(...) == ...` lines"
    else:
        wanted = "`Input:`/`Output:` blocks (no `def` signature found, so it is a stdin/stdout program)"
    return (
        f"no examples found in the statement, so the code cannot be verified; add {wanted}, "
        "pass --tests FILE, or pass --no-tests to continue without verification"
    )


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `solve` subcommand."""
    parser = subparsers.add_parser(
        "solve",
        help="turn a problem statement into tested code",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", nargs="?", default="-", help="the statement file, or - for stdin (default)")
    parser.add_argument("--language", default="python", help="solution language (default: python)")
    parser.add_argument("--strategy", default="codesim-adaptive", help=f"one of: {', '.join(strategy_names())}")
    parser.add_argument(
        "--kind",
        choices=[choice.value for choice in KindChoice],
        default=KindChoice.AUTO.value,
        help="function (a Python `def`) or stdio program (default: auto, a `def` signature means function)",
    )
    parser.add_argument(
        "--tests",
        type=Path,
        default=None,
        metavar="FILE",
        help='extra visible tests: JSON lines {"input": ..., "output": ...} (stdio), or Python asserts (function)',
    )
    parser.add_argument("--no-tests", action="store_true", help="go on even when there is no test at all")
    parser.add_argument(
        "--timeout", type=positive_float, default=None, metavar="S", help="seconds per test run (default: 10)"
    )
    parser.add_argument(
        "--memory-mb", type=memory_mb, default=None, metavar="M", help="memory per test run in MB (default: 1024)"
    )
    parser.add_argument("--trace", type=Path, default=None, metavar="FILE.json", help="write the full trace here")
    parser.add_argument("-o", "--output", type=Path, default=None, metavar="FILE", help="also write the code here")
    add_strategy_options(parser)
    add_model_options(parser)
    parser.set_defaults(handler=handle)


def _read_statement(source: str) -> tuple[str, str]:
    """(statement text, task id) from a path or `-` (stdin)."""
    if source == "-":
        if sys.stdin.isatty():
            print("codesim: reading the statement from stdin (end with Ctrl-D)", file=sys.stderr)
        return sys.stdin.read(), "stdin"
    path = Path(source)
    try:
        return path.read_text(encoding="utf-8"), path.stem
    except (OSError, UnicodeDecodeError) as err:
        raise UsageError(f"cannot read the statement {path}: {getattr(err, 'strerror', None) or err}") from None


def _check_writable(*paths: Path | None) -> None:
    """Refuse unusable output paths before any model call is made."""
    for path in paths:
        if path is None:
            continue
        if path.is_dir():
            raise UsageError(f"cannot write {path}: it is a folder")
        if not path.resolve().parent.is_dir():
            raise UsageError(f"cannot write {path}: the folder {path.resolve().parent} does not exist")


def _save(path: Path, write: Callable[[Path], object]) -> None:
    try:
        write(path)
    except OSError as err:
        raise CodesimError(f"cannot write {path}: {err.strerror or err}") from None


def _problem(args: argparse.Namespace) -> PublicProblem:
    statement, task_id = _read_statement(args.file)
    language = normalize_language(args.language)
    problem = parse_statement(statement, language=language, task_id=task_id, kind=KindChoice(args.kind))
    if args.tests is not None:
        extra = tuple(load_extra_tests(args.tests, problem.kind))
        problem = dataclasses.replace(problem, visible_tests=problem.visible_tests + extra)
    if args.timeout is not None:
        problem = dataclasses.replace(problem, time_limit_s=args.timeout)
    if args.memory_mb is not None:
        problem = dataclasses.replace(problem, memory_mb=args.memory_mb)
    if not problem.visible_tests and not args.no_tests:
        raise UsageError(_no_examples(problem))
    return problem


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM stops a solve as Ctrl-C does: the trace so far is still written."""
    raise KeyboardInterrupt


async def _solve(
    problem: PublicProblem,
    strategy: Strategy,
    config: ModelConfig,
    on_step: Callable[[TraceStep], None],
    on_ready: Callable[[], None],
) -> api.Solution:
    """`codesim.asolve` on a model built here (a missing key or model fails before `on_ready`)."""
    model = build_chat_model(config)
    try:
        on_ready()
        return await api.asolve(problem, model=model, strategy=strategy, on_step=on_step)
    finally:
        await model.aclose()


def _trace_document(
    problem: PublicProblem,
    strategy: str,
    model: ModelConfig,
    trace: Trace,
    seconds: float,
    solution: api.Solution | None = None,
    error: str = "",
) -> dict[str, Any]:
    """Everything about this solve as JSON data (docs/solve.md): the problem, the result (none
    yet when it failed midway, then `error` says why) and every step."""
    document: dict[str, Any] = {
        "task_id": problem.task_id,
        "kind": problem.kind.value,
        "language": problem.language,
        "entry_point": problem.entry_point,
        "visible_tests": [dataclasses.asdict(test) for test in problem.visible_tests],
        "strategy": strategy,
        "provider": model.provider,
        "model": resolve_model_name(model),
        "code": solution.code if solution else "",
        "visible_passed": solution.visible_passed if solution and problem.visible_tests else None,
        "outcome": solution.outcome if solution else "error",
        "llm_calls": trace.llm_calls,
        "prompt_tokens": trace.prompt_tokens,
        "completion_tokens": trace.completion_tokens,
        "seconds": round(seconds, 3),
        "trace": trace.to_list(),
    }
    if error:
        document["error"] = error
    return document


def handle(args: argparse.Namespace) -> int:
    """Solve the statement through `codesim.asolve`; print the code; exit 0 iff it passes
    every visible test."""
    _check_writable(args.trace, args.output)
    problem = _problem(args)
    spec = get_spec(args.strategy)
    strategy = spec.create(**strategy_options_from_args(args, spec))
    model_config = model_config_from_args(args)
    progress = StderrProgress()
    trace = Trace(on_step=progress.step)  # every step as it happens, kept when the solve fails midway

    def record(step: TraceStep) -> None:
        trace.add(step)

    def started() -> None:
        if not problem.visible_tests:
            progress.note("warning: no tests; the code will NOT be verified (--no-tests)")
        progress.started(problem, strategy.name, f"{model_config.provider}/{resolve_model_name(model_config)}")

    signal.signal(signal.SIGTERM, _interrupt)
    begun = time.monotonic()
    try:
        solution = asyncio.run(_solve(problem, strategy, model_config, record, started))
    except UsageError:
        raise  # nothing was asked of the model yet
    except (CodesimError, KeyboardInterrupt) as err:
        if args.trace is not None:
            seconds = time.monotonic() - begun
            error = str(err) or type(err).__name__
            document = _trace_document(problem, strategy.name, model_config, trace, seconds, error=error)
            _save(args.trace, lambda path: write_json(path, document))
            progress.note(f"the trace so far is in {args.trace}")
        if isinstance(err, ProviderRejected):
            progress.note("the server refused a request as invalid: retrying it unchanged will not help")
        elif model_config.use_cache and cache_enabled_by_env():
            progress.note("the answers received so far are cached: running the same command again reuses them")
        raise
    code = solution.code
    if args.output is not None and code:
        _save(args.output, lambda path: path.write_text(code, encoding="utf-8"))
    if args.trace is not None:
        document = _trace_document(problem, strategy.name, model_config, trace, solution.usage.seconds, solution)
        _save(args.trace, lambda path: write_json(path, document))
    _print_code(code)
    progress.finished(code, solution.visible_passed, solution.outcome, len(problem.visible_tests))
    return 0 if code and solution.visible_passed else 1


def _print_code(code: str) -> None:
    """Print the code on stdout; a reader that stopped early (`| head -1`) is not an error."""
    try:
        sys.stdout.write(code)
        sys.stdout.flush()
    except BrokenPipeError:
        # Point stdout at /dev/null so that the interpreter's final flush does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
