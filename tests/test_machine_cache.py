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


def test_a_build_reuses_the_word_checks_for_content_it_has_checked(lessons_copy, tmp_path,
                                                                    monkeypatch):
    """A second build of the same words (another school, another folder) gives the same
    findings without checking again; changed words are checked again."""
    from conftest import run_cli

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    spec = lessons_copy / "specs" / "online-blackmail.yaml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("    sensitivities: >-\n", "    sensitivities: >-\n      中\n", 1),
                    encoding="utf-8")  # a character the PDFs cannot print: a warning

    def build(name: str, *args: str):
        return run_cli("build", "--lessons", str(lessons_copy), "--output", str(tmp_path / name),
                       "--lesson", "online-blackmail", "--band", "ks3", "--jobs", "1", *args)

    first = build("first")
    assert first.exit_code == 0, first.output
    assert "warning: " in first.output and "U+4E2D" in first.output

    def not_again(library):
        raise AssertionError("the words were checked again")

    monkeypatch.setattr("generator.validate.check_text", not_again)
    second = build("second", "--school", "Hillside Academy")
    assert second.exit_code == 0, second.output
    warning = [line for line in first.output.splitlines() if "U+4E2D" in line]
    assert warning and warning == [line for line in second.output.splitlines() if "U+4E2D" in line]

    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    spec.write_text(spec.read_text(encoding="utf-8").replace("      中\n", "      Sexting.\n"),
                    encoding="utf-8")
    changed = build("third")
    assert changed.exit_code == 1
    assert 'avoid "sexting"' in changed.output


def test_only_the_newest_results_under_a_name_are_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(machine_cache, "KEPT_PER_NAME", 3)
    seen: set = set()
    for n in range(5):
        machine_cache.remembered("words", f"content {n}", lambda: n)
        (new,) = set((tmp_path / "lessonpack" / "data").glob("*.marshal")) - seen
        os.utime(new, ns=(n * 10**9, n * 10**9))  # written n seconds after the first
        seen = set((tmp_path / "lessonpack" / "data").glob("*.marshal"))
    kept = list((tmp_path / "lessonpack" / "data").glob("words-*.marshal"))
    assert len(kept) == 3
    compute, calls = _counting(4)
    assert machine_cache.remembered("words", "content 4", compute) == 4 and not calls
