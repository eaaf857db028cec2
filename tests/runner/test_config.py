"""Run identity: what may change when a run is resumed, and what is refused."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from codesim.errors import UsageError
from codesim.llm.factory import ModelConfig
from codesim.runner.config import RunConfig, check_resumable, default_out_dir, model_section


def _config(**changes: object) -> RunConfig:
    base = RunConfig(
        dataset="humaneval",
        strategy="codesim",
        strategy_options={"max_plan_tries": 5, "max_debug_tries": 5},
        model=model_section(ModelConfig(provider="openai", model="gpt-x", base_url="http://a/v1")),
    )
    return dataclasses.replace(base, **changes)


def test_selection_and_speed_settings_may_change() -> None:
    stored = _config().to_json()
    resumed = _config(
        limit=3,
        task_ids=["HumanEval/1"],
        samples=5,
        concurrency=9,
        budget_tokens=100,
        model=model_section(
            ModelConfig(provider="openai", model="gpt-x", base_url="http://b/v1", max_retries=1, use_cache=False)
        ),
    )
    check_resumable(stored, resumed, Path("out"))  # no error


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"strategy_options": {"max_plan_tries": 3, "max_debug_tries": 5}}, "strategy_options.max_plan_tries: 5 -> 3"),
        (
            {"model": model_section(ModelConfig(provider="openai", model="gpt-x", temperature=0.8))},
            "model.temperature: 0.0 -> 0.8",
        ),
        ({"strategy": "direct"}, "strategy: 'codesim' -> 'direct'"),
        ({"language": "cpp"}, "language: None -> 'cpp'"),
        ({"data_file": "/data/other.jsonl"}, "data_file: None -> '/data/other.jsonl'"),
    ],
)
def test_identity_changes_are_refused_with_the_field_named(changes: dict[str, object], named: str) -> None:
    with pytest.raises(UsageError) as caught:
        check_resumable(_config().to_json(), _config(**changes), Path("runs/x"))
    message = str(caught.value)
    assert named in message
    assert message.startswith("runs/x holds a run with a different configuration")
    assert "\n" not in message


def test_a_foreign_config_json_is_refused() -> None:
    with pytest.raises(UsageError, match="is not a codesim run config"):
        check_resumable({"name": "something else"}, _config(), Path("out"))


def test_model_section_resolves_the_default_model_name() -> None:
    assert model_section(ModelConfig(provider="openai"))["model"] == "gpt-4o"


def test_default_out_dir_is_a_safe_path() -> None:
    assert default_out_dir("humaneval", "codesim", "meta-llama/Llama-3.1:8b q4") == Path(
        "runs/humaneval-codesim-meta-llama_Llama-3.1_8b_q4"
    )
    assert default_out_dir("apps", "direct", "../..") == Path("runs/apps-direct-model")
