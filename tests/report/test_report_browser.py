"""The report opened in headless Chromium: no console errors, charts drawn, filters and traces work."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from run_fixtures import HOSTILE, codesim_records, write_run

from codesim.report import write_report

TIMEOUT_MS = 60_000
expect.set_options(timeout=TIMEOUT_MS)


def open_report(browser: Any, html: Path, width: int = 1280, height: int = 900) -> tuple[Any, list[str]]:
    """A page showing `html`, and the list collecting its console errors, page errors and dialogs."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(TIMEOUT_MS)
    problems: list[str] = []
    page.on(
        "console",
        lambda message: problems.append(f"console {message.type}: {message.text}") if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith(("file:", "data:", "blob:", "about:"))
            else problems.append(f"network: {request.url}")
        ),
    )
    page.goto(html.as_uri(), wait_until="load")
    return page, problems


@pytest.fixture
def report(two_runs: list[Path], tmp_path: Path) -> Path:
    return write_report(two_runs, tmp_path / "report.html")


CHARTS_FIT = """() => Array.from(document.querySelectorAll("figure.chart")).every(figure => {
    const svg = figure.querySelector("svg.chart-svg");
    return svg !== null && svg.getBoundingClientRect().width <= figure.getBoundingClientRect().width + 1;
})"""


def visible_task_ids(page: Any) -> list[str]:
    return page.eval_on_selector_all("details.task:not([hidden]) .tid", "nodes => nodes.map(n => n.textContent)")


def test_charts_render_without_errors(browser: Any, report: Path, tmp_path: Path) -> None:
    page, problems = open_report(browser, report)
    assert page.locator("svg.chart-svg").count() == 6
    # the CodeSIM run has a sample that failed at the provider: not scored; the direct run: a bar and its interval
    assert (
        page.locator("#chart-pass1 rect.pass-bar").count() == 1 and page.locator("#chart-pass1 g.whisker").count() == 1
    )
    assert page.locator("#chart-pass1 text.note").all_text_contents() == ["not scored"]
    whisker = page.locator("#chart-pass1 g.whisker").bounding_box()
    assert whisker is not None and whisker["height"] > 10  # drawn, not a zero-size element
    assert page.locator("#chart-calls g.box").count() == 2
    assert page.locator("#chart-outcomes rect.segment").count() == 6  # one per outcome bucket of the CodeSIM run
    for chart in ("#chart-runtime", "#chart-memory"):  # solution runtime and memory: a box per run
        assert page.locator(f"{chart} g.box").count() == 2
        assert page.locator(f"{chart} circle.point").count() == 4  # one point per solved task: 2 + 2
    page.wait_for_function(CHARTS_FIT)  # the SVG scales with its box: it fits at once
    shot = tmp_path / "report-desktop.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    assert problems == []
    page.close()


def test_filters(browser: Any, report: Path) -> None:
    page, problems = open_report(browser, report)
    all_ids = ["HumanEval/0", "HumanEval/1", "HumanEval/2", "HumanEval/3", "HumanEval/4", "HumanEval/10"]
    assert visible_task_ids(page) == all_ids
    page.fill("#f-task", "humaneval/1")
    assert visible_task_ids(page) == ["HumanEval/1", "HumanEval/10"]
    assert page.text_content("#f-count") == "2 of 6 tasks"
    page.fill("#f-task", "")
    page.select_option("#f-verdict", "differs")
    assert visible_task_ids(page) == ["HumanEval/1", "HumanEval/2"]
    page.select_option("#f-verdict", "passed")
    page.select_option("#f-run", "1")  # run B, the direct baseline
    assert visible_task_ids(page) == ["HumanEval/0", "HumanEval/2"]
    page.select_option("#f-run", "")
    page.select_option("#f-verdict", "error")
    assert visible_task_ids(page) == ["HumanEval/4"]
    page.select_option("#f-verdict", "")
    page.select_option("#f-stage", "debugging")
    assert visible_task_ids(page) == ["HumanEval/1", "HumanEval/2"]
    assert problems == []
    page.close()


def test_expanding_a_trace(browser: Any, report: Path, tmp_path: Path) -> None:
    page, problems = open_report(browser, report)
    task = page.locator("details.task", has=page.locator(".tid", has_text="HumanEval/1")).first
    assert task.locator(".step").count() == 0  # rendered lazily, on first opening
    task.locator("summary").first.click()
    steps = task.locator(".step")
    expect(steps).to_have_count(6 + 1)  # the CodeSIM trace and the direct run's single step
    assert task.locator(".sample").count() == 2
    cells = task.locator("table.tests tr.bad").first.locator("td").all_text_contents()
    assert [cell.strip() for cell in cells][:5] == [
        "1",
        "failed",
        "assert add(1, 2) == 3",
        "3",
        "-1",
    ]  # expected vs actual
    prompt = steps.first.locator("details.prompt pre")
    assert not prompt.is_visible()
    steps.first.locator("details.prompt > summary").click()
    assert prompt.is_visible() and HOSTILE in prompt.inner_text()  # shown as text, not run
    task.screenshot(path=str(tmp_path / "task-trace.png"))
    page.select_option("#f-stage", "debugging")
    visible_stages = task.locator(".step:visible").evaluate_all("steps => steps.map(s => s.dataset.stage)")
    assert visible_stages == ["debugging"]
    assert problems == []
    page.close()


def test_comparison_link_opens_the_task(browser: Any, report: Path) -> None:
    page, problems = open_report(browser, report)
    page.locator("table.compare details summary").first.click()  # "A only": HumanEval/1
    page.locator("table.compare a", has_text="HumanEval/1").click()
    task = page.locator("details.task[open]")  # opened by the page's hashchange handler, asynchronously
    expect(task).to_have_count(1)
    expect(task.locator(".tid")).to_have_text("HumanEval/1")
    expect(task.locator(".step")).to_have_count(7)
    assert problems == []
    page.close()


def test_phone_width_has_no_sideways_scroll(browser: Any, report: Path, tmp_path: Path) -> None:
    page, problems = open_report(browser, report, width=390, height=844)
    page.locator("details.task").nth(1).locator("summary").click()
    expect(page.locator(".step")).to_have_count(7)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(tmp_path / "report-phone.png"), full_page=True)
    assert problems == []
    page.close()


def test_five_hundred_tasks_stay_usable(browser: Any, tmp_path: Path) -> None:
    base = codesim_records()[:5]
    records = [dict(base[i % 5], task_id=f"HumanEval/{i}") for i in range(500)]
    report = write_report([write_run(tmp_path / "big", "codesim", "gpt-4o", records)], tmp_path / "big.html")
    page, problems = open_report(browser, report)
    assert page.text_content("#f-count") == "500 of 500 tasks"
    assert page.locator(".step").count() == 0  # no trace is in the document until opened
    page.fill("#f-task", "humaneval/49")
    assert visible_task_ids(page) == ["HumanEval/49"] + [f"HumanEval/{i}" for i in range(490, 500)]
    page.locator("details.task:not([hidden]) summary").first.click()
    expect(page.locator(".step")).to_have_count(2)  # HumanEval/49 is a no_code sample: planning, coding
    assert problems == []
    page.close()
