"""Fixtures of the report tests: small run directories and a headless Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from run_fixtures import codesim_records, direct_records, write_run

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def two_runs(tmp_path: Path) -> list[Path]:
    """A CodeSIM run (with summary.json) and a direct run (without) of the same HumanEval tasks."""
    return [
        write_run(tmp_path / "runs" / "humaneval-codesim-gpt-4o-mini", "codesim", "gpt-4o-mini", codesim_records()),
        write_run(
            tmp_path / "runs" / "humaneval-direct-local",
            "direct",
            "qwen2.5-coder-0.5b",
            direct_records(),
            summary=False,
        ),
    ]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (never a downloaded browser). Module-scoped:
    Playwright's sync API keeps an event loop running while it is open, which must be gone
    before any asyncio test runs."""
    if not CHROMIUM.exists() or not os.access(CHROMIUM, os.X_OK):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: run scripts/install-browser.sh")
        pytest.skip(f"{CHROMIUM} is missing: run scripts/install-browser.sh")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()
