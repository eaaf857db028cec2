"""A run in-process: a one-call strategy, the real sandbox, the fake LLM over real HTTP."""

from __future__ import annotations

import dataclasses
import io
import json
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from rich.console import Console
from runner_support import ANSWERS, HIDDEN_MARKER, PROBLEMS, OneCallStrategy, answering, counting, task_name

from codesim.errors import UsageError
from codesim.execution import Sandbox
from codesim.llm.base import ChatParams
from codesim.llm.cache import ResponseCache
from codesim.llm.chat import ChatModel
from codesim.llm.factory import ModelConfig
from codesim.llm.openai_provider import OpenAIProvider
from codesim.llm.retry import RetryPolicy
from codesim.problems import Problem
from codesim.results_schema import SCHEMA_VERSION, ResultLine
from codesim.runner.config import RunConfig, model_section
from codesim.runner.engine import StopReason
from codesim.runner.session import RunOutcome, execute_run, open_run_directory
from codesim.runner.summary import print_summary
from codesim.testing.fake_llm import FakeLLMServer, FakeReply, FakeRequest

REQUIRED_FIELDS = {
    "task_id",
    "sample_index",
    "solution",
    "passed",
    "visible_passed",
    "llm_calls",
    "prompt_tokens",
    "completion_tokens",
    "seconds",
    "outcome",
    "distinct_codes",
    "trace",
    "status",
}


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    box = Sandbox(workers=2)
    yield box
    await box.aclose()


def _config(**changes: object) -> RunConfig:
    base = RunConfig(
        dataset="tiny",
        strategy="one-call",
        strategy_options={},
        model=model_section(ModelConfig(provider="openai", model="fake")),
        concurrency=2,
    )
    return dataclasses.replace(base, **changes)


async def _run(
    out: Path,
    server: FakeLLMServer,
    sandbox: Sandbox,
    problems: list[Problem] = PROBLEMS,
    *,
    strategy: object = None,
    stop_after_errors: int = 3,
    console: Console | None = None,
    **changes: object,
) -> RunOutcome:
    config = _config(**changes)
    provider = OpenAIProvider("test-key", server.openai_base_url, 60)
    model = ChatModel(provider, ChatParams(model="fake"), cache=ResponseCache(), retry=RetryPolicy(max_retries=0))
    try:
        with open_run_directory(out, config) as run_dir:
            return await execute_run(
                run_dir,
                config,
                problems,
                strategy or OneCallStrategy(),
                model,
                sandbox,
                stop_after_errors=stop_after_errors,
                console=console or Console(file=io.StringIO()),
            )
    finally:
        await model.aclose()


def _lines(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]


async def test_run_writes_results_judged_on_hidden_tests(tmp_path: Path, sandbox: Sandbox) -> None:
    out = tmp_path / "run"
    console = Console(file=io.StringIO(), width=200)
    with FakeLLMServer(answering()) as server:
        outcome = await _run(out, server, sandbox, console=console)
    assert outcome.reason is StopReason.COMPLETE
    lines = {line["task_id"]: line for line in _lines(out)}
    assert sorted(lines) == ["T/add", "T/double", "T/neg", "T/square"]
    for line in lines.values():
        assert line.keys() >= REQUIRED_FIELDS
        assert line["sample_index"] == 0 and line["llm_calls"] == 1 and line["visible_passed"] is True
        assert [step["stage"] for step in line["trace"]] == ["coding", "visible_tests"]
        assert line["trace"][0]["response"].startswith("Here it is:")
    assert lines["T/add"]["passed"] is True and lines["T/add"]["status"] == "passed"
    assert lines["T/add"]["solution"] == ANSWERS["add"]
    assert lines["T/square"]["passed"] is False and lines["T/square"]["status"] != "passed"
    assert all(HIDDEN_MARKER not in request.all_text for request in server.requests)

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary == outcome.summary
    assert summary["pass@1"] == 0.75 and summary["visible_pass_rate"] == 1.0
    assert (summary["n_tasks"], summary["n_samples"], summary["complete"]) == (4, 4, True)
    assert summary["llm_calls"] == 4 and summary["cached_calls"] == 0
    assert summary["prompt_tokens"] == summary["new_prompt_tokens"] > 0
    assert summary["outcomes"] == {"first_code": 4}
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert config["strategy"] == "one-call" and config["model"]["model"] == "fake"
    assert "solved 3/4 (75.0%)" in console.file.getvalue()


async def test_concurrency_bounds_the_samples_in_flight(tmp_path: Path, sandbox: Sandbox) -> None:
    with FakeLLMServer(answering(), latency_s=0.5) as server:
        outcome = await _run(tmp_path / "run", server, sandbox, concurrency=2)
    assert outcome.reason is StopReason.COMPLETE
    assert server.max_in_flight == 2


async def test_samples_are_separate_requests_and_give_pass_at_k(tmp_path: Path, sandbox: Sandbox) -> None:
    counts: Counter[str] = Counter()

    def second_add_is_wrong(request: FakeRequest) -> FakeReply:
        if task_name(request) == "add" and counts["add"] == 2:
            return FakeReply("```python\ndef add(a, b):\n    return a - b\n```")
        return answering()(request)

    out = tmp_path / "run"
    with FakeLLMServer(counting(second_add_is_wrong, counts)) as server:
        outcome = await _run(out, server, sandbox, PROBLEMS[:2], samples=3)
        assert counts == {"add": 3, "double": 3}  # temperature 0, yet each sample index is its own call
        again = await _run(out, server, sandbox, PROBLEMS[:2], samples=3)
        assert len(server.requests) == 6  # the resumed run had nothing left to do
    lines = _lines(out)
    assert sorted((line["task_id"], line["sample_index"]) for line in lines) == [
        (task, index) for task in ("T/add", "T/double") for index in range(3)
    ]
    assert sum(line["passed"] for line in lines if line["task_id"] == "T/add") == 2
    assert outcome.summary["pass@1"] == pytest.approx((2 / 3 + 1) / 2)
    assert outcome.summary["pass@2"] == 1.0
    assert "pass@5" not in outcome.summary

    def timeless(summary: dict) -> dict:
        return {key: value for key, value in summary.items() if key not in ("wall_seconds", "invocations")}

    assert timeless(again.summary) == timeless(outcome.summary)  # nothing redone, same figures
    assert again.summary["wall_seconds"] >= outcome.summary["wall_seconds"]  # wall time accumulates
    assert again.summary["invocations"][:1] == outcome.summary["invocations"] and len(again.summary["invocations"]) == 2


async def test_resume_runs_only_missing_samples(tmp_path: Path, sandbox: Sandbox) -> None:
    counts: Counter[str] = Counter()
    out = tmp_path / "run"
    with FakeLLMServer(counting(answering(), counts)) as server:
        await _run(out, server, sandbox, PROBLEMS[:2])
        outcome = await _run(out, server, sandbox, PROBLEMS)
    assert counts == {"add": 1, "double": 1, "square": 1, "neg": 1}
    assert sorted(line["task_id"] for line in _lines(out)) == ["T/add", "T/double", "T/neg", "T/square"]
    assert outcome.summary["n_samples"] == 4


async def test_provider_failure_is_an_error_line_redone_on_resume(tmp_path: Path, sandbox: Sandbox) -> None:
    def double_fails(request: FakeRequest) -> FakeReply:
        if task_name(request) == "double":
            return FakeReply(status=400, raw_body='{"error": {"message": "prompt too long"}}')
        return answering()(request)

    out = tmp_path / "run"
    with FakeLLMServer(double_fails) as server:
        first = await _run(out, server, sandbox, concurrency=1)
    assert first.reason is StopReason.COMPLETE
    error = next(line for line in _lines(out) if line["task_id"] == "T/double")
    assert (error["status"], error["passed"], error["solution"]) == ("error", False, "")
    assert "prompt too long" in error["error"]
    # a sample never judged is not a failure: no pass@k until it is redone
    assert (first.summary["errors"], first.summary["pass@1"], first.summary["complete"]) == (1, None, False)

    with FakeLLMServer(answering()) as server:
        second = await _run(out, server, sandbox)
        assert [task_name(r) for r in server.requests] == ["double"]
    lines = _lines(out)
    assert sorted(line["task_id"] for line in lines) == ["T/add", "T/double", "T/neg", "T/square"]
    assert all(line["status"] != "error" for line in lines)
    assert second.retried_errors == 1 and second.summary["pass@1"] == 0.75
    assert second.summary["wall_seconds"] > first.summary["wall_seconds"] > 0  # summed over invocations


async def test_repeated_provider_failures_stop_the_run(tmp_path: Path, sandbox: Sandbox) -> None:
    def overloaded_after_add(request: FakeRequest) -> FakeReply:
        if task_name(request) == "add":
            return answering()(request)
        return FakeReply(status=503, raw_body='{"error": {"message": "overloaded"}}')

    with FakeLLMServer(overloaded_after_add) as server:
        outcome = await _run(tmp_path / "run", server, sandbox, concurrency=1, stop_after_errors=2)
    assert outcome.reason is StopReason.PROVIDER_ERRORS
    assert "overloaded" in outcome.last_error
    assert len(_lines(tmp_path / "run")) == 3 and len(server.requests) == 3
    assert outcome.summary["stopped"] == "provider_errors" and outcome.summary["complete"] is False


@pytest.mark.parametrize("concurrency", [1, 4])
async def test_a_refused_first_call_stops_the_run_at_once(tmp_path: Path, sandbox: Sandbox, concurrency: int) -> None:
    with FakeLLMServer(lambda request: FakeReply(status=401, raw_body='{"error": {"message": "bad key"}}')) as server:
        outcome = await _run(tmp_path / "run", server, sandbox, concurrency=concurrency, stop_after_errors=3)
    # the other samples wait for the first call's answer, so a refused configuration costs one call
    assert (
        outcome.reason is StopReason.PROVIDER_REJECTED and "HTTP 401: Error code: 401 - bad key" in outcome.last_error
    )
    assert len(server.requests) == 1 and [line["error_kind"] for line in _lines(tmp_path / "run")] == ["rejected"]
    assert outcome.summary["pass@1"] is None and outcome.summary["complete"] is False


async def test_token_budget_stops_before_the_next_call(tmp_path: Path, sandbox: Sandbox) -> None:
    out = tmp_path / "run"
    with FakeLLMServer(answering()) as server:
        outcome = await _run(out, server, sandbox, concurrency=1, budget_tokens=1)
        assert outcome.reason is StopReason.BUDGET
        assert len(server.requests) == 1 and len(_lines(out)) == 1
        assert outcome.summary["stopped"] == "budget" and outcome.summary["complete"] is False
        resumed = await _run(out, server, sandbox, concurrency=1)  # a budget change is allowed
    assert resumed.reason is StopReason.COMPLETE and len(_lines(out)) == 4


class _CrashesOn(OneCallStrategy):
    async def solve(self, problem, model, run_visible, *, sample_index=0):  # noqa: ANN001, ANN201
        if problem.entry_point == "square":
            raise RuntimeError("strategy bug")
        return await super().solve(problem, model, run_visible, sample_index=sample_index)


async def test_a_strategy_bug_stops_the_run_keeping_finished_samples(tmp_path: Path, sandbox: Sandbox) -> None:
    out = tmp_path / "run"
    with FakeLLMServer(answering()) as server, pytest.raises(RuntimeError, match="strategy bug"):
        await _run(out, server, sandbox, concurrency=1, strategy=_CrashesOn())
    assert [line["task_id"] for line in _lines(out)] == ["T/add", "T/double"]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["stopped"], summary["n_samples"]) == ("failed", 2)


def test_a_directory_without_samples_takes_a_new_config(tmp_path: Path) -> None:
    out = tmp_path / "run"
    with open_run_directory(out, _config()):
        pass  # e.g. the run failed before its first sample (a missing API key)
    hotter = _config(model=model_section(ModelConfig(provider="openai", model="fake", temperature=0.9)))
    with open_run_directory(out, hotter) as run_dir:
        run_dir.results.append({"task_id": "T/add", "sample_index": 0})
    assert json.loads((out / "config.json").read_text(encoding="utf-8"))["model"]["temperature"] == 0.9
    with pytest.raises(UsageError, match=r"model.temperature: 0.9 -> 0.0"), open_run_directory(out, _config()):
        pass


async def test_run_files_carry_the_schema_version_outcome_fields_and_estimated_tokens(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    """A provider that reports no usage: the counts are estimated, and the files say so."""
    out = tmp_path / "run"
    answer = answering()
    with FakeLLMServer(lambda request: dataclasses.replace(answer(request), usage=False)) as server:
        outcome = await _run(out, server, sandbox)
    assert outcome.reason is StopReason.COMPLETE
    console = Console(file=io.StringIO(), width=200)
    print_summary(outcome.summary, str(out), console)
    assert "4 LLM calls counted by estimate" in console.file.getvalue()
    for line in _lines(out):
        assert line["schema_version"] == SCHEMA_VERSION
        assert set(line) <= {field.name for field in dataclasses.fields(ResultLine)}  # the schema knows every field
        assert (line["outcome"], line["outcome_kind"], line["plan"], line["debug_round"]) == (
            "first_code",
            "solved",
            1,
            0,
        )
        assert line["estimated_tokens"] == 1 and line["prompt_tokens"] > 0
        assert [step["estimated_tokens"] for step in line["trace"]] == [True, False]  # the call, the test run
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["schema_version"] == SCHEMA_VERSION and summary["estimated_tokens"] == 4
    assert json.loads((out / "config.json").read_text(encoding="utf-8"))["schema_version"] == SCHEMA_VERSION


async def test_reported_usage_is_not_marked_estimated(tmp_path: Path, sandbox: Sandbox) -> None:
    out = tmp_path / "run"
    with FakeLLMServer(answering()) as server:
        outcome = await _run(out, server, sandbox)
    console = Console(file=io.StringIO(), width=200)
    print_summary(outcome.summary, str(out), console)
    assert outcome.summary["estimated_tokens"] == 0 and "by estimate" not in console.file.getvalue()
    assert all(line["estimated_tokens"] == 0 for line in _lines(out))
