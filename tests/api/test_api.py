"""The Python API: `codesim.solve/run/evaluate/load_problems` and their async twins, with the
real strategies, sandbox and OpenAI client against the fake server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from api_support import ADD_CODE, ADD_STATEMENT, canonical_answers
from cli_support import HUMANEVAL, answers_by_marker, humaneval_rows, humaneval_run_argv

import codesim
from codesim.llm.base import Message
from codesim.llm.factory import ModelConfig, build_chat_model
from codesim.strategies.base import StrategyResult, Trace, traced_chat
from codesim.strategies.options import StrategyOptions
from codesim.strategies.registry import REGISTRY, register_strategy
from codesim.testing.fake_llm import FakeLLMServer

pytestmark = pytest.mark.skipif(not HUMANEVAL.exists(), reason=f"HumanEval data not found at {HUMANEVAL}")


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch):
    """A fake OpenAI-compatible server answering canonical code; OPENAI_BASE_URL points at it."""
    with FakeLLMServer(answers_by_marker(canonical_answers(10))) as fake:
        monkeypatch.setenv("OPENAI_BASE_URL", fake.openai_base_url)
        yield fake


def test_solve_a_statement_with_a_model_name(server: FakeLLMServer) -> None:
    solution = codesim.solve(ADD_STATEMENT, model="openai/fake-coder", strategy="direct")
    assert solution.code.strip() == ADD_CODE.strip() and str(solution) == solution.code
    assert solution.visible_passed and solution.visible_tests == 2 and solution.outcome == "first_code"
    assert solution.model == "openai/fake-coder" and solution.strategy == "direct"
    assert solution.usage.llm_calls == 1 == len(server.requests)
    assert [step.stage for step in solution.trace.steps] == ["generation", "visible_tests"]
    assert server.requests[0].body["model"] == "fake-coder"


async def test_asolve_a_problem_with_a_chat_model_that_stays_open(server: FakeLLMServer) -> None:
    problem = (await codesim.aload_problems("humaneval", HUMANEVAL, limit=1))[0]
    chat = build_chat_model(ModelConfig(provider="openai", model="object-model", base_url=server.openai_base_url))
    try:
        solution = await codesim.asolve(problem, model=chat, strategy="direct")
        assert solution.visible_passed and solution.model == "openai/object-model"
        again = await chat.chat([Message("user", "def has_close_elements(")], sample_index=7)  # still open
        assert "def has_close_elements" in again.text
    finally:
        await chat.aclose()
    assert [r.body["model"] for r in server.requests] == ["object-model", "object-model"]


def test_run_records_the_model_object_actually_used(server: FakeLLMServer, tmp_path: Path) -> None:
    chat = build_chat_model(
        ModelConfig(provider="openai", model="object-model", base_url=server.openai_base_url, temperature=0.3)
    )
    out = tmp_path / "run"
    summary = codesim.run("humaneval", "direct", chat, data_file=HUMANEVAL, limit=3, out=out)
    assert summary.complete and summary.stop_reason == "complete" and summary.out_dir == out
    assert summary["pass@1"] == 1.0 and summary["n_samples"] == 3
    recorded = json.loads((out / "config.json").read_text(encoding="utf-8"))["model"]
    assert (recorded["provider"], recorded["model"], recorded["base_url"]) == (
        "openai",
        "object-model",
        server.openai_base_url,
    )
    assert recorded["temperature"] == 0.3
    assert {r.body["model"] for r in server.requests} == {"object-model"}
    assert {r.body["temperature"] for r in server.requests} == {0.3}


def test_run_by_model_name_writes_the_cli_run_files(server: FakeLLMServer, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    summary = codesim.run(
        dataset="humaneval",
        strategy="codesim",
        model="openai/fake-coder",
        data_file=HUMANEVAL,
        limit=2,
        max_plan_tries=1,
        max_debug_tries=1,
    )
    out = tmp_path / "runs" / "humaneval-codesim-fake-coder"
    assert summary.out_dir == Path("runs/humaneval-codesim-fake-coder")
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert config["model"]["model"] == "fake-coder" and config["strategy_options"]["max_plan_tries"] == 1
    lines = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(line["task_id"] for line in lines) == ["HumanEval/0", "HumanEval/1"]
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["pass@1"] == summary["pass@1"]


def test_strategy_options_are_validated(tmp_path: Path) -> None:
    with pytest.raises(codesim.UsageError, match="has no option bogus"):
        codesim.run("humaneval", "codesim", "openai/x", data_file=HUMANEVAL, out=tmp_path / "o", bogus=1)
    with pytest.raises(codesim.UsageError, match="unknown provider 'nope'"):
        codesim.solve(ADD_STATEMENT, model="nope/x")
    assert not (tmp_path / "o").exists()


def test_evaluate_samples_given_as_dicts(tmp_path: Path) -> None:
    rows = humaneval_rows(4)
    samples = [{"task_id": row["task_id"], "completion": row["canonical_solution"]} for row in rows[:3]]
    samples.append({"task_id": rows[3]["task_id"], "solution": "def nothing():\n    pass\n", "note": "kept"})
    out = tmp_path / "verdicts.jsonl"
    result = codesim.evaluate(samples, dataset="humaneval", data_file=HUMANEVAL, k=[1], out=out)
    assert result["pass@1"] == 0.75 and result["n_samples"] == 4
    assert [v.passed for v in result.verdicts] == [True, True, True, False]
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert written[3]["note"] == "kept" and written[3]["passed"] is False


async def test_blocking_functions_refuse_a_running_loop() -> None:
    with pytest.raises(RuntimeError, match=r"await codesim\.aload_problems"):
        codesim.load_problems("humaneval", HUMANEVAL)
    assert [p.task_id for p in await codesim.aload_problems("humaneval", HUMANEVAL, task_ids=["HumanEval/5"])] == [
        "HumanEval/5"
    ]


class ChattyStrategy:
    """Calls the model directly (no TaskSession) until it is stopped."""

    def __init__(self, name: str, options: StrategyOptions) -> None:
        self.name, self.options = name, options

    async def solve(self, problem, model, run_visible, *, sample_index: int = 0, trace: Trace | None = None):
        trace = trace if trace is not None else Trace()
        for turn in range(10):
            prompt = f"{problem.prompt}\nturn {turn}"
            await traced_chat(model, trace, "chat", [Message("user", prompt)], sample_index=sample_index)
        return StrategyResult("", False, trace, "unsolved")


@pytest.fixture
def chatty():
    register_strategy("chatty", options=StrategyOptions)(ChattyStrategy)
    yield
    REGISTRY.remove("chatty")


def test_per_task_budget_holds_for_a_strategy_calling_the_model_directly(
    server: FakeLLMServer, tmp_path: Path, chatty: None
) -> None:
    summary = codesim.run(
        "humaneval", "chatty", "openai/fake-coder", data_file=HUMANEVAL, limit=1, out=tmp_path / "o", task_max_calls=3
    )
    assert len(server.requests) == 3
    line = json.loads((tmp_path / "o" / "results.jsonl").read_text(encoding="utf-8"))
    assert line["llm_calls"] == 3 and line["outcome"] == "no_code"
    assert "reached task_max_calls=3" in line["trace"][-1]["note"]
    assert summary["n_samples"] == 1


def test_prompt_templates_are_overridden_from_a_directory(server: FakeLLMServer, tmp_path: Path) -> None:
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    (prompts / "direct.j2").write_text("# OVERRIDDEN-7731\nWrite {{ entry_point }}.\n{% include '_code_rules.j2' %}\n")
    overridden = codesim.solve(ADD_STATEMENT, model="openai/m", strategy="direct", prompts=prompts)
    plain = codesim.solve(ADD_STATEMENT, model="openai/m2", strategy="direct")
    assert overridden.visible_passed and plain.visible_passed
    first, second = server.requests
    assert "OVERRIDDEN-7731\nWrite add." in first.last_user_text
    assert "OVERRIDDEN" not in second.last_user_text


def test_import_codesim_loads_no_api_module() -> None:
    code = (
        "import sys, codesim\n"
        "print(sorted(m for m in sys.modules if m.startswith('codesim')))\n"
        "print(callable(codesim.solve), 'codesim.api' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    modules, after = done.stdout.splitlines()
    assert modules == "['codesim', 'codesim.solve']"
    assert after == "True True"


def test_errors_name_the_setting_in_each_audience_s_words(tmp_path: Path) -> None:
    with pytest.raises(codesim.UsageError, match="provider 'groq' has no default model: pass `model`$"):
        codesim.run("humaneval", "direct", "groq", data_file=HUMANEVAL, out=tmp_path / "o")
    done = subprocess.run(
        humaneval_run_argv("--strategy", "direct", "--provider", "groq", "--out", str(tmp_path / "o")),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr == "codesim: error: provider 'groq' has no default model: pass --model\n"


def test_a_statement_error_names_the_python_parameter() -> None:
    with pytest.raises(codesim.UsageError, match="^`kind` function needs a `def name"):
        codesim.solve("Print the input.\n\nInput:\n1\nOutput:\n1\n", model="openai/m", kind="function")


def test_prompts_are_refused_where_remote_workers_would_not_see_them(tmp_path: Path) -> None:
    with pytest.raises(codesim.UsageError, match="prompts= applies in this process only"):
        codesim.run(
            "humaneval", "direct", "openai/m", data_file=HUMANEVAL, out=tmp_path / "o", backend="ray", prompts=tmp_path
        )
    assert not (tmp_path / "o").exists()


def test_a_missing_prompt_directory_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(codesim.UsageError, match="prompt template directory not found"):
        codesim.solve(ADD_STATEMENT, model="openai/m", strategy="direct", prompts=tmp_path / "nowhere")


def test_counts_are_checked_before_anything_runs(tmp_path: Path) -> None:
    with pytest.raises(codesim.UsageError, match="^`samples` must be a whole number >= 1, got 0$"):
        codesim.run("humaneval", "direct", "openai/m", data_file=HUMANEVAL, out=tmp_path / "o", samples=0)
    with pytest.raises(codesim.UsageError, match="^`workers` must be a whole number >= 1, got 1.5$"):
        codesim.evaluate([{"task_id": "HumanEval/0", "completion": ""}], dataset="humaneval", workers=1.5)
    assert not (tmp_path / "o").exists()
