"""APPS rows: the CodeSIM paper's selection (all tests stdin/stdout) and Hugging Face `codeparrot/apps`."""

from __future__ import annotations

import json
from typing import Any

from codesim.benchmarks.builders import function_problem, io_tests, stdio_problem
from codesim.benchmarks.prompts import functional_class_prompt, stdio_prompt
from codesim.benchmarks.rows import Row
from codesim.problems import Problem, TestCase

APPS_TIME_LIMIT_S = 4.0  # the APPS harness's per-test timeout


def convert_apps_codesim(row: Row, dataset: str) -> Problem:
    """A paper-format row: `sample_io` visible, `test_list` hidden, each `{"input", "output": [expected]}`."""
    visible = io_tests(_pairs(row, "sample_io"))
    starter = row.optional("starter_code", "")
    return stdio_problem(
        task_id=str(row.optional("id") if row.optional("id") is not None else row.field("name", (str, int))),
        dataset=dataset,
        prompt=stdio_prompt(row.field("description", str), visible, starter_code=starter),
        starter_code=starter,
        visible=visible,
        hidden=io_tests(_pairs(row, "test_list")),
        time_limit_s=APPS_TIME_LIMIT_S,
        metadata={"difficulty": row.optional("difficulty", "")},
    )


def _pairs(row: Row, name: str) -> list[tuple[Any, Any]]:
    pairs = []
    for test in row.field(name, list):
        if not isinstance(test, dict) or "input" not in test or "output" not in test:
            raise row.error(f"each entry of {name!r} should be an object with 'input' and 'output'")
        output = test["output"]
        pairs.append((test["input"], output[0] if isinstance(output, list) and len(output) == 1 else output))
    return pairs


def convert_apps_hf(row: Row, dataset: str) -> Problem:
    """A `codeparrot/apps` row: `input_output` is a JSON string; `fn_name` makes it a call-based problem.

    Visible tests of a stdin problem are the tests whose input the question shows verbatim.
    """
    question = row.field("question", str)
    starter = row.optional("starter_code", "")
    spec = _input_output(row)
    task_id = str(row.field("problem_id", (str, int)))
    fn_name = spec.get("fn_name")
    if fn_name:
        hidden = tuple(
            TestCase("call", list(args), _unwrap(expected))
            for args, expected in zip(spec["inputs"], spec["outputs"], strict=False)
        )
        entry = f"Solution.{fn_name}" if "class Solution" in starter else fn_name
        return function_problem(
            task_id=task_id,
            dataset=dataset,
            prompt=functional_class_prompt(question, (), starter),
            entry_point=entry,
            starter_code=starter,
            visible=(),
            hidden=hidden,
            time_limit_s=APPS_TIME_LIMIT_S,
            metadata={"difficulty": row.optional("difficulty", "")},
        )
    hidden = io_tests(zip(spec["inputs"], spec["outputs"], strict=False))
    visible = tuple(t for t in hidden if t.input.strip() and t.input.strip() in question)
    return stdio_problem(
        task_id=task_id,
        dataset=dataset,
        prompt=stdio_prompt(question, ()),
        visible=visible,
        hidden=hidden,
        time_limit_s=APPS_TIME_LIMIT_S,
        metadata={"difficulty": row.optional("difficulty", "")},
    )


def _input_output(row: Row) -> dict[str, Any]:
    raw = row.field("input_output", (str, dict))
    try:
        spec = json.loads(raw) if isinstance(raw, str) else raw
    except json.JSONDecodeError as err:
        raise row.error(f"field 'input_output' is not valid JSON ({err.msg})") from None
    if not isinstance(spec, dict) or not all(isinstance(spec.get(key), list) for key in ("inputs", "outputs")):
        raise row.error("field 'input_output' should hold 'inputs' and 'outputs' lists")
    if len(spec["inputs"]) != len(spec["outputs"]):
        raise row.error("field 'input_output' has different numbers of inputs and outputs")
    return spec


def _unwrap(expected: Any) -> Any:
    """APPS stores a call's expected return value wrapped in a one-element list."""
    return expected[0] if isinstance(expected, list) and len(expected) == 1 else expected
