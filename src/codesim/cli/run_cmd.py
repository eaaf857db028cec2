"""`codesim run`: a strategy over a benchmark."""

from __future__ import annotations

import argparse

from codesim.cli.model_options import add_model_options
from codesim.cli.parser import csv_list, positive_int
from codesim.errors import NotYetAvailable


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `run` subcommand."""
    parser = subparsers.add_parser("run", help="run a strategy over a benchmark", description=__doc__)
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--strategy", required=True)
    parser.add_argument("--data-file", default=None)
    parser.add_argument("--limit", type=positive_int, default=None)
    parser.add_argument("--task-ids", type=csv_list, default=None)
    parser.add_argument("--samples", type=positive_int, default=1)
    parser.add_argument("--concurrency", type=positive_int, default=4)
    parser.add_argument("--max-plan-tries", type=positive_int, default=5)
    parser.add_argument("--max-debug-tries", type=int, default=5)
    parser.add_argument("--language", default="python")
    parser.add_argument("--out", default=None)
    add_model_options(parser)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Not available until the strategies issue lands."""
    raise NotYetAvailable("'codesim run' is not implemented yet (it lands with the strategies issue)")
