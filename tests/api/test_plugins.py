"""A package installed beside codesim adds a strategy, a provider and a dataset through entry
points; `codesim run` (a subprocess) and `codesim.run` use them by name."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from cli_support import CODESIM, evaluate_args, last_json, run_codesim, write_jsonl

import codesim
from codesim.benchmarks.registry import DATASET_PLUGINS
from codesim.llm.factory import PROVIDERS
from codesim.strategies.registry import REGISTRY as STRATEGY_REGISTRY

SRC = Path(__file__).resolve().parents[2] / "src"

PLUGIN_MODULE = '''
"""A codesim plugin: a strategy, a provider and a dataset."""

from codesim.extract import extract_code
from codesim.llm.base import Message, Provider, Usage
from codesim.problems import Problem, ProblemKind, PublicProblem, TestCase
from codesim.strategies.base import StrategyResult, Trace, traced_chat


class EchoProvider(Provider):
    """Answers `def <name>(x): return x + 1` for the function named in backquotes."""

    name = "demo-echo"

    def __init__(self, config):
        self.model = config.model

    async def complete(self, messages, params):
        function = messages[-1].content.split("`")[1]
        return f"```python\\ndef {function}(x):\\n    return x + 1\\n```", Usage(7, 5)


class OneShot:
    """Asks once, tests once."""

    def __init__(self, name, options):
        self.name, self.options = name, options

    async def solve(self, problem, model, run_visible, *, sample_index=0, trace=None):
        trace = trace if trace is not None else Trace()
        answer = await traced_chat(model, trace, "coding", [Message("user", problem.prompt)], sample_index=sample_index)
        code = extract_code(answer.response, problem.language, problem.entry_point) or ""
        report = await run_visible(code)
        return StrategyResult(code, report.passed, trace, "first_code" if report.passed else "unsolved", 1)


def load_tasks(data_file):
    """Three increment functions."""
    return [
        Problem(
            PublicProblem(
                task_id=f"demo/{i}",
                prompt=f"Write `inc{i}`, which adds one.",
                kind=ProblemKind.FUNCTION,
                entry_point=f"inc{i}",
                visible_tests=(TestCase("assert", f"assert inc{i}(1) == 2"),),
            ),
            hidden_tests=(TestCase("assert", f"assert inc{i}(5) == 6"),),
            dataset="demo-tasks",
        )
        for i in range(3)
    ]
'''

ENTRY_POINTS = """
[codesim.strategies]
demo-oneshot = codesim_demo_plugin:OneShot

[codesim.providers]
demo-echo = codesim_demo_plugin:EchoProvider

[codesim.datasets]
demo-tasks = codesim_demo_plugin:load_tasks
"""


@pytest.fixture
def plugin_dir(tmp_path: Path) -> Path:
    """A directory holding the installed plugin: its module and its .dist-info with entry points."""
    site = tmp_path / "site"
    (site / "codesim_demo_plugin").mkdir(parents=True)
    (site / "codesim_demo_plugin" / "__init__.py").write_text(textwrap.dedent(PLUGIN_MODULE), encoding="utf-8")
    info = site / "codesim_demo_plugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: codesim-demo-plugin\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(ENTRY_POINTS.lstrip())
    return site


def _codesim_with(site: Path, home: Path, *args: str, timeout_s: float = 300) -> subprocess.CompletedProcess[str]:
    """`codesim ARGS` (a subprocess) where the packages in `site` are importable, as if installed."""
    return run_codesim([*CODESIM, *args], home, timeout_s, PYTHONPATH=os.pathsep.join([str(SRC), str(site)]))


def _summary(out: Path) -> tuple[dict, dict]:
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    return summary, config


def test_cli_runs_a_plugin_strategy_provider_and_dataset(plugin_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "cli-run"
    argv = ["run", "--dataset", "demo-tasks", "--strategy", "demo-oneshot"]
    argv += ["--provider", "demo-echo", "--model", "echo-1", "--out", str(out)]
    done = _codesim_with(plugin_dir, tmp_path, *argv)
    assert done.returncode == 0, done.stderr
    summary, config = _summary(out)
    assert summary["pass@1"] == 1.0 and summary["n_tasks"] == 3
    assert (config["dataset"], config["strategy"], config["model"]["provider"], config["model"]["model"]) == (
        "demo-tasks",
        "demo-oneshot",
        "demo-echo",
        "echo-1",
    )
    evaluated = _codesim_with(plugin_dir, tmp_path, *evaluate_args(out / "results.jsonl", dataset="demo-tasks"))
    assert evaluated.returncode == 0, evaluated.stderr
    assert last_json(evaluated.stdout)["pass@1"] == 1.0


def test_python_api_runs_the_plugin(plugin_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(plugin_dir))
    for registry in (STRATEGY_REGISTRY, PROVIDERS, DATASET_PLUGINS):
        monkeypatch.setattr(registry, "_plugins_loaded", False)  # installed after this process looked
    try:
        out = tmp_path / "api-run"
        result = codesim.run(dataset="demo-tasks", strategy="demo-oneshot", model="demo-echo/echo-2", out=out)
        assert result["pass@1"] == 1.0 and result["n_tasks"] == 3
        summary, config = _summary(out)
        assert config["model"]["provider"] == "demo-echo" and config["model"]["model"] == "echo-2"
        assert "demo-oneshot" in STRATEGY_REGISTRY.names() and "demo-tasks" in DATASET_PLUGINS.names()
    finally:
        STRATEGY_REGISTRY.remove("demo-oneshot")
        PROVIDERS.remove("demo-echo")
        DATASET_PLUGINS.remove("demo-tasks")
        sys.modules.pop("codesim_demo_plugin", None)


def test_an_unknown_name_lists_the_plugins_too(plugin_dir: Path, tmp_path: Path) -> None:
    done = _codesim_with(plugin_dir, tmp_path, "run", "--dataset", "demo-tasks", "--strategy", "nope", timeout_s=120)
    assert done.returncode == 2
    assert "unknown strategy 'nope'" in done.stderr and "demo-oneshot" in done.stderr


def test_a_broken_plugin_is_named_in_one_line_and_never_stops_a_built_in_name(tmp_path: Path) -> None:
    site = tmp_path / "site"
    info = site / "codesim_broken_plugin-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: codesim-broken-plugin\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[codesim.datasets]\nbroken-tasks = codesim_missing_module:load\n")
    samples = write_jsonl(tmp_path / "samples.jsonl", [{"task_id": "HumanEval/0", "completion": "    return False\n"}])
    broken = _codesim_with(site, tmp_path, *evaluate_args(samples, dataset="broken-tasks"), timeout_s=120)
    assert broken.returncode == 1
    assert broken.stderr.count("\n") == 1 and "dataset plugin 'broken-tasks'" in broken.stderr
    assert "No module named 'codesim_missing_module'" in broken.stderr
    built_in = _codesim_with(site, tmp_path, *evaluate_args(samples))
    assert built_in.returncode == 0, built_in.stderr
