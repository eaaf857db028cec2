"""What a run shows while it works: samples done, solved/attempted, pass rate, tokens, calls,
ETA. A live bar on a terminal; one plain line per finished sample otherwise (logs).

Several runs of one command share one `ProgressBoard`: one live display with a row per run, or
plain lines that name their run."""

from __future__ import annotations

import time
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from codesim.runner.meter import UsageMeter


def human_count(number: float) -> str:
    """12345 -> '12.3k', 2500000 -> '2.5M'."""
    for unit, size in (("M", 1e6), ("k", 1e3)):
        if abs(number) >= size:
            return f"{number / size:.1f}{unit}"
    return str(int(number))


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def _live_bar(console: Console) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[stats]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
    )


class ProgressBoard:
    """The display on stderr that runs report to: a live bar (a row per run) on a terminal,
    nothing of its own otherwise. Open it (`with`) around the runs it shows."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self.bar = _live_bar(self.console) if self.console.is_terminal else None

    def __enter__(self) -> ProgressBoard:
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


class RunProgress:
    """Progress of a run on stderr. Counts include the samples finished by earlier invocations
    of the same run, so a resumed run shows where the whole run stands; tokens and calls are
    this invocation's, and the ETA comes from this invocation's pace.

    Given a `board` (opened by its owner), the run is a row of it labelled `label`, and its
    plain lines name it; else it opens a board of its own on `console`."""

    def __init__(
        self,
        total: int,
        finished: list[dict[str, Any]],
        meter: UsageMeter,
        console: Console | None = None,
        *,
        board: ProgressBoard | None = None,
        label: str = "",
    ) -> None:
        self.meter = meter
        self.total = total
        self.attempted = len(finished)
        self.solved = sum(1 for record in finished if record.get("passed"))
        self._resumed_at = self.attempted
        self._started = time.monotonic()
        self._own_board = board is None
        self.board = board or ProgressBoard(console)
        self.console = self.board.console
        self._prefix = f"{label}: " if label and board is not None else ""
        self._bar = self.board.bar
        if self._bar is not None:
            description = escape(label) if board is not None else "run"
            self._task = self._bar.add_task(description, total=total, completed=self.attempted, stats=self.stats())

    def stats(self) -> str:
        """`solved S/A (R%) · T tok (N new) · C calls`."""
        rate = f"{100 * self.solved / self.attempted:.1f}%" if self.attempted else "-"
        tokens = self.meter.new_tokens + self.meter.cached_tokens
        return (
            f"solved {self.solved}/{self.attempted} ({rate}) · "
            f"{human_count(tokens)} tok ({human_count(self.meter.new_tokens)} new) · {self.meter.calls} calls"
        )

    def eta(self) -> str:
        """Time left at this invocation's pace, '?' before the first sample finishes."""
        done_now = self.attempted - self._resumed_at
        if not done_now:
            return "?"
        return _clock((time.monotonic() - self._started) / done_now * (self.total - self.attempted))

    def __enter__(self) -> RunProgress:
        if self._own_board:
            self.board.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._own_board:
            self.board.__exit__(*exc)

    def sample_finished(self, record: dict[str, Any]) -> None:
        """Count one finished sample."""
        self.attempted += 1
        self.solved += bool(record.get("passed"))
        if self._bar is not None:
            self._bar.update(self._task, advance=1, stats=self.stats())
            return
        self.console.print(
            f"[{self.attempted}/{self.total}] {self._prefix}{record['task_id']}#{record['sample_index']} "
            f"{record['status']} · "
            f"{self.stats()} · ETA {self.eta()}",
            soft_wrap=True,
            highlight=False,
            markup=False,
        )

    def usage_changed(self) -> None:
        """Refresh the token and call counts (after a model call)."""
        if self._bar is not None:
            self._bar.update(self._task, stats=self.stats())
