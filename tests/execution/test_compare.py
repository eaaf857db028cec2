"""Judge-style output comparison and plain-data value comparison."""

from __future__ import annotations

import pytest

from codesim.execution.compare import decode_value, expected_text, outputs_match, values_match


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        ("1 2 3\n", "1 2 3"),
        ("1 2 3   \r\n\r\n", "1 2 3\n"),
        ("1\n2\n", "1 2"),
        ("YES\n", "yes"),
        ("No", "NO"),
        ("0.3333333", "0.333333333"),
        ("1000000.0000001", "1000000"),
        ("3.0", "3"),
        ("123456789012345678901234567890", "123456789012345678901234567890"),
    ],
)
def test_outputs_accepted_where_judges_are_tolerant(actual: str, expected: str) -> None:
    assert outputs_match(actual, expected)


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        ("1 2", "1 2 3"),
        ("hello", "Hello"),
        ("0.334", "0.333"),
        ("123456789012345678901234567891", "123456789012345678901234567890"),
        ("yes", "YESS"),
        ("", "0"),
        ("passed", "42"),
    ],
)
def test_outputs_rejected_otherwise(actual: str, expected: str) -> None:
    assert not outputs_match(actual, expected)


def test_a_problem_can_ask_for_a_looser_float_tolerance() -> None:
    assert not outputs_match("0.51", "0.5")
    assert outputs_match("0.51", "0.5", float_tol=0.02)


def test_expected_values_that_are_not_strings_are_converted() -> None:
    assert expected_text(["1 2", 3]) == "1 2\n3"
    assert expected_text(7) == "7"
    assert expected_text(None) == ""
    assert outputs_match("1 2\n3\n", ["1 2", 3])


def test_decode_value_restores_tagged_types() -> None:
    data = {"__tuple__": [1, {"__set__": [2]}, {"__dict__": [["k", {"__float__": "inf"}]]}, {"__bytes__": "6869"}]}
    assert decode_value(data) == (1, frozenset({2}), {"k": float("inf")}, b"hi")


def test_values_match_rules() -> None:
    assert values_match([1, (2, 3)], [1, [2, 3]])
    assert values_match(0.1 + 0.2, 0.3)
    assert not values_match(0.31, 0.3)
    assert values_match(0.31, 0.3, atol=0.05)
    assert not values_match(True, 1)
    assert not values_match(1, True)
    assert values_match({"a": [1.0]}, {"a": [1]})
    assert not values_match({"a": 1}, {"b": 1})
    assert not values_match("1", 1)
