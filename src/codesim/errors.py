"""Exceptions that reach the user as one clear line instead of a traceback."""


class CodesimError(Exception):
    """An expected failure: the CLI prints its message on one line and exits with `exit_code`."""

    exit_code = 1


class UsageError(CodesimError):
    """The user asked for something invalid (bad flag, unknown name, missing file or key)."""

    exit_code = 2


class StorageError(CodesimError):
    """A file of the run could not be written (disk full, read-only, no permission); what was
    written before stays, and the same command resumes once the cause is fixed."""


class ProviderError(CodesimError):
    """An LLM provider failed for good (retries exhausted or a non-retryable answer)."""


class NotYetAvailable(CodesimError):
    """A subcommand or feature whose implementation has not landed yet."""

    exit_code = 2
