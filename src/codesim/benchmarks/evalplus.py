"""EvalPlus rows (`HumanEvalPlus.jsonl(.gz)`, `MbppPlus.jsonl(.gz)`): two hidden tests run the candidate
on `base_input`, then on `plus_input`, and compare with the canonical solution's outputs (within `atol`).
The first is the original benchmark's ("base") test, so one pass scores both base and plus."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from string import Template

from codesim.benchmarks.builders import assert_tests, signature_problem
from codesim.benchmarks.humaneval import visible_asserts
from codesim.benchmarks.rows import Row
from codesim.problems import Problem, TestCase

PLUS_TIME_LIMIT_S = 60.0  # one test runs every base (or every plus) input

# EvalPlus's `mbpp_deserialize_inputs`, as data: MBPP+ task number -> how to rebuild the argument types.
_MBPP_RULES: dict[str, tuple[int, ...]] = {
    "tuple_args": (
        2,
        116,
        132,
        143,
        222,
        261,
        273,
        394,
        399,
        421,
        424,
        429,
        470,
        560,
        579,
        596,
        616,
        630,
        726,
        740,
        744,
        809,
    ),
    "nested_tuple_args": (63, 64, 70, 94, 120, 237, 272, 299, 400, 409, 417, 438, 473, 614, 780),
    "first_arg_tuples": (75, 413, 444, 753),
    "second_arg_tuple": (106, 750),
    "sets": (115,),
    "float_complex": (124,),
    "first_arg_tuple": (250, 405, 446, 617, 720, 763, 808),
    "nested_then_tuple": (259, 401, 445),
    "mixed_first_tuple": (278,),
    "first_of_three_tuple": (307,),
    "dict_tuples": (722,),
    "complex": (252,),
    "all_tuples": (580, 615, 791),
}
_RULE_OF_TASK = {number: rule for rule, numbers in _MBPP_RULES.items() for number in numbers}

# EvalPlus's special oracles, by entry point: where "same output as the reference" is not the criterion.
HUMANEVAL_ORACLES = {"find_zero": "polynomial_zero"}
MBPP_ORACLES = {
    "check_str": "not_none",
    "text_match_three": "not_none",
    "text_starta_endb": "not_none",
    "are_equivalent": "or_always_true",
    "sum_div": "or_always_zero",
}


@lru_cache(maxsize=1)
def _check_template() -> Template:
    return Template(
        resources.files("codesim.benchmarks").joinpath("templates").joinpath("evalplus_check.py.txt").read_text()
    )


def differential_test(
    reference: str, entry_point: str, inputs: list, atol: float, *, rule: str = "", oracle: str = ""
) -> TestCase:
    """One assert test comparing the candidate with `reference` on every input (or applying `oracle`)."""
    code = _check_template().substitute(
        reference=repr(reference),
        entry_point=repr(entry_point),
        inputs=repr(json.dumps(inputs)),
        atol=repr(float(atol or 0)),
        rule=repr(rule),
        oracle=repr(oracle),
    )
    return TestCase("assert", code)


def convert_humaneval_plus(row: Row, dataset: str) -> Problem:
    """A HumanEval+ row: visible = docstring examples; hidden = differential test on all inputs."""
    prompt = row.field("prompt", str)
    entry_point = row.field("entry_point", str)
    visible = visible_asserts(row, prompt, entry_point)
    oracle = HUMANEVAL_ORACLES.get(entry_point, "")
    return _plus_problem(row, dataset, prompt, entry_point, visible, rule="", oracle=oracle)


def convert_mbpp_plus(row: Row, dataset: str) -> Problem:
    """An MBPP+ row: the prompt is a docstring ending in one example assert, which is the visible test."""
    prompt = row.field("prompt", str)
    entry_point = row.field("entry_point", str)
    visible = assert_tests(line for line in prompt.splitlines() if line.strip().startswith("assert "))
    number = re.search(r"(\d+)$", str(row.field("task_id", (str, int))))
    rule = _RULE_OF_TASK.get(int(number.group(1)), "") if number else ""
    oracle = MBPP_ORACLES.get(entry_point, "")
    return _plus_problem(row, dataset, prompt, entry_point, visible, rule=rule, oracle=oracle)


def _plus_problem(
    row: Row, dataset: str, prompt: str, entry_point: str, visible: tuple[TestCase, ...], *, rule: str, oracle: str
) -> Problem:
    base_inputs, plus_inputs = row.field("base_input", list), row.field("plus_input", list)
    reference = prompt + row.field("canonical_solution", str)
    atol = row.optional("atol", 0)
    hidden = tuple(
        differential_test(reference, entry_point, inputs, atol, rule=rule, oracle=oracle)
        for inputs in (base_inputs, plus_inputs)
        if inputs
    )
    return signature_problem(
        task_id=str(row.field("task_id", (str, int))),
        signature=prompt,
        dataset=dataset,
        entry_point=entry_point,
        visible=visible,
        hidden=hidden,
        time_limit_s=PLUS_TIME_LIMIT_S,
        metadata={"n_inputs": len(base_inputs) + len(plus_inputs)},
        n_base_tests=1 if base_inputs else None,
    )
