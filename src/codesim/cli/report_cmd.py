"""`codesim report`: one self-contained HTML report of one or more runs."""

from __future__ import annotations

import argparse

from codesim.errors import NotYetAvailable


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `report` subcommand."""
    parser = subparsers.add_parser("report", help="write an HTML report of runs", description=__doc__)
    parser.add_argument("run_dirs", nargs="+", metavar="RUN_DIR")
    parser.add_argument("-o", "--output", default="report.html")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Not available until the report/solve issue lands."""
    raise NotYetAvailable("'codesim report' is not implemented yet (it lands with the report/solve issue)")
