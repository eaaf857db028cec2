"""A progress bar on stderr for a model pull."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

from codesim.models.puller import ProgressCallback
from codesim.models.registry import KnownModel


@contextmanager
def pull_progress_bar(model: KnownModel) -> Iterator[ProgressCallback]:
    """Show a bar over the model's bytes while the body runs; yield the puller's callback."""
    columns = (
        TextColumn(f"[bold]{model.name}[/bold]"),
        BarColumn(),
        DownloadColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=Console(stderr=True), transient=False) as progress:
        task = progress.add_task("starting", total=model.size)

        def update(status: str, done: int) -> None:
            progress.update(task, description=status, completed=done)

        yield update
