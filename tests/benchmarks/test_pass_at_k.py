"""pass@k against values computed by hand from 1 - C(n-c, k) / C(n, k)."""

from __future__ import annotations

import pytest

from codesim.metrics import mean_pass_at_k, pass_at_k, pass_at_ks, tasks_short_of


@pytest.mark.parametrize(
    ("n", "c", "k", "expected"),
    [
        (1, 1, 1, 1.0),
        (1, 0, 1, 0.0),
        (10, 3, 1, 0.3),  # 1 - 7/10
        (5, 2, 2, 0.7),  # 1 - C(3,2)/C(5,2) = 1 - 3/10
        (10, 1, 5, 0.5),  # 1 - C(9,5)/C(10,5) = 1 - 126/252
        (4, 1, 2, 0.5),  # 1 - C(3,2)/C(4,2) = 1 - 3/6
        (20, 2, 10, 1 - 43758 / 184756),  # 1 - C(18,10)/C(20,10)
        (6, 5, 2, 1.0),  # n - c < k: every draw of 2 contains a correct sample
        (3, 0, 3, 0.0),
    ],
)
def test_pass_at_k_matches_hand_computed_values(n: int, c: int, k: int, expected: float) -> None:
    assert pass_at_k(n, c, k) == pytest.approx(expected, abs=1e-12)


def test_mean_over_tasks() -> None:
    # task A: n=2, c=1 -> pass@1 = 0.5; task B: n=2, c=2 -> 1.0; mean 0.75
    assert mean_pass_at_k([(2, 1), (2, 2)], 1) == pytest.approx(0.75)


def test_k_larger_than_some_tasks_samples_gives_none_and_names_tasks() -> None:
    counts = {"A": (10, 3), "B": (5, 5)}
    result = pass_at_ks(counts, [1, 10])
    assert result["pass@1"] == pytest.approx((0.3 + 1.0) / 2)
    assert result["pass@10"] is None
    assert tasks_short_of(counts, 10) == ["B"]


@pytest.mark.parametrize(("n", "c", "k"), [(3, 4, 1), (3, 1, 0), (3, 1, 4), (3, -1, 1)])
def test_invalid_arguments_are_refused(n: int, c: int, k: int) -> None:
    with pytest.raises(ValueError):
        pass_at_k(n, c, k)
