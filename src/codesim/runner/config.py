"""A run's configuration, its identity (what must not change under one --out) and its directory."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from codesim import __version__
from codesim.errors import UsageError
from codesim.llm.factory import ModelConfig, resolve_model_name

# ModelConfig fields that change how calls are made, not what the answers are.
_MODEL_RUNTIME_FIELDS = frozenset(
    {"base_url", "request_timeout_s", "max_retries", "requests_per_minute", "max_concurrency", "use_cache"}
)
# RunConfig fields that select how much work is done or how fast; changing them resumes the run.
_RUN_RUNTIME_FIELDS = frozenset({"limit", "task_ids", "samples", "concurrency", "budget_tokens", "codesim_version"})


@dataclass(frozen=True)
class RunConfig:
    """Everything a run was asked to do; written to config.json.

    Identity fields (dataset, data file and format, date window, language, strategy and its
    options, model and sampling parameters) define what a finished sample means: a resume must
    match them. Selection and speed fields (limit, task ids, samples, concurrency, budget, and
    the model's endpoint, timeouts, retries, rate limits and cache switch) may change between
    invocations."""

    dataset: str
    strategy: str
    strategy_options: dict[str, Any]
    model: dict[str, Any]
    data_file: str | None = None
    data_format: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    language: str | None = None
    limit: int | None = None
    task_ids: list[str] | None = None
    samples: int = 1
    concurrency: int = 4
    budget_tokens: int | None = None
    codesim_version: str = field(default=__version__)

    @property
    def model_name(self) -> str:
        """The resolved model name."""
        return str(self.model["model"])

    @property
    def provider(self) -> str:
        """The provider name."""
        return str(self.model["provider"])

    def to_json(self) -> dict[str, Any]:
        """The config.json content."""
        return asdict(self)

    def identity(self) -> dict[str, Any]:
        """The fields a resumed run must share with the run already in its directory."""
        data = {k: v for k, v in self.to_json().items() if k not in _RUN_RUNTIME_FIELDS}
        data["model"] = {k: v for k, v in self.model.items() if k not in _MODEL_RUNTIME_FIELDS}
        return data


def model_section(config: ModelConfig) -> dict[str, Any]:
    """The ModelConfig as recorded in config.json, with the model name resolved."""
    data = asdict(config)
    data["model"] = resolve_model_name(config)
    return data


def identity_differences(old: dict[str, Any], new: RunConfig) -> list[str]:
    """Human-readable `field: old -> new` items where a stored config.json differs from `new`."""
    stored = RunConfig(**{k: v for k, v in old.items() if k in RunConfig.__dataclass_fields__}).identity()
    wanted = new.identity()
    diffs = []
    for key in sorted(set(stored) | set(wanted)):
        before, after = stored.get(key), wanted.get(key)
        if isinstance(before, dict) and isinstance(after, dict):
            diffs += [
                f"{key}.{sub}: {before.get(sub)!r} -> {after.get(sub)!r}"
                for sub in sorted(set(before) | set(after))
                if before.get(sub) != after.get(sub)
            ]
        elif before != after:
            diffs.append(f"{key}: {before!r} -> {after!r}")
    return diffs


def check_resumable(old: dict[str, Any], new: RunConfig, out_dir: Path) -> None:
    """Raise UsageError when `out_dir` holds a run with another identity than `new`."""
    try:
        diffs = identity_differences(old, new)
    except TypeError as err:
        raise UsageError(f"{out_dir / 'config.json'} is not a codesim run config ({err})") from err
    if diffs:
        shown = "; ".join(diffs[:4]) + ("; ..." if len(diffs) > 4 else "")
        raise UsageError(
            f"{out_dir} holds a run with a different configuration ({shown}); "
            "use another {out}, or delete that directory to start over",
            settings=("out",),
        )


def path_safe(name: str) -> str:
    """`name` with every character other than letters, digits, `.`, `_`, `-` replaced by `_`."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")
    return cleaned or "model"


def default_out_dir(dataset: str, strategy: str, model: str) -> Path:
    """`runs/<dataset>-<strategy>-<model>` with the model name made safe for a path."""
    return Path("runs") / f"{path_safe(dataset)}-{path_safe(strategy)}-{path_safe(model)}"
