"""How the command line spells the settings that library errors name (`model` -> `--model`)."""

from __future__ import annotations

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
