"""Bad content gets one clear line per problem (file:line: what is wrong, how to fix),
exit code 1, no traceback, and nothing written."""

from __future__ import annotations

import re
from pathlib import Path


from conftest import run_cli

SCENARIO = "scenarios/profile-fake-child.yaml"
SPEC = "specs/online-blackmail.yaml"


def validate(lessons: Path):
    return run_cli("validate", "--lessons", str(lessons))


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def problems(result) -> list[str]:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return [line for line in result.output.splitlines() if line]


def test_bundled_content_is_valid(lessons_copy):
    result = validate(lessons_copy)
    assert result.exit_code == 0, result.output
    assert "no errors" in result.output


def test_yaml_syntax_error_names_file_and_line(lessons_copy):
    path = lessons_copy / SCENARIO
    edit(path, "title: ", 'title: "unclosed ')
    out = problems(validate(lessons_copy))
    assert len(out) == 1
    assert re.match(rf".*{SCENARIO}:\d+: YAML syntax error: .*check the indentation and quoting",
                    out[0])


def test_unknown_field_suggests_the_nearest_name(lessons_copy):
    path = lessons_copy / SCENARIO
    edit(path, "\nsummary:", "\nsumary:")
    line = line_of(path, "sumary:")
    assert problems(validate(lessons_copy)) == [
        f"{path}:1: missing required field 'summary'",
        f"{path}:{line}: unknown field 'sumary'; did you mean 'summary'?",
    ]


def test_wrong_type(lessons_copy):
    path = lessons_copy / SPEC
    text = path.read_text(encoding="utf-8")
    match = re.search(r"minutes: (\d+)", text)
    path.write_text(text.replace(match.group(0), "minutes: ten", 1), encoding="utf-8")
    line = line_of(path, "minutes: ten")
    assert problems(validate(lessons_copy)) == [
        f"{path}:{line}: 'minutes' should be a whole number, not 'ten'"]


def test_unknown_reference_suggests_a_known_id(lessons_copy):
    path = lessons_copy / SCENARIO
    edit(path, "teaches: [not-who-they-say", "teaches: [not-who-they-sey")
    line = line_of(path, "not-who-they-sey")
    assert problems(validate(lessons_copy)) == [
        f"{path}:{line}: unknown key message 'not-who-they-sey'; did you mean 'not-who-they-say'?"]


def test_unknown_band(lessons_copy):
    path = lessons_copy / SCENARIO
    edit(path, "lowest_band: ks2", "lowest_band: kss2")
    line = line_of(path, "lowest_band: kss2")
    assert problems(validate(lessons_copy)) == [
        f"{path}:{line}: unknown band 'kss2'; did you mean 'ks2'?"]


def test_unknown_contact(lessons_copy):
    path = lessons_copy / "contacts.yaml"
    edit(path, "id: childline", "id: child-line")
    out = problems(validate(lessons_copy))
    assert out and all("unknown contact 'childline'; did you mean 'child-line'?" in line
                       for line in out)


def test_duplicate_id(lessons_copy):
    source = lessons_copy / SCENARIO
    copy = lessons_copy / "scenarios" / "zz-copy.yaml"
    copy.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    out = problems(validate(lessons_copy))
    assert f"{copy}:1: id 'profile-fake-child' does not match the file name; rename the file " \
           "to profile-fake-child.yaml or change the id" in out
    assert f"{copy}:1: duplicate id 'profile-fake-child' (also in {source})" in out


def test_id_that_is_not_a_slug(lessons_copy):
    path = lessons_copy / SCENARIO
    edit(path, "id: profile-fake-child", "id: Fake Child")
    out = problems(validate(lessons_copy))
    assert f"{path}:1: 'id': 'Fake Child' is not a simple id: use lower-case letters, digits " \
           "and single hyphens, like 'online-blackmail'" in out


def test_non_utf8_file(lessons_copy):
    path = lessons_copy / SCENARIO
    data = path.read_bytes().replace(b"title: ", "title: caf\u00e9 ".encode("latin-1"), 1)
    path.write_bytes(data)
    line = data[: data.index(b"\xe9")].count(b"\n") + 1
    assert problems(validate(lessons_copy)) == [
        f"{path}:{line}: not UTF-8 text (byte 0xe9); save the file as UTF-8"]


def test_control_character(lessons_copy):
    path = lessons_copy / SCENARIO
    edit(path, "title: ", "title: \x0b")
    line = line_of(path, "title: ")  # \x0b would count as a line break in splitlines()
    assert problems(validate(lessons_copy)) == [
        f"{path}:{line}: control character U+000B is not allowed; delete it (it often comes "
        "in when text is pasted from another program)"]


def test_yaml_alias_bomb_is_refused(lessons_copy):
    path = lessons_copy / SCENARIO
    bomb = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\nd: [*c,*c]\n'
    path.write_text(bomb, encoding="utf-8")
    assert problems(validate(lessons_copy)) == [
        f"{path}:1: YAML anchors and aliases (& and *) are not allowed in content files; "
        "write the text out in full"]


def test_oversized_file_is_refused(lessons_copy):
    path = lessons_copy / SCENARIO
    path.write_text("# " + "x" * 1_000_100 + "\n", encoding="utf-8")
    assert problems(validate(lessons_copy)) == [
        f"{path}: file is 1,000,103 bytes, over the 1,000,000-byte limit for a content file; "
        "split it into smaller files"]


def test_every_problem_is_reported_at_once(lessons_copy):
    edit(lessons_copy / SCENARIO, "\nsummary:", "\nsumary:")
    edit(lessons_copy / SPEC, "advice: [bedfordshire-2018]", "advice: [nowhere]")
    out = problems(validate(lessons_copy))
    assert any("sumary" in line for line in out)
    assert any("unknown advice file 'nowhere'" in line for line in out)


def test_build_refuses_bad_content_and_writes_nothing(lessons_copy, tmp_path):
    edit(lessons_copy / SCENARIO, "\nsummary:", "\nsumary:")
    out = tmp_path / "out"
    result = run_cli("build", "--lessons", str(lessons_copy), "--output", str(out))
    assert result.exit_code == 1
    assert "unknown field 'sumary'" in result.output
    assert not out.exists()


def test_characters_the_pdf_font_cannot_print_are_a_warning(lessons_copy):
    path = lessons_copy / SCENARIO
    edit(path, "title: ", "title: 你好 Привет Tŷ ")  # Cyrillic and Welsh print; Chinese not
    line = line_of(path, "title: 你好")
    result = validate(lessons_copy)
    assert result.exit_code == 0  # a warning: the Word files still carry the text
    assert (f"{path}:{line}: warning: the PDF fonts cannot print 你 (U+4F60) 好 (U+597D); "
            "the PDFs will leave them out (the Word files keep them): use other characters, "
            "or accept that they are missing from the PDFs") in result.output.splitlines()
    assert run_cli("validate", "--lessons", str(lessons_copy), "--strict").exit_code == 1
