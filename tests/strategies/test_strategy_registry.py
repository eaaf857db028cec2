"""Strategy names, aliases and options."""

from __future__ import annotations

import pytest

from codesim.errors import UsageError
from codesim.strategies import STRATEGIES, create_strategy, get_spec, strategy_names
from codesim.strategies.options import CodeSimOptions, MapCoderOptions, StrategyOptions

DESIGN_NAMES = [
    "direct",
    "cot",
    "self-planning",
    "analogical",
    "mapcoder",
    "codesim",
    "codesim-no-debug",
    "codesim-no-verify",
    "codesim-plan-code",
    "codesim-gen-tests",
    "codesim-contest",
    "codesim-adaptive",
    "sample-filter",
]


def test_names_are_the_design_names() -> None:
    assert strategy_names() == DESIGN_NAMES == list(STRATEGIES)


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("CodeSIM", "codesim"),
        ("CodeSIMWD", "codesim-no-debug"),
        ("CodeSIMWPV", "codesim-no-verify"),
        ("CodeSIMWPVD", "codesim-plan-code"),
        ("CodeSIMC", "codesim-contest"),
        ("CodeSIMAdaptive", "codesim-adaptive"),
        ("SampleFilter", "sample-filter"),
        ("MapCoder", "mapcoder"),
        ("Direct", "direct"),
        ("CoT", "cot"),
        ("SelfPlanning", "self-planning"),
        ("Analogical", "analogical"),
        ("codesimwpvd", "codesim-plan-code"),
        ("MAPCODER", "mapcoder"),
        ("self_planning", "self-planning"),
        ("Codesim-No-Debug", "codesim-no-debug"),
    ],
)
def test_aliases_case_insensitively(alias: str, name: str) -> None:
    assert create_strategy(alias).name == name


def test_unknown_name_lists_valid_names() -> None:
    with pytest.raises(UsageError) as caught:
        create_strategy("codesim-turbo")
    assert all(name in str(caught.value) for name in DESIGN_NAMES)


def test_unknown_option_lists_valid_options() -> None:
    with pytest.raises(UsageError, match=r"has no option max_plan_tries .*valid options: task_max_calls"):
        create_strategy("direct", max_plan_tries=3)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"max_plan_tries": 0}, "must be at least 1"),
        ({"max_debug_tries": -1}, "must be at least 0"),
        ({"max_plan_tries": "5"}, "expected int"),
        ({"verify_plan": 1}, "expected bool"),
        ({"task_max_seconds": 0}, "must be at least"),
    ],
)
def test_invalid_option_values(options: dict, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        create_strategy("codesim", **options)


def test_variant_fixed_options_cannot_be_overridden() -> None:
    with pytest.raises(UsageError, match="fixes debug=False"):
        create_strategy("codesim-no-debug", debug=True)
    assert create_strategy("codesim-no-debug", debug=False).options.debug is False


def test_options_per_strategy() -> None:
    assert isinstance(get_spec("direct").default_options(), StrategyOptions)
    assert get_spec("direct").option_names() == ["task_max_calls", "task_max_tokens", "task_max_seconds"]
    mapcoder = get_spec("mapcoder").default_options()
    assert isinstance(mapcoder, MapCoderOptions) and (mapcoder.exemplars, mapcoder.max_debug_tries) == (3, 5)
    codesim = get_spec("codesim").default_options()
    assert isinstance(codesim, CodeSimOptions)
    assert (codesim.max_plan_tries, codesim.max_debug_tries, codesim.faithful) == (5, 5, False)
    assert codesim.task_max_calls is None and codesim.task_max_tokens is None and codesim.task_max_seconds is None
    contest = create_strategy("codesim-contest").options
    assert (contest.max_plan_tries, contest.contest) == (3, True)
    assert create_strategy("codesim-contest", max_plan_tries=4).options.max_plan_tries == 4
    assert create_strategy("codesim-gen-tests").options.generated_tests == 5
    assert "debug" not in get_spec("codesim-no-debug").option_names()
    assert create_strategy("codesim", task_max_calls=10).options.as_dict()["task_max_calls"] == 10
