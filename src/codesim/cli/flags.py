"""How the command line spells the settings that library errors name (`model` -> `--model`)."""

from __future__ import annotations

from codesim.errors import CodesimError

# Settings whose flag is not `--` + the setting with `-` for `_`.
_FLAGS = {
    "data_format": "--format",
    "max_concurrency": "--llm-concurrency",
    "model_path": "--model-path",
    "requests_per_minute": "--rpm",
}


def flag_spelling(setting: str) -> str:
    """The flag of a setting: `data_file` -> `--data-file`, `data_format` -> `--format`."""
    return _FLAGS.get(setting, "--" + setting.replace("_", "-"))


def error_line(err: CodesimError) -> str:
    """The one line the command prints for `err`, its settings spelled as flags."""
    return f"codesim: error: {err.worded(flag_spelling)}"
