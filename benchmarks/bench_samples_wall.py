"""Wall time of `codesim run --samples 8` against `--samples 1` on the local provider, side by side.

Runs `codesim run --strategy direct` on HumanEval-41 (every 4th problem, the subset of
`local_quality.py`) with `--samples 1` and then `--samples K` (default 8), both sampled at the
same temperature, `--no-cache`, `--concurrency` = K, into fresh directories under `--out`, and
prints each run's wall, completion tokens, pass@1 and the ratio of the walls. The K samples of a
task run side by side through the local engine's one decode loop (and share their prompt's
evaluation through its prefix store), so the ratio shows what batching saves over K separate runs.

Usage: python benchmarks/bench_samples_wall.py [--model qwen2.5-coder-0.5b] [--samples 8]
       [--temperature 0.8] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from local_quality import run_strategy  # noqa: E402


def timed_run(model: str, samples: int, concurrency: int, temperature: float, out: Path) -> dict:
    """One fresh `codesim run` of direct with `samples` per task; its summary.json."""
    tag = f"samples{samples}"
    flags = ["--samples", str(samples), "--temperature", str(temperature), "--no-cache"]
    flags += ["--concurrency", str(concurrency)]
    shutil.rmtree(out / tag, ignore_errors=True)
    if run_strategy("direct", model, flags, out=out / tag) != 0:
        raise SystemExit(f"codesim run with --samples {samples} failed")
    return json.loads((out / tag / "summary.json").read_text(encoding="utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="qwen2.5-coder-0.5b")
    parser.add_argument("--samples", type=int, default=8)
    parser.add_argument("--temperature", type=float, default=0.8)
    parser.add_argument("--out", type=Path, default=None, help="where the two runs go (default: a temporary directory)")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="bench_samples_"))
    single = timed_run(args.model, 1, args.samples, args.temperature, out)
    many = timed_run(args.model, args.samples, args.samples, args.temperature, out)
    print(f"\n{args.model}, direct, HumanEval-41, temperature {args.temperature}, --concurrency {args.samples}")
    print(f"{'samples':>8} {'wall s':>8} {'compl tok':>10} {'pass@1':>7}")
    for summary in (single, many):
        print(
            f"{summary['samples_per_task']:>8} {summary['wall_seconds']:>8.1f} "
            f"{summary['completion_tokens']:>10} {summary['pass@1']:>7.3f}"
        )
    ratio = many["wall_seconds"] / single["wall_seconds"]
    print(f"wall ratio {args.samples} samples / 1 sample: {ratio:.2f}x (target <= 3x); runs in {out}")


if __name__ == "__main__":
    main()
