"""pass@k: the unbiased estimator of Chen et al. (2021), "Evaluating Large Language Models Trained on Code"."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from math import comb


def pass_at_k(n: int, c: int, k: int) -> float:
    """Probability that at least one of k samples drawn without replacement from n (c correct) is correct:
    1 - C(n-c, k) / C(n, k)."""
    if not 0 <= c <= n:
        raise ValueError(f"need 0 <= c <= n, got n={n}, c={c}")
    if not 1 <= k <= n:
        raise ValueError(f"need 1 <= k <= n, got n={n}, k={k}")
    if n - c < k:
        return 1.0
    return 1.0 - comb(n - c, k) / comb(n, k)


def mean_pass_at_k(counts: Iterable[tuple[int, int]], k: int) -> float:
    """The mean of pass@k over tasks, each given as (n samples, c correct)."""
    values = [pass_at_k(n, c, k) for n, c in counts]
    if not values:
        raise ValueError("no tasks")
    return sum(values) / len(values)


def tasks_short_of(counts: Mapping[str, tuple[int, int]], k: int) -> list[str]:
    """The tasks with fewer than k samples (pass@k is undefined for them)."""
    return [task for task, (n, _) in counts.items() if n < k]


def pass_at_ks(counts: Mapping[str, tuple[int, int]], ks: Sequence[int]) -> dict[str, float | None]:
    """`{"pass@k": value}` for each k; None where some task has fewer than k samples."""
    return {
        f"pass@{k}": None if not counts or tasks_short_of(counts, k) else mean_pass_at_k(counts.values(), k) for k in ks
    }
