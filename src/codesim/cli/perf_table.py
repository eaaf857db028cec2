"""`evaluate --perf`'s table on stderr: each measured sample's figures and ratios to the reference."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from codesim.benchmarks.perf import SamplePerf
from codesim.solution_perf import Spread


def _cpu(spread: Spread) -> str:
    return f"{1000 * spread.median:.3f} ms ({1000 * spread.low:.3f}-{1000 * spread.high:.3f})"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def print_perf_table(perfs: Sequence[SamplePerf | None], summary: dict[str, Any]) -> None:
    """One line per measured sample, then the medians over samples."""
    measured = [perf for perf in perfs if perf is not None]
    print(
        f"codesim: CPU time and peak memory on the hidden tests, median (min-max) of {summary['repeats']} runs",
        file=sys.stderr,
    )
    print(
        f"{'task':<24} {'CPU':>28} {'peak MB':>8} {'reference CPU':>28} {'CPU ratio':>9} {'mem ratio':>9}",
        file=sys.stderr,
    )
    for perf in measured:
        reference = _cpu(perf.reference.cpu_s) if perf.reference else "-"
        print(
            f"{perf.task_id:<24} {_cpu(perf.solution.cpu_s):>28} {perf.solution.peak_mb.median:>8.1f} "
            f"{reference:>28} {_ratio(perf.cpu_ratio):>9} {_ratio(perf.peak_ratio):>9}",
            file=sys.stderr,
        )
    cpu_ratio, peak_ratio = summary["cpu_ratio"], summary["peak_ratio"]
    line = (
        f"codesim: {summary['n_measured']} sample(s) measured; median CPU {summary['median_cpu_s']} s, "
        f"median peak {summary['median_peak_mb']} MB"
    )
    if cpu_ratio:
        line += (
            f"; vs reference ({summary['n_with_reference']}): CPU ratio median {cpu_ratio['median']:.2f} "
            f"(min {cpu_ratio['min']:.2f}, max {cpu_ratio['max']:.2f}), memory ratio median "
            f"{peak_ratio['median']:.2f}"
        )
    print(line, file=sys.stderr)
