"""Exceptions that reach the user as one clear line instead of a traceback.

Library code states facts in the library's own vocabulary. Where a message tells the user
which setting to change, it names the setting as a `{placeholder}` listed in `settings`
(`UsageError("provider 'x' has no default model: give {model}", settings=("model",))`):
`str(err)` spells it as the Python parameter (`` `model` ``), and the command line spells it as its
flag (`--model`, see `codesim.cli.flags`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable


def python_spelling(setting: str) -> str:
    """How the Python API spells a setting: `model` (backquoted)."""
    return f"`{setting}`"


class CodesimError(Exception):
    """An expected failure: the CLI prints its message on one line and exits with `exit_code`."""

    exit_code = 1

    def __init__(self, message: str = "", *, settings: Iterable[str] = ()) -> None:
        self.template = message
        self.settings = tuple(settings)
        super().__init__(self.worded(python_spelling))

    def worded(self, spell: Callable[[str], str]) -> str:
        """The message with each `{setting}` of `settings` spelled by `spell`."""
        text = self.template
        for setting in self.settings:
            text = text.replace("{" + setting + "}", spell(setting))
        return text


class UsageError(CodesimError):
    """The user asked for something invalid (bad flag, unknown name, missing file or key)."""

    exit_code = 2


class StorageError(CodesimError):
    """A file of the run could not be written (disk full, read-only, no permission); what was
    written before stays, and the same command resumes once the cause is fixed."""


class ProviderError(CodesimError):
    """An LLM provider failed for good (retries exhausted or a non-retryable answer)."""
