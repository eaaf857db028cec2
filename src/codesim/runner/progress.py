"""The live progress bar of a run: samples done, solved/attempted, pass rate, tokens, calls, ETA."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from codesim.runner.meter import UsageMeter


def human_count(number: float) -> str:
    """12345 -> '12.3k', 2500000 -> '2.5M'."""
    for unit, size in (("M", 1e6), ("k", 1e3)):
        if abs(number) >= size:
            return f"{number / size:.1f}{unit}"
    return str(int(number))


class RunProgress:
    """A rich progress bar on stderr (plain and quiet when stderr is not a terminal).

    Counts include the samples finished by earlier invocations of the same run, so a resumed
    run shows where the whole run stands; tokens and calls are this invocation's."""

    def __init__(self, total: int, finished: list[dict[str, Any]], meter: UsageMeter, console: Console | None = None) -> None:
        self.meter = meter
        self.attempted = len(finished)
        self.solved = sum(1 for record in finished if record.get("passed"))
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[stats]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console or Console(stderr=True),
            transient=False,
        )
        self._task = self._progress.add_task("run", total=total, completed=self.attempted, stats=self._stats())

    def _stats(self) -> str:
        rate = f"{100 * self.solved / self.attempted:.1f}%" if self.attempted else "-"
        tokens = self.meter.new_tokens + self.meter.cached_tokens
        return (
            f"solved {self.solved}/{self.attempted} ({rate}) · "
            f"{human_count(tokens)} tok ({human_count(self.meter.new_tokens)} new) · {self.meter.calls} calls"
        )

    def __enter__(self) -> RunProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def sample_finished(self, record: dict[str, Any]) -> None:
        """Count one finished sample."""
        self.attempted += 1
        self.solved += bool(record.get("passed"))
        self._progress.update(self._task, advance=1, stats=self._stats())

    def usage_changed(self) -> None:
        """Refresh the token and call counts (after a model call)."""
        self._progress.update(self._task, stats=self._stats())
