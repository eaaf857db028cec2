"""Where a sampling strategy's misses come from: generation or selection (an analysis after a run).

For each finished task of a run (`sample-filter`, `codesim-adaptive`), every first-stage
candidate (trace stage `candidate`) is scored on the hidden tests, here, after the run; the
strategy itself never saw them. Printed per run:
- `any of n`: tasks where at least one of the n candidates passes the hidden tests: the most
  any selection among these candidates can reach (its bound);
- `chosen`: tasks whose final code passes, split into those settled by the first stage and
  those recovered by escalation (no candidate passed the visible tests);
- `missed`: tasks where a hidden-passing candidate existed but another code was kept;
- `visible only`: final codes that pass the visible tests and fail the hidden ones;
- the unbiased pass@k estimate of the candidates for k = 1 up to the fewest candidates any
  task had (Chen et al., 2021).

Usage: python benchmarks/selection_bound.py RUN_DIR [RUN_DIR ...]
"""

from __future__ import annotations

import argparse
import json
import sys
from math import comb
from pathlib import Path

import codesim
from codesim.extract import extract_code

sys.path.insert(0, str(Path(__file__).resolve().parent))
from local_quality import MBPP_FILE, read_results  # noqa: E402


def candidate_samples(rows: list[dict], language: str) -> list[dict]:
    """One sample per first-stage candidate: task id, candidate number and extracted code."""
    samples = []
    for row in rows:
        for step in row.get("trace") or []:
            if step.get("stage") == "candidate":
                code = extract_code(step.get("response") or "", language) or ""
                samples.append({"task_id": row["task_id"], "solution": code, "candidate": step["attempt"]["candidate"]})
    return samples


def pass_at_k(n: int, c: int, k: int) -> float:
    """Chen et al.'s unbiased estimate of pass@k from n samples of which c pass."""
    return 1.0 if n - c < k else 1.0 - comb(n - c, k) / comb(n, k)


def escalated(row: dict) -> bool:
    """Whether the task went past the first stage (planning, coding or debugging steps)."""
    return any(step.get("stage") in ("planning", "coding", "debugging") for step in row.get("trace") or [])


def analyse(directory: Path) -> None:
    """Score one run's candidates on the hidden tests and print where its misses come from."""
    config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
    dataset = config["dataset"]
    data_file = config.get("data_file") or (str(MBPP_FILE) if dataset == "mbpp" else None)
    rows = read_results(directory)
    samples = candidate_samples(rows, config.get("language") or "python")
    verdicts = codesim.evaluate(samples, dataset=dataset, data_file=data_file, workers=1).verdicts
    passing: dict[str, list[bool]] = {}
    for sample, verdict in zip(samples, verdicts, strict=True):
        passing.setdefault(sample["task_id"], []).append(verdict.passed)
    n = max((len(v) for v in passing.values()), default=0)
    bound = sum(any(passing.get(row["task_id"], [])) for row in rows)
    first_stage = sum(bool(row["passed"]) and not escalated(row) for row in rows)
    recovered = sum(bool(row["passed"]) and escalated(row) for row in rows)
    missed = [row["task_id"] for row in rows if any(passing.get(row["task_id"], [])) and not row["passed"]]
    visible_only = [row["task_id"] for row in rows if row.get("visible_passed") and not row["passed"]]
    print(f"{directory.name}: {len(rows)} tasks, up to {n} candidates each")
    print(f"  any of n pass hidden: {bound}   chosen and passing: {first_stage} first stage + {recovered} escalation")
    print(f"  missed (a passing candidate existed): {len(missed)} {missed}")
    print(f"  visible passed, hidden failed: {len(visible_only)} {visible_only}")
    fewest = min((len(v) for v in passing.values()), default=0)  # more candidates: only where needed
    estimates = [
        sum(pass_at_k(len(v), sum(v), k) for v in passing.values()) / len(passing) for k in range(1, fewest + 1)
    ]
    print("  candidates' pass@k: " + ", ".join(f"k={k} {e:.3f}" for k, e in enumerate(estimates, start=1)))


def main() -> int:
    """Analyse each run directory given."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", type=Path)
    for directory in parser.parse_args().runs:
        analyse(directory)
    return 0


if __name__ == "__main__":
    sys.exit(main())
