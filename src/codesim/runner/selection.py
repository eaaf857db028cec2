"""Which problems a run covers (task ids, limit) and in which language."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from codesim.errors import UsageError
from codesim.problems import Problem, ProblemKind


def select_problems(problems: Sequence[Problem], task_ids: Sequence[str] | None, limit: int | None) -> list[Problem]:
    """The problems named by `task_ids` (all when None), in dataset order, at most `limit`."""
    chosen = list(problems)
    if task_ids:
        wanted = {str(task_id) for task_id in task_ids}
        known = {problem.task_id for problem in chosen}
        unknown = [task_id for task_id in task_ids if str(task_id) not in known]
        if unknown:
            shown = ", ".join(unknown[:5]) + (", ..." if len(unknown) > 5 else "")
            raise UsageError(f"{{task_ids}}: {len(unknown)} id(s) not in the dataset: {shown}", settings=("task_ids",))
        chosen = [problem for problem in chosen if problem.task_id in wanted]
    if limit is not None:
        chosen = chosen[:limit]
    if not chosen:
        raise UsageError("no problems selected (the dataset is empty?)")
    return chosen


def in_language(problems: Sequence[Problem], language: str) -> list[Problem]:
    """The problems to be solved in `language` (a normalised name). Only stdin/stdout problems
    can change language; function problems are Python and accept only `python`."""
    if language == "python":
        return list(problems)
    function_tasks = [p.task_id for p in problems if p.public.kind is ProblemKind.FUNCTION]
    if function_tasks:
        raise UsageError(
            f"{{language}} {language}: {function_tasks[0]} is a Python function problem; "
            "other languages work only for stdin/stdout problems (apps, codecontests, xcodeeval, some livecodebench)",
            settings=("language",),
        )
    return [dataclasses.replace(p, public=dataclasses.replace(p.public, language=language)) for p in problems]
