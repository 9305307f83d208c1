"""The journal on its own: order, per-snippet views, clearing, JSON round trip, threads."""

from __future__ import annotations

import threading

from harness.mock.journal import Journal, entry_from_dict, entry_to_dict
from harness.model import RecordedRequest


def entry(snippet_id: str | None, n: int = 0) -> RecordedRequest:
    return RecordedRequest(
        snippet_id=snippet_id,
        via="rest",
        method="POST",
        url=f"https://api.cloudflare.com/{n}",
        path=f"/{n}",
        headers=(("Content-Type", "application/json"),),
        body=b'{"prompt": "\\u00e9"}\x00\xff',
        json={"prompt": "é"},
        status=200,
    )


def test_seq_orders_the_run_and_survives_clear() -> None:
    journal = Journal()
    first = journal.record(entry("a"))
    journal.record(entry("b"))
    journal.clear()
    third = journal.record(entry("a"))

    assert (first.seq, third.seq) == (1, 3)
    assert journal.all() == (third,)


def test_for_snippet_keeps_arrival_order() -> None:
    journal = Journal()
    for n in range(6):
        journal.record(entry("a" if n % 2 else "b", n))

    assert [e.path for e in journal.for_snippet("a")] == ["/1", "/3", "/5"]
    assert journal.for_snippet(None) == ()


def test_json_round_trip_keeps_binary_bodies() -> None:
    recorded = Journal().record(entry("a"))

    assert entry_from_dict(entry_to_dict(recorded)) == recorded


def test_concurrent_records_get_unique_seqs() -> None:
    journal = Journal()

    def work(name: str) -> None:
        for n in range(200):
            journal.record(entry(name, n))

    threads = [threading.Thread(target=work, args=(f"s{i}",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    seqs = [e.seq for e in journal.all()]
    assert seqs == list(range(1, 1601))
    assert all([e.path for e in journal.for_snippet(f"s{i}")] == [f"/{n}" for n in range(200)] for i in range(8))


def test_take_hands_over_one_snippets_entries_and_forgets_only_them() -> None:
    journal = Journal()
    for n in range(6):
        journal.record(entry("a" if n % 2 else "b", n))

    taken = journal.take("a")

    assert [e.path for e in taken] == ["/1", "/3", "/5"]
    assert journal.take("a") == () and journal.for_snippet("a") == ()
    assert [e.path for e in journal.for_snippet("b")] == ["/0", "/2", "/4"]
    assert [e.seq for e in journal.all()] == [1, 3, 5] and len(journal) == 3


def test_a_taken_snippet_records_again_with_later_seqs() -> None:
    journal = Journal()
    journal.record(entry("a", 0))
    journal.take("a")
    journal.record(entry("b", 1))
    again = journal.record(entry("a", 2))

    assert journal.for_snippet("a") == (again,) and again.seq == 3
    assert [e.path for e in journal.all()] == ["/1", "/2"]


def test_reading_keeps_every_entry() -> None:
    journal = Journal()
    recorded = [journal.record(entry(f"s{n % 3}", n)) for n in range(9)]

    for n in range(3):
        journal.for_snippet(f"s{n}")
    journal.all()

    assert journal.all() == tuple(recorded)


def test_unclaimed_entries_are_taken_like_a_snippets() -> None:
    journal = Journal()
    blocked = journal.record(entry(None, 0))
    journal.record(entry("a", 1))

    assert journal.take(None) == (blocked,)
    assert [e.snippet_id for e in journal.all()] == ["a"]


def test_takes_while_others_record_lose_nothing() -> None:
    journal = Journal()
    taken: dict[str, list[RecordedRequest]] = {f"s{i}": [] for i in range(4)}

    def work(name: str) -> None:
        for n in range(100):
            journal.record(entry(name, n))
            if n % 10 == 9:
                taken[name] += journal.take(name)

    threads = [threading.Thread(target=work, args=(name,)) for name in taken]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(journal) == 0
    assert all([e.path for e in entries] == [f"/{n}" for n in range(100)] for entries in taken.values())
    assert sorted(e.seq for entries in taken.values() for e in entries) == list(range(1, 401))
