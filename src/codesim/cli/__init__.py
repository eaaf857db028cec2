"""The `codesim` command line: one module per subcommand, each with `register(subparsers)`.

Only the module of the subcommand being run is imported (`codesim --help` imports none), so a
command loads only what it uses and starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from codesim import __version__
from codesim.cli.flags import error_line
from codesim.cli.parser import OneLineErrorParser
from codesim.errors import CodesimError

# Subcommand -> (its module, the one line `codesim --help` shows for it).
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("codesim.cli.run_cmd", "run a strategy over a benchmark"),
    "evaluate": ("codesim.cli.evaluate_cmd", "evaluate a samples file"),
    "exec": ("codesim.cli.exec_cmd", "run one program in the sandbox"),
    "solve": ("codesim.cli.solve_cmd", "turn a problem statement into tested code"),
    "report": ("codesim.cli.report_cmd", "write an HTML report of runs"),
    "models": ("codesim.cli.models_cmd", "manage local models"),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The top-level parser: subcommand `command` fully registered (its module imported), the
    others listed by name and help line only. `command=None` registers every subcommand."""
    parser = OneLineErrorParser(prog="codesim", description="CodeSIM code generation and its benchmark harness.")
    parser.add_argument("--version", action="version", version=f"codesim {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineErrorParser)
    for name, (module, help_text) in COMMANDS.items():
        if command is None or name == command:
            importlib.import_module(module).register(subparsers)
        else:
            subparsers.add_parser(name, help=help_text)
    return parser


def _command_in(argv: Sequence[str]) -> str:
    """The subcommand named by `argv` (the first word that is not an option), or '' for none."""
    for word in argv:
        if not word.startswith("-"):
            return word if word in COMMANDS else ""
    return ""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `codesim` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_command_in(argv))
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        expand = getattr(args, "expand_argv", None)  # a subcommand's flags from a file (run --config)
        if expand is not None:
            args = parser.parse_args(expand(args, argv))
        return int(args.handler(args) or 0)
    except CodesimError as err:
        print(error_line(err), file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("codesim: interrupted", file=sys.stderr)
        return 130
