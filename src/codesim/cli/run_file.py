"""`codesim run --config FILE`: a TOML file of run flags, read in before the command line's own.

Each key is the long name of a `codesim run` flag (`data-file` or `data_file`; `models` and
`strategies` too); a list is the flag's comma list, `true` a switch, a table a JSON object
(`extra-body`). Flags given on the command line win over the file's.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from codesim.errors import UsageError

_ALIASES = {"models": "model", "strategies": "strategy"}
_NOT_IN_FILES = ("--config", "--help")


def _long_flags(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    """Long flag -> its action."""
    return {
        option: action
        for action in parser._actions
        for option in action.option_strings
        if option.startswith("--") and option not in _NOT_IN_FILES
    }


def _parse_toml(text: str) -> dict[str, Any]:
    """`tomllib.loads` (Python 3.11+; on 3.10, the same parser packaged as `tomli`, if installed)."""
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib.loads(text)
    try:
        import tomli
    except ModuleNotFoundError:
        raise UsageError("--config needs Python 3.11 or later (or the tomli package on 3.10)") from None
    return tomli.loads(text)


def _read_table(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise UsageError(f"--config {path}: cannot read it ({err.strerror or err})") from None
    except UnicodeDecodeError as err:
        raise UsageError(f"--config {path}: not UTF-8 text ({err.reason})") from None
    try:
        return _parse_toml(text)
    except ValueError as err:  # tomllib.TOMLDecodeError
        raise UsageError(f"--config {path}: not valid TOML: {err}") from None


def _words(path: Path, key: str, flag: str, value: Any, action: argparse.Action) -> list[str]:
    """The command-line words of one key."""
    if action.nargs == 0:  # a switch: `--yes`, or `--faithful` / `--no-faithful`
        if not isinstance(value, bool):
            raise UsageError(f"--config {path}: {key} is a switch: write {key} = true or false")
        negated = "--no-" + flag[2:]
        return [flag] if value else [negated] if negated in action.option_strings else []
    if isinstance(value, bool):
        raise UsageError(f"--config {path}: {key} takes a value, not true/false")
    if isinstance(value, list):
        if not all(isinstance(item, (str, int, float)) and not isinstance(item, bool) for item in value):
            raise UsageError(f"--config {path}: {key} should be a list of names or numbers")
        text = ",".join(str(item) for item in value)
    elif isinstance(value, dict):
        text = json.dumps(value)
    else:
        text = str(value)
    return [f"{flag}={text}"]  # one word: a value starting with '-' is not taken for a flag


def config_flags(path: Path, parser: argparse.ArgumentParser) -> list[str]:
    """The flags the TOML file `path` stands for, checked against `parser`'s flags."""
    known = _long_flags(parser)
    words: list[str] = []
    for key, value in _read_table(path).items():
        flag = "--" + _ALIASES.get(key, key).replace("_", "-")
        if flag not in known:
            raise UsageError(
                f"--config {path}: unknown key {key!r} (keys are codesim run's flag names, such as dataset, "
                "strategy, model, provider, limit)"
            )
        words += _words(path, key, flag, value, known[flag])
    return words


def argv_with_config(parser: argparse.ArgumentParser, args: argparse.Namespace, argv: list[str]) -> list[str]:
    """`argv` with the flags of `--config FILE` put right after the `run` word, so that the
    command line's own flags, which come later, win; `argv` itself without `--config`."""
    if not args.config:
        return argv
    at = argv.index("run") + 1
    return [*argv[:at], *config_flags(Path(args.config), parser), *argv[at:]]
