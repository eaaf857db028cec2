"""The `codesim` command line: one module per subcommand, each with `register(subparsers)`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from codesim import __version__
from codesim.cli import evaluate_cmd, exec_cmd, models_cmd, report_cmd, run_cmd, solve_cmd
from codesim.cli.parser import OneLineErrorParser
from codesim.errors import CodesimError

SUBCOMMANDS = (run_cmd, evaluate_cmd, exec_cmd, solve_cmd, report_cmd, models_cmd)


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every subcommand registered."""
    parser = OneLineErrorParser(prog="codesim", description="CodeSIM code generation and its benchmark harness.")
    parser.add_argument("--version", action="version", version=f"codesim {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineErrorParser)
    for module in SUBCOMMANDS:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `codesim` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.handler(args) or 0)
    except CodesimError as err:
        print(f"codesim: error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("codesim: interrupted", file=sys.stderr)
        return 130
