"""The local engine's sequence bookkeeping: prefix choice, LRU eviction, the KV cell bound."""

from __future__ import annotations

from codesim.models.kv_slots import SlotTable


def test_a_request_starts_from_the_idle_sequence_sharing_the_longest_prefix() -> None:
    table = SlotTable(n_seq=4, capacity=1000, parallel=2)
    first, second = table.admit([1, 2, 3], [10]), table.admit([7, 8], [10])
    assert first is not None and second is not None
    table.release(first.seq_ids[0], [1, 2, 3, 4])
    table.release(second.seq_ids[0], [7, 8, 9])

    start = table.admit([1, 2, 3, 5, 6], [20])

    assert start is not None
    assert (start.source, start.shared, start.evicted) == (first.seq_ids[0], 3, [])
    assert start.seq_ids[0] not in (first.seq_ids[0], second.seq_ids[0])


def test_the_prompts_last_token_is_always_evaluated() -> None:
    table = SlotTable(n_seq=2, capacity=1000, parallel=1)
    seq = table.admit([1, 2, 3], [5])
    assert seq is not None
    table.release(seq.seq_ids[0], [1, 2, 3, 4])

    again = table.admit([1, 2, 3], [5])

    assert again is not None and again.shared == 2


def test_least_recently_used_idle_sequences_go_first_when_cells_run_out() -> None:
    table = SlotTable(n_seq=8, capacity=100, parallel=2)
    ids = {}
    for tag in (1, 2, 3):
        admitted = table.admit([tag] * 30, [30])
        assert admitted is not None
        ids[tag] = admitted.seq_ids[0]
        table.release(ids[tag], [tag] * 30)
    extended = table.admit([2] * 30 + [9], [31])  # copies from (touches) [2]; [1] is the oldest
    assert extended is not None and extended.evicted == [ids[1]]  # 90 + 31 > 100

    admitted = table.admit([5], [15])  # 91 + 15 > 100: [3] is now older than [2]

    assert admitted is not None and admitted.evicted == [ids[3]]
    assert table.cells_counted() == 31 + 30 + 15


def test_a_request_waits_while_running_sequences_hold_the_cells_or_the_width() -> None:
    table = SlotTable(n_seq=4, capacity=100, parallel=2)
    running = table.admit([1], [80])
    assert running is not None
    assert table.admit([2], [30]) is None  # 80 + 30 > 100 and nothing idle to evict
    assert table.admit([2], [10, 10]) is None  # 1 running + 2 > parallel
    table.release(running.seq_ids[0], [1, 4, 4])
    assert table.admit([2], [10, 10]) is not None


def test_a_finished_sequence_replaces_idle_ones_it_extends() -> None:
    table = SlotTable(n_seq=4, capacity=1000, parallel=2)
    plan = table.admit([1, 2], [5])
    assert plan is not None
    table.release(plan.seq_ids[0], [1, 2, 3])
    code = table.admit([1, 2, 3, 4], [5])
    assert code is not None

    redundant = table.release(code.seq_ids[0], [1, 2, 3, 4, 5])

    assert redundant == [plan.seq_ids[0]] and table.idle == 1
