"""`codesim solve`: a problem statement in, verified code out."""

from __future__ import annotations

import argparse

from codesim.cli.model_options import add_model_options
from codesim.errors import NotYetAvailable


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `solve` subcommand."""
    parser = subparsers.add_parser("solve", help="turn a problem statement into tested code", description=__doc__)
    parser.add_argument("file", nargs="?", default="-")
    parser.add_argument("--language", default="python")
    parser.add_argument("--strategy", default="codesim")
    add_model_options(parser)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Not available until the report/solve issue lands."""
    raise NotYetAvailable("'codesim solve' is not implemented yet (it lands with the report/solve issue)")
