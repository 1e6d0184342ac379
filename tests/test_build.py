"""`lessonpack build` end to end: the files a user gets, read back as they would read them."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
import yaml
from pypdf import PdfReader

from conftest import LESSONS, PACK_FILES, docx_text, pack_files, pdf_text, per_pack, run_cli, squash

BANDS = ("ks2", "ks3", "ks4", "post16")
LESSON_IDS = ("online-blackmail", "pressure-images-help", "whos-really-there")
FILES = PACK_FILES


def load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def spec(lesson: str) -> dict:
    return load(LESSONS / "specs" / f"{lesson}.yaml")


def scenario(scenario_id: str) -> dict:
    return load(LESSONS / "scenarios" / f"{scenario_id}.yaml")


def all_text(pack: Path) -> str:
    return "\n".join(pdf_text(p) for p in pack.glob("*.pdf")) + "\n" + "\n".join(
        docx_text(p) for p in pack.glob("*.docx"))


def test_every_lesson_and_band_gets_a_full_pack(built):
    for lesson in LESSON_IDS:
        for band in BANDS:
            folder = built / lesson / band
            assert sorted(p.name for p in folder.iterdir()) == sorted(pack_files(band))
    manifest = json.loads((built / "manifest.json").read_text())
    assert len(manifest["files"]) == len(LESSON_IDS) * sum(per_pack(band) for band in BANDS)
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((built / name).read_bytes()).hexdigest() == entry["sha256"]
        lesson = name.split("/")[0]
        assert f"lessons/specs/{lesson}.yaml" in entry["inputs"]
        assert "templates/worksheet.xml.j2" in entry["inputs"]


@pytest.mark.parametrize("lesson", LESSON_IDS)
@pytest.mark.parametrize("band", BANDS)
def test_worksheet_carries_warning_signs_and_signposting(built, lesson, band):
    text = squash(pdf_text(built / lesson / band / "worksheet.pdf"))
    plan = spec(lesson)["bands"][band]
    for scenario_id in plan["scenarios"]:
        story = scenario(scenario_id)
        assert squash(story["title"]) in text
        for sign in story["warning_signs"]:
            assert squash(sign["sign"]) in text
    assert "Where to get help" in text
    contacts = {c["id"]: c for c in load(LESSONS / "contacts.yaml")["contacts"]}
    for contact_id in plan["contacts"]:
        contact = contacts[contact_id]
        assert contact["name"] in text
        for detail in ("phone", "web"):
            if contact.get(detail):
                assert squash(str(contact[detail])) in text
    assert "Childline" in text and "0800 1111" in text  # every band signposts Childline


@pytest.mark.parametrize("lesson", LESSON_IDS)
def test_ks2_material_has_no_sexual_content_terms(built, lesson):
    excluded = next(b for b in load(LESSONS / "bands.yaml")["bands"] if b["id"] == "ks2")[
        "excluded_terms"]
    text = all_text(built / lesson / "ks2").lower()
    for term in excluded:
        assert not re.search(rf"\b{re.escape(term.lower())}s?\b", text), term


@pytest.mark.parametrize("lesson", LESSON_IDS)
@pytest.mark.parametrize("band", BANDS)
def test_no_avoided_language_in_any_document(built, lesson, band):
    text = squash(all_text(built / lesson / band)).lower()
    for rule in load(LESSONS / "language.yaml")["avoid"]:
        assert not re.search(rf"\b{re.escape(rule['term'].lower())}", text), rule["term"]


@pytest.mark.parametrize("band", BANDS)
def test_lesson_timings_fill_the_band(built, band):
    duration = next(b for b in load(LESSONS / "bands.yaml")["bands"] if b["id"] == band)[
        "duration_minutes"]
    for lesson in LESSON_IDS:
        document = docx.Document(str(built / lesson / band / "lesson-plan.docx"))
        outline = next(t for t in document.tables if t.rows[0].cells[0].text == "Time")
        times = [row.cells[0].text for row in outline.rows[1:]]
        spans = [tuple(int(m) for m in time.split("–")) for time in times]
        assert spans[0][0] == 0 and spans[-1][1] == duration, (lesson, times)
        assert all(a[1] == b[0] for a, b in zip(spans, spans[1:])), (lesson, times)
        plan = spec(lesson)["bands"][band]
        steps = ([plan["introduction"]] if plan.get("introduction") else []) + [
            plan["baseline"], *plan["activities"], plan["assessment"], plan["plenary"]]
        assert [end - start for start, end in spans] == [s["minutes"] for s in steps]


def test_lesson_plan_has_every_pshe_section(built):
    text = squash(pdf_text(built / "online-blackmail" / "ks3" / "lesson-plan.pdf"))
    for heading in ("If a pupil tells you something", "Aim and outcomes", "Aim:", "Outcomes:",
                    "Before the lesson", "Inform the DSL", "Sensitivities", "Distancing",
                    "Question box", "Resources", "Ground rules", "Key words",
                    "The lesson, step by step", "Extension", "Signposting",
                    "After the session"):
        assert heading in text, heading
    # The key messages and the law are the facilitator's, in the discussion guide.
    guide = squash(docx_text(built / "online-blackmail" / "ks3" / "discussion-guide.docx"))
    for heading in ("Key messages to leave them with", "Sources and the law",
                    "Sexual Offences Act 2003 s.66B"):
        assert heading in guide, heading


def test_pdfs_are_a4_with_metadata_and_embedded_fonts(built):
    for path in (built / "whos-really-there" / "ks4").glob("*.pdf"):
        reader = PdfReader(path)
        assert reader.metadata.title.endswith(("lesson plan", "worksheet", "answer key", "cards",
                                               "letter to parents and carers",
                                               "school briefing", "evaluation record",
                                               "feedback slips"))
        assert reader.metadata.author == "Bedfordshire Police"
        assert reader.trailer["/Root"]["/Lang"] == "en-GB"
        for page in reader.pages:
            assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
                assert "AtkinsonHyperlegible" in font["/BaseFont"]
                assert "/FontFile2" in descendant["/FontDescriptor"], font["/BaseFont"]


@pytest.mark.skipif(not shutil.which("qpdf") or not shutil.which("pdffonts"),
                    reason="needs poppler-utils and qpdf (installed by .ci/run)")
def test_qpdf_and_pdffonts_accept_every_pdf(built):
    for path in built.rglob("*.pdf"):
        subprocess.run(["qpdf", "--check", str(path)], check=True, capture_output=True)
        fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                               text=True).stdout.splitlines()[2:]
        assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts


def test_discussion_guide_uses_real_word_styles(built):
    path = built / "pressure-images-help" / "ks3" / "discussion-guide.docx"
    document = docx.Document(str(path))
    styles = {p.style.name for p in document.paragraphs}
    assert {"Heading 1", "Heading 2", "Heading 3", "List Bullet", "List Number"} <= styles
    assert document.core_properties.title.endswith("discussion guide")
    assert document.core_properties.author == "Bedfordshire Police"
    footer_xml = document.sections[0].footer._element.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml
    text = docx_text(path)
    assert "Stop here: the class decides" in text and "Scene 1" in text
    assert "disclosure steps and signposting: see the lesson plan" in squash(text)


def test_two_builds_give_identical_bytes(built, tmp_path):
    again = tmp_path / "again"
    assert run_cli("build", "--lessons", str(LESSONS), "--output", str(again)).exit_code == 0
    for path in built.rglob("*"):
        if path.is_file():
            assert (again / path.relative_to(built)).read_bytes() == path.read_bytes(), path


def test_markup_characters_print_literally(lessons_copy, tmp_path):
    path = lessons_copy / "scenarios" / "profile-fake-child.yaml"
    text = path.read_text(encoding="utf-8")
    title = text.split("\n")[1].removeprefix("title: ")
    path.write_text(text.replace(f"title: {title}", 'title: "Click <links> & win <b>prizes</b>"'),
                    encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "--lessons", str(lessons_copy), "--output", str(out),
                     "--lesson", "whos-really-there", "--band", "ks2")
    assert result.exit_code == 0, result.output
    pack = out / "whos-really-there" / "ks2"
    assert "Click <links> & win <b>prizes</b>" in squash(pdf_text(pack / "worksheet.pdf"))
    assert "Click <links> & win <b>prizes</b>" in docx_text(pack / "discussion-guide.docx")


def test_a_build_that_fails_midway_leaves_the_previous_pack(built, tmp_path, monkeypatch):
    out = tmp_path / "out"
    shutil.copytree(built, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    changed = tmp_path / "lessons"
    shutil.copytree(LESSONS, changed)
    profile = changed / "profile.yaml"
    profile.write_text(profile.read_text().replace("Bedfordshire Police\n", "Changed Police\n", 1))

    import generator.render.pdf as pdf

    real, calls = pdf.render, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # the pack's first PDF renders, the second fails
            raise RuntimeError("disk on fire")
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf, "render", failing)
    from click.testing import CliRunner
    from generator.cli import main

    result = CliRunner().invoke(main, ["build", "--lessons", str(changed), "--output", str(out),
                                       "--lesson", "online-blackmail", "--band", "ks3",
                                       "--jobs", "1"])
    assert isinstance(result.exception, RuntimeError)
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before  # nothing written, nothing half-written, no temporary files


def test_unchanged_rebuild_writes_nothing(built, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(built, out)
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out))
    assert result.exit_code == 0
    assert "Wrote 0 documents" in result.output and f"({len(LESSON_IDS) * sum(per_pack(band) for band in BANDS)} unchanged)" in result.output


def test_never_overwrites_a_file_it_did_not_write(tmp_path):
    out = tmp_path / "out"
    stranger = out / "online-blackmail" / "ks2" / "worksheet.pdf"
    stranger.parent.mkdir(parents=True)
    stranger.write_bytes(b"a teacher's own file")
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out),
                     "--lesson", "online-blackmail", "--band", "ks2")
    assert result.exit_code == 1
    assert result.output == (f"{stranger}: exists but was not written by lessonpack; move it "
                             "or choose another --output folder\n")
    assert stranger.read_bytes() == b"a teacher's own file"


def test_an_edited_guide_is_kept_unless_forced(built, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(built, out)
    guide = out / "online-blackmail" / "ks4" / "discussion-guide.docx"
    guide.write_bytes(guide.read_bytes() + b" ")
    args = ("build", "--lessons", str(LESSONS), "--output", str(out), "--lesson",
            "online-blackmail", "--band", "ks4", "--templates",
            str(tmp_path))  # a template folder changes the inputs, so every file is due
    (tmp_path / "note.txt").write_text("x")
    result = run_cli(*args)
    assert result.exit_code == 1
    assert f"{guide}: has been changed since lessonpack wrote it" in result.output
    assert run_cli(*args, "--force").exit_code == 0


def test_output_that_is_a_file_is_refused(tmp_path):
    target = tmp_path / "a-file"
    target.write_text("x")
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(target))
    assert result.exit_code == 1
    assert result.output == f"{target}: --output names a file, not a folder; choose a folder\n"


def test_build_without_a_lessons_folder_uses_the_built_in_content(tmp_path):
    result = run_cli("build", "--lesson", "online-blackmail", "--band", "ks2", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert f"Wrote {per_pack('ks2')} documents to output/" in result.output


def test_init_copies_content_and_templates_to_customise(tmp_path):
    result = run_cli("init", str(tmp_path / "mine"))
    assert result.exit_code == 0
    assert (tmp_path / "mine" / "lessons" / "specs" / "online-blackmail.yaml").is_file()
    assert (tmp_path / "mine" / "templates" / "worksheet.xml.j2").is_file()
    assert run_cli("validate", "--lessons", str(tmp_path / "mine" / "lessons")).exit_code == 0


def test_import_advice_accepts_the_seed_article(tmp_path):
    seed = Path(__file__).parent / "fixtures" / "articles" / "seed-bedfordshire-2018.md"
    out = tmp_path / "advice.yaml"
    result = run_cli("import-advice", str(seed), "-o", str(out))
    assert result.exit_code == 0
    data = load(out)
    assert data["source"]["area"] == "Bedfordshire"
    # the officer's quoted advice comes first, as in the article; then the list
    assert data["messages"][0]["text"].startswith("We would advise anyone against sending")
    assert data["messages"][3]["text"].startswith("Not everyone online")


@pytest.mark.parametrize("command", ["build", "validate", "list", "init", "import-advice"])
def test_every_command_has_help_with_an_example(command):
    result = run_cli(command, "--help")
    assert result.exit_code == 0 and "Example" in result.output


def test_version():
    result = run_cli("--version")
    assert result.output.startswith("lessonpack, version ")


@pytest.mark.parametrize("lesson", LESSON_IDS)
@pytest.mark.parametrize("band", BANDS)
def test_worksheet_text_is_within_the_band_reading_target(built, lesson, band):
    from generator.readability import check_reading

    target = next(b for b in load(LESSONS / "bands.yaml")["bands"] if b["id"] == band)["reading"]
    text = pdf_text(built / lesson / band / "worksheet.pdf")
    assert check_reading(text, target["fk_grade_max"], target["sentence_words_max"], band) is None
