"""The report page as HTML: self-contained, escaped, with statements when the data is reachable."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from run_fixtures import HOSTILE, HUMANEVAL_FILE, codesim_records, write_run

from codesim.pricing import PRICES_AS_OF
from codesim.report import build_report, write_report


@pytest.fixture
def page(two_runs: list[Path]) -> str:
    return build_report(two_runs)


def test_page_is_self_contained(page: str) -> None:
    assert not re.search(r"<(script|img|iframe)[^>]+src=", page)
    assert "<link" not in page and "@import" not in page
    assert len(re.findall(r'class="chart"', page)) == 6
    assert len(re.findall(r'<svg id="chart-[a-z0-9]+" class="chart-svg"', page)) == 6  # inline SVG, no chart library
    assert "<script>" in page and "Plotly" not in page
    assert 'id="chart-runtime"' in page and 'id="chart-memory"' in page


def test_runs_written_before_runtime_and_memory_were_recorded_have_no_such_charts(tmp_path: Path) -> None:
    records = [{k: v for k, v in r.items() if k not in ("hidden_cpu_s", "hidden_peak_mb")} for r in codesim_records()]
    page = build_report([write_run(tmp_path / "old", "codesim", "m", records)])
    assert len(re.findall(r'class="chart"', page)) == 4
    assert 'id="chart-runtime"' not in page and 'id="chart-memory"' not in page


def test_model_text_is_escaped(page: str) -> None:
    assert HOSTILE not in page
    assert "&lt;script&gt;alert('x')&lt;/script&gt; &amp; &lt;/pre&gt;" in page  # element text: & < > escaped


def test_overview_numbers(page: str) -> None:
    assert "not scored" in page and "50.0%" in page  # pass@1: CodeSIM has a provider error, direct 2 of 4
    assert "12.3%" not in page  # summary.json's pass@1 is not the one shown
    assert PRICES_AS_OF in page  # the price table's dates next to the cost
    assert ">0.0020<" in page  # gpt-4o-mini: 6000 x $0.15 + 1800 x $0.60 per million tokens
    assert ">42.5<" in page  # the CodeSIM run's wall time from summary.json


def test_estimated_token_counts_are_marked(tmp_path: Path) -> None:
    records = codesim_records()
    records[0] = {**records[0], "estimated_tokens": 2}
    page = build_report([write_run(tmp_path / "est", "codesim", "m", records)])
    assert page.count('title="2 LLM calls counted by estimate: the provider reported no usage">≈</span>') == 2
    unmarked = build_report([write_run(tmp_path / "reported", "codesim", "m", codesim_records())])
    assert "counted by estimate" not in unmarked


def test_code_is_highlighted(page: str) -> None:
    # Pygments marks `def` as a keyword and `add` as a function name.
    assert re.search(r'<span class="k">def</span>(<span class="w"> </span>| )<span class="nf">add</span>', page)


@pytest.mark.skipif(not HUMANEVAL_FILE.exists(), reason="shared HumanEval data is absent")
def test_statement_from_the_benchmark(page: str) -> None:
    assert "def has_close_elements(numbers: List[float], threshold: float) -&gt; bool:" in page


def test_unreachable_data_shows_task_ids_only(tmp_path: Path) -> None:
    run_dir = write_run(tmp_path / "r", "codesim", "m", codesim_records()[:1])
    config = json.loads((run_dir / "config.json").read_text())
    (run_dir / "config.json").write_text(json.dumps({**config, "data_file": str(tmp_path / "missing.jsonl")}))
    out = write_report([run_dir], tmp_path / "out" / "report.html")
    assert "Statement not available" in out.read_text(encoding="utf-8")


def test_single_run_has_no_comparison(tmp_path: Path) -> None:
    run_dir = write_run(tmp_path / "r", "direct", "m", codesim_records()[:2])
    page = build_report([run_dir])
    assert "Run vs run" not in page and 'id="f-run"' not in page


def test_several_samples_per_task(tmp_path: Path) -> None:
    passed, failed = codesim_records()[0], codesim_records()[3]
    samples = [dict(passed, sample_index=0), dict(failed, task_id="HumanEval/0", sample_index=1)]
    run_dir = write_run(tmp_path / "r", "codesim", "m", samples)
    summary = json.loads((run_dir / "summary.json").read_text())
    (run_dir / "summary.json").write_text(json.dumps({**summary, "pass@2": 1.0}))
    page = build_report([run_dir])
    assert re.search(r"<th[^>]*>pass@1</th>\s*<th[^>]*>pass@2</th>", page)
    assert "50.0%" in page and "100.0%" in page
    assert 'class="chip v-partial"' in page
    assert page.count('<section class="sample') == 2


def test_sparse_older_lines_render(tmp_path: Path) -> None:
    run_dir = tmp_path / "old"
    run_dir.mkdir()
    (run_dir / "summary.json").write_text(json.dumps({"dataset": "mbpp", "strategy": "cot", "model": "m"}))
    lines = [
        {"task_id": 11, "passed": True, "trace": [{"stage": "coding", "response": "def f(): pass"}]},
        {
            "task_id": 12,
            "passed": False,
            "trace": [{"stage": "visible_tests", "tests": [{"verdict": "failed"}, "junk"]}],
        },
    ]
    (run_dir / "results.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    page = build_report([run_dir])
    assert page.count('<details class="task"') == 2
    assert "def f(): pass" in page and "<td>failed</td>" in page
