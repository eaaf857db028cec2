"""Published figures name the configuration they were measured with."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_committed_codesim_runs_are_described_as_they_were_run() -> None:
    every = [json.loads(path.read_text()) for path in sorted((ROOT / "benchmarks" / "results").glob("*/config.json"))]
    configs = [config for config in every if config["strategy"] == "codesim"]  # the figures the docs below give
    assert configs
    options = {(c["strategy_options"]["faithful"], c["strategy_options"]["replan_temperature"]) for c in configs}
    assert options == {(False, 0.7)}  # what the docs below must say
    for doc in (ROOT / "README.md", ROOT / "docs" / "local-model.md"):
        text = " ".join(doc.read_text(encoding="utf-8").split())
        assert "the paper's defaults" not in text, doc
        assert "`faithful` off" in text and "re-plans at temperature 0.7" in text, doc
        assert "repeat guard" in text and "failure feedback to new plans" in text, doc
