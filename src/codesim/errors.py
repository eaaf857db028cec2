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
    """An LLM provider failed for good (retries exhausted or a non-retryable answer). `kind`
    names the failure in a results line's `error_kind`."""

    kind = "failed"


class ProviderUnreachable(ProviderError):
    """The provider's server was never reached (refused, unresolvable): nothing can work."""

    exit_code = 2
    kind = "unreachable"


class ProviderRejected(ProviderError):
    """The server refused the request with a 4xx other than 408/409/429: a configuration
    mistake (model name, key, parameters) that retrying will not fix."""

    exit_code = 2
    kind = "rejected"


class NotYetAvailable(CodesimError):
    """A subcommand or feature whose implementation has not landed yet."""

    exit_code = 2
