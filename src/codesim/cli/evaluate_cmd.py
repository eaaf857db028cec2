"""`codesim evaluate`: score existing samples on a benchmark's tests."""

from __future__ import annotations

import argparse

from codesim.cli.parser import positive_int
from codesim.errors import NotYetAvailable


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `evaluate` subcommand."""
    parser = subparsers.add_parser("evaluate", help="evaluate a samples file", description=__doc__)
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--samples", required=True, help="samples JSONL (solution or completion per line)")
    parser.add_argument("--data-file", default=None)
    parser.add_argument("--k", default="1", help="comma-separated k values for pass@k")
    parser.add_argument("--tests", choices=("hidden", "visible"), default="hidden")
    parser.add_argument("--workers", type=positive_int, default=None)
    parser.add_argument("--out", default=None)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Not available until the benchmarks issue lands."""
    raise NotYetAvailable("'codesim evaluate' is not implemented yet (it lands with the benchmarks issue)")
