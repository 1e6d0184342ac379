"""What lessonpack keeps between runs in the user's cache folder: read back when its key
matches, computed again when the key changes or the file is damaged, never needed."""

from __future__ import annotations

import os

from generator import fonts, machine_cache, readability


def _counting(value):
    calls = []

    def compute():
        calls.append(1)
        return value

    return compute, calls


def test_a_result_is_computed_once_and_then_read_back(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    compute, calls = _counting({"manipulate": 4})
    assert machine_cache.remembered("table", "v1", compute) == {"manipulate": 4}
    assert machine_cache.remembered("table", "v1", compute) == {"manipulate": 4}
    assert len(calls) == 1
    assert list((tmp_path / "lessonpack" / "data").glob("table-*.marshal"))


def test_a_new_key_computes_again(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first, _ = _counting(frozenset({1, 2}))
    second, calls = _counting(frozenset({3}))
    machine_cache.remembered("set", "font v1", first)
    assert machine_cache.remembered("set", "font v2", second) == frozenset({3})
    assert calls == [1]


def test_a_damaged_file_is_computed_again_and_replaced(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    compute, calls = _counting([1, 2, 3])
    machine_cache.remembered("list", "k", compute)
    (kept,) = (tmp_path / "lessonpack" / "data").glob("list-*.marshal")
    kept.write_bytes(b"\x00not marshal")
    assert machine_cache.remembered("list", "k", compute) == [1, 2, 3]
    assert machine_cache.remembered("list", "k", compute) == [1, 2, 3]
    assert len(calls) == 2


def test_a_cache_folder_that_cannot_be_made_is_not_needed(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    compute, calls = _counting(7)
    assert machine_cache.remembered("n", "k", compute) == 7
    assert machine_cache.remembered("n", "k", compute) == 7
    assert len(calls) == 2


def test_the_syllable_table_and_printable_set_are_the_same_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(readability, "_CMU", None)
    fonts.printable.cache_clear()
    try:
        fresh = (readability._cmu(), fonts.printable())  # computed and kept
        monkeypatch.setattr(readability, "_CMU", None)
        fonts.printable.cache_clear()
        kept = (readability._cmu(), fonts.printable())  # read back
        assert len(os.listdir(tmp_path / "lessonpack" / "data")) == 2
    finally:
        fonts.printable.cache_clear()
    assert kept == fresh
    assert kept[0]["manipulate"] == 4 and ord("ŷ") in kept[1]
