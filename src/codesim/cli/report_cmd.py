"""`codesim report`: one self-contained HTML report of one or more runs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `report` subcommand."""
    parser = subparsers.add_parser("report", help="write an HTML report of runs", description=__doc__)
    parser.add_argument("run_dirs", nargs="+", metavar="RUN_DIR", type=Path, help="run directories (codesim run --out)")
    parser.add_argument("-o", "--output", default=Path("report.html"), type=Path, help="the HTML file to write")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Write the report and print its path."""
    from codesim.report import write_report  # imported only when a report is made

    output = write_report(args.run_dirs, args.output)
    print(f"wrote {output} ({output.stat().st_size / 1e6:.1f} MB)", file=sys.stderr)
    print(output)
    return 0
