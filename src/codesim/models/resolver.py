"""From a model name or an explicit GGUF path to a file on disk (what the local provider loads)."""

from __future__ import annotations

import os
from pathlib import Path

from codesim.errors import UsageError
from codesim.models.progress import pull_progress_bar
from codesim.models.puller import pull_model
from codesim.models.registry import DEFAULT_MODEL, KnownModel, known_model
from codesim.models.store import is_pulled, model_file, models_dir

AUTO_PULL_ENV = "CODESIM_AUTO_PULL"


class ModelNotPulled(UsageError):
    """A known model is asked for but has not been pulled (and pulling was not allowed)."""


def auto_pull_allowed() -> bool:
    """True when `$CODESIM_AUTO_PULL` is set to 1/true/yes."""
    return os.environ.get(AUTO_PULL_ENV, "").strip().lower() in {"1", "true", "yes"}


def pull_command(model: KnownModel) -> str:
    """The exact command that pulls `model`."""
    return f"codesim models pull {model.name}"


def resolve_model_file(name: str | None, model_path: str | None = None, auto_pull: bool = False) -> Path:
    """The GGUF file to load: `model_path` if given (a name ending in `.gguf` counts as a
    path too), else the pulled file of the known model `name` (default model if None).
    A known model that is missing is pulled when `auto_pull` or `$CODESIM_AUTO_PULL` allows,
    otherwise `ModelNotPulled` names the pull command."""
    explicit = model_path or (name if name and name.lower().endswith(".gguf") else None)
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_file():
            raise UsageError(f"model file not found: {path}")
        return path
    model = known_model(name or DEFAULT_MODEL)
    if not is_pulled(model) and (auto_pull or auto_pull_allowed()):
        with pull_progress_bar(model) as progress:
            return pull_model(model, models_dir(), progress)
    return pulled_model_file(model)


def pulled_model_file(model: KnownModel) -> Path:
    """The file of a pulled model; `ModelNotPulled` naming the pull command otherwise."""
    if is_pulled(model):
        return model_file(model)
    raise ModelNotPulled(
        f"local model '{model.name}' is not pulled yet ({model.size / 1e6:.0f} MB): run `{pull_command(model)}` "
        f"(or set {AUTO_PULL_ENV}=1 to pull on first use, or pass {{model_path}} FILE.gguf)",
        settings=("model_path",),
    )
