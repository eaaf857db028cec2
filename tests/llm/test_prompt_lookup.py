"""Prompt-lookup drafts (no model): the tail of the history found earlier, what followed it,
how the draft length adapts, and the environment switch of the local provider."""

from __future__ import annotations

import pytest

from codesim.errors import UsageError
from codesim.llm.local_provider import PROMPT_LOOKUP_ENV, prompt_lookup_on
from codesim.models.prompt_lookup import LookupSettings, PromptLookup


def lookup(history: list[int], **settings: int) -> PromptLookup:
    return PromptLookup(history, LookupSettings(**settings))


def test_the_tokens_after_an_earlier_occurrence_of_the_tail_are_drafted() -> None:
    finder = lookup([1, 2, 3, 4, 5, 6, 7, 9, 9, 2, 3])
    assert finder.draft(limit=100) == [4, 5, 6, 7, 9, 9, 2, 3]  # first_draft = 8
    assert finder.draft(limit=3) == [4, 5, 6]


def test_the_draft_follows_the_history_as_it_grows() -> None:
    finder = lookup([10, 11, 12, 13, 14, 99])
    assert finder.draft(limit=8) == []
    finder.append(11)
    finder.append(12)
    assert finder.draft(limit=8) == [13, 14, 99, 11, 12]  # up to the end of the history


def test_no_draft_when_the_tail_does_not_occur_earlier() -> None:
    assert lookup([1, 2, 3, 4, 5]).draft(limit=8) == []
    assert lookup([7]).draft(limit=8) == []
    assert lookup([]).draft(limit=8) == []


def test_the_longest_matching_tail_wins_over_a_more_recent_shorter_one() -> None:
    #          a longer match (5, 1, 2)   a recent match of (1, 2) only
    history = [5, 1, 2, 30, 31, 0, 0, 6, 1, 2, 40, 41, 5, 1, 2]
    assert lookup(history).draft(limit=2) == [30, 31]


def test_among_equally_long_matches_the_most_recent_wins() -> None:
    history = [1, 2, 30, 1, 2, 40, 1, 2]
    assert lookup(history).draft(limit=1) == [40]


def test_min_match_is_the_shortest_tail_drafted_from() -> None:
    history = [8, 1, 2, 3, 9, 9, 2, 3]  # the tail matches 2 tokens, not 3
    assert lookup(history, min_match=2).draft(limit=2) == [9, 9]
    assert lookup(history, min_match=3).draft(limit=2) == []
    assert lookup([4, 5, 6, 5], min_match=1).draft(limit=2) == [6, 5]


def test_a_fully_accepted_draft_grows_the_next_up_to_max_draft() -> None:
    finder = lookup([1], first_draft=4, max_draft=10)
    finder.update(drafted=4, accepted=4)
    assert finder.draft_length == 8
    finder.update(drafted=8, accepted=8)
    assert finder.draft_length == 10
    finder.update(drafted=10, accepted=10)
    assert finder.draft_length == 10


def test_a_rejection_shrinks_the_next_draft_down_to_one_token() -> None:
    finder = lookup([1], first_draft=8)
    finder.update(drafted=8, accepted=5)
    assert finder.draft_length == 4
    for _ in range(4):
        finder.update(drafted=4, accepted=0)
    assert finder.draft_length == 1
    finder.update(drafted=1, accepted=1)
    assert finder.draft_length == 2


@pytest.mark.parametrize(
    "settings", [{"min_match": 0}, {"min_match": 9}, {"first_draft": 0}, {"first_draft": 17}, {"tie_margin": -1.0}]
)
def test_settings_out_of_range_are_refused(settings: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        LookupSettings(**settings)


@pytest.mark.parametrize(("value", "on"), [(None, False), ("", False), ("0", False), ("1", True), (" 1 ", True)])
def test_the_switch_is_off_unless_set_to_1(value: str | None, on: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if value is None:
        monkeypatch.delenv(PROMPT_LOOKUP_ENV, raising=False)
    else:
        monkeypatch.setenv(PROMPT_LOOKUP_ENV, value)
    assert prompt_lookup_on() is on


@pytest.mark.parametrize("value", ["yes", "2", "true", "on"])
def test_any_other_switch_value_is_a_usage_error(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PROMPT_LOOKUP_ENV, value)
    with pytest.raises(UsageError, match=f"{PROMPT_LOOKUP_ENV} must be 1 .* or 0 .*, got '{value}'"):
        prompt_lookup_on()
