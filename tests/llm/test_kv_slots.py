"""The local engine's sequence bookkeeping: packed lanes, prefix choice, shelves replaced least
recently used first."""

from __future__ import annotations

import pytest

from codesim.models.kv_slots import SlotTable


def test_a_request_starts_from_the_shelf_sharing_the_longest_prefix() -> None:
    table = SlotTable(lanes=2, shelves=2)
    first, second = table.admit([1, 2, 3], 1), table.admit([7, 8], 1)
    assert first is not None and second is not None
    kept_first = table.release(first.lanes[0], [1, 2, 3, 4]).shelf
    kept_second = table.release(0, [7, 8, 9]).shelf  # `second` moved into lane 0

    start = table.admit([1, 2, 3, 5, 6], 1)

    assert start is not None
    assert (start.lanes, start.source, start.shared) == ([0], kept_first, 3)
    assert {kept_first, kept_second} == {2, 3}  # the shelves come after the lanes


def test_the_prompts_last_token_is_always_evaluated() -> None:
    table = SlotTable(lanes=1, shelves=1)
    seq = table.admit([1, 2, 3], 1)
    assert seq is not None
    table.release(seq.lanes[0], [1, 2, 3, 4])

    again = table.admit([1, 2, 3], 1)

    assert again is not None and again.shared == 2


def test_running_lanes_stay_packed_when_one_ends() -> None:
    table = SlotTable(lanes=4, shelves=0)
    a, b = table.admit([1], 2), table.admit([2], 2)
    assert a is not None and b is not None
    assert (a.lanes, b.lanes) == ([0, 1], [2, 3])
    assert table.admit([3], 1) is None  # every lane runs

    ended_inner = table.release(1, [1, 5])
    ended_last = table.release(2, [2, 6])  # lane 3 moved into 1: lane 2 is now the last

    assert (ended_inner.moved, ended_inner.shelf) == (3, None)  # no shelves: nothing kept
    assert ended_last.moved is None
    assert table.running == 2
    later = table.admit([4], 2)
    assert later is not None and later.lanes == [2, 3]
    with pytest.raises(ValueError, match="lane 3"):
        SlotTable(lanes=4, shelves=0).release(3, [1])


def test_least_recently_used_shelves_are_replaced_first() -> None:
    table = SlotTable(lanes=1, shelves=2)
    shelves = {}
    for tag in (1, 2):
        admitted = table.admit([tag] * 3, 1)
        assert admitted is not None
        shelves[tag] = table.release(0, [tag] * 3).shelf
    reuse = table.admit([1] * 3 + [9], 1)  # starts from (touches) [1]: [2] is now the oldest
    assert reuse is not None and reuse.source == shelves[1]
    table.release(0, [1] * 3 + [9, 9])  # extends [1]: replaces it on its own shelf

    admitted = table.admit([5], 1)
    assert admitted is not None
    third = table.release(0, [5, 5])

    assert third.shelf == shelves[2]
    assert table.kept == 2


def test_a_finished_sequence_replaces_the_shelves_it_extends() -> None:
    table = SlotTable(lanes=2, shelves=3)
    plan, short = table.admit([1, 2], 1), table.admit([1, 2], 1)
    assert plan is not None and short is not None
    plan_shelf = table.release(0, [1, 2, 3]).shelf
    prefix_shelf = table.release(0, [1, 2]).shelf  # `short` moved to lane 0; [1, 2, 3] does not extend it
    code = table.admit([1, 2, 3, 4], 1)
    assert code is not None and code.source == plan_shelf

    kept = table.release(0, [1, 2, 3, 4, 5])

    assert {kept.shelf, *kept.emptied} == {plan_shelf, prefix_shelf} and len(kept.emptied) == 1
    assert table.kept == 1
