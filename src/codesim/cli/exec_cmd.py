"""`codesim exec`: run one program in the sandbox and print a JSON verdict."""

from __future__ import annotations

import argparse

from codesim.errors import NotYetAvailable


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `exec` subcommand."""
    parser = subparsers.add_parser("exec", help="run one program in the sandbox", description=__doc__)
    parser.add_argument("file")
    parser.add_argument("--language", required=True)
    parser.add_argument("--stdin", default=None)
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--memory-mb", type=int, default=512)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Not available until the sandbox issue lands."""
    raise NotYetAvailable("'codesim exec' is not implemented yet (it lands with the sandbox issue)")
