"""`codesim models`: list, pull and locate local GGUF models."""

from __future__ import annotations

import argparse

from codesim.errors import NotYetAvailable


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `models` subcommand with list/pull/path."""
    parser = subparsers.add_parser("models", help="manage local models", description=__doc__)
    actions = parser.add_subparsers(dest="models_action", metavar="ACTION", required=True)
    actions.add_parser("list", help="list known models and whether they are pulled")
    pull = actions.add_parser("pull", help="download and verify a model")
    pull.add_argument("name")
    path = actions.add_parser("path", help="print a pulled model's file path")
    path.add_argument("name")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Not available until the local-model issue lands."""
    raise NotYetAvailable("'codesim models' is not implemented yet (it lands with the local-model issue)")
