"""The documents readers asked for beyond the lesson itself: pupils' feedback slips (every
pack), a certificate to take home (Key Stage 2 packs only) and the officer's email to the
school (plain text to paste into a mail program), read back as their readers would."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import LESSONS, PACK_FILES, pack_files, pdf_text, run_cli, squash
from generator.render import markup, registry
from generator.render.markup import parse

BANDS = ("ks2", "ks3", "ks4", "post16")
LESSON_IDS = ("online-blackmail", "pressure-images-help", "whos-really-there")
PROFILE = """\
force_name: Testshire Constabulary
officer_name: PC Ada Example
email: ada.example@testshire.police.uk
phone: 01632 960000
"""
SESSION = ("--school", "Hillside Primary", "--date", "2027-01-12", "--class", "Year 6 Oak")
# The show-of-hands question of the evaluation record, and the slips' question 2.
RECORD_QUESTION = "would you know what to do and who to tell?"
SLIP_QUESTION = "2. If something online worried me, I would know what to do and who to tell."


def pages(path: Path) -> int:
    return len(PdfReader(path).pages)


@pytest.fixture(scope="module")
def personal(tmp_path_factory) -> Path:
    """A Key Stage 2 pack for a named school, date and class, with the officer's details."""
    folder = tmp_path_factory.mktemp("extras")
    (folder / "testshire.yaml").write_text(PROFILE, encoding="utf-8")
    out = folder / "out"
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out), "--profile",
                     str(folder / "testshire.yaml"), "--lesson", "whos-really-there", *SESSION)
    assert result.exit_code == 0, result.output
    return out / "2027-01-12-hillside-primary-year-6-oak" / "whos-really-there" / "ks2"


# --- where they are ----------------------------------------------------------------


@pytest.mark.parametrize("band", BANDS)
def test_each_pack_holds_the_slips_and_the_email_and_only_ks2_the_certificate(built, band):
    for lesson in LESSON_IDS:
        pack = built / lesson / band
        assert (pack / "feedback-form.pdf").is_file()
        assert (pack / "email-to-school.txt").is_file()
        assert (pack / "certificate.pdf").is_file() == (band == "ks2"), pack
        assert sorted(p.name for p in pack.iterdir()) == sorted(pack_files(band))


@pytest.mark.parametrize("band", BANDS)
def test_each_plan_says_when_the_slips_and_certificates_are_handed_out(built, band):
    for lesson in LESSON_IDS:
        plan = squash(pdf_text(built / lesson / band / "lesson-plan.pdf"))
        assert "feedback slip" in plan, (lesson, band)
        assert ("certificates" in plan) == (band == "ks2"), (lesson, band)


def test_each_plans_resources_name_everything_its_steps_use(built):
    plan = squash(pdf_text(built / "online-blackmail" / "ks2" / "lesson-plan.pdf"))
    ready = plan[plan.index("From the pack:"):]
    for words in ("slides (and a projector)", "a worksheet for each pupil (both sides)",
                  "who-can-help cards (a set for each group)",
                  "a feedback slip for each pupil, and an envelope for them",
                  "a certificate for each pupil"):
        assert words in ready, words
    older = squash(pdf_text(built / "online-blackmail" / "post16" / "lesson-plan.pdf"))
    assert "a feedback slip for each student" in older and "certificate" not in older


def test_the_manifest_and_the_index_list_them(built):
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    names = set(manifest["files"])
    for band in BANDS:
        for name in ("feedback-form.pdf", "email-to-school.txt", "certificate.pdf"):
            listed = f"online-blackmail/{band}/{name}" in names
            assert listed == (name != "certificate.pdf" or band == "ks2"), (band, name)
    page = (built / "index.html").read_text(encoding="utf-8")
    for link in ("online-blackmail/ks2/certificate.pdf", "online-blackmail/ks3/feedback-form.pdf",
                 "online-blackmail/post16/email-to-school.txt"):
        assert f'href="{link}"' in page
    assert 'href="online-blackmail/ks3/certificate.pdf"' not in page


def test_list_names_them_and_says_the_certificate_is_for_ks2_only():
    out = run_cli("list", "--lessons", str(LESSONS)).output
    assert re.search(r"^  feedback-form +feedback-form\.pdf: pupils", out, re.M)
    assert re.search(r"^  certificate +certificate\.pdf: .*\[ks2 packs only\]$", out, re.M)
    assert re.search(r"^  email-to-school +email-to-school\.txt: the officer", out, re.M)


# --- the feedback slips ------------------------------------------------------------


@pytest.mark.parametrize("band", BANDS)
def test_four_slips_on_one_sheet_with_no_names(built, band):
    for lesson in LESSON_IDS:
        path = built / lesson / band / "feedback-form.pdf"
        assert pages(path) == 1, path
        text = squash(pdf_text(path))
        assert text.count("Your feedback (no names)") == 4, path
        assert text.count(SLIP_QUESTION) == 4
        # Never the question box: a slip with words on it could hold a worry.
        assert text.count("Put it in the feedback envelope.") == 4
        assert "Slips go in the feedback envelope, not the question box." in text
        assert "Who could you tell?" in text
        assert "One thing I will do if something online worries me:" in text
        assert "Name:" not in text
        assert "cut along the dashed lines" in text


def test_the_slips_ask_the_evaluation_records_question_in_its_words(built):
    pack = built / "online-blackmail" / "ks2"
    record = squash(pdf_text(pack / "evaluation-record.pdf"))
    assert f"If something online worried you, {RECORD_QUESTION}" in record
    assert ("Feedback slips (from the feedback envelope, counted before you leave), ticks for "
            "question 2: Yes") in record and "A bit" in record
    slip = squash(pdf_text(pack / "feedback-form.pdf"))
    assert "Yes A bit No" in slip.replace("\xa0", " ")  # the tick columns' headings
    assert pages(pack / "evaluation-record.pdf") == 1


def test_the_slips_are_words_and_drawn_boxes_never_emoji(built):
    for band in BANDS:
        text = pdf_text(built / "online-blackmail" / band / "feedback-form.pdf")
        assert not [c for c in text if ord(c) > 0x2000 and c not in "–—‘’“”…·"], band


def test_large_print_slips_are_one_to_a_page_and_within_budget(tmp_path):
    out = tmp_path / "out"
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out), "--lesson",
                     "online-blackmail", "--band", "ks2", "--large-print", "--documents",
                     "feedback-form,certificate", "--strict")
    assert result.exit_code == 0, result.output
    pack = out / "online-blackmail" / "ks2"
    slips = pack / "feedback-form-large-print.pdf"
    assert pages(slips) == 1
    assert squash(pdf_text(slips)).count("Your feedback (no names)") == 1
    assert pages(pack / "certificate-large-print.pdf") == 1


# --- the certificate -----------------------------------------------------------------


def test_the_certificate_is_one_sheet_of_two_with_the_lessons_title_and_message(built):
    for lesson in LESSON_IDS:
        path = built / lesson / "ks2" / "certificate.pdf"
        assert pages(path) == 1
        text = squash(pdf_text(path))
        assert text.count("Certificate") == 2
        assert text.count("“I can always tell a trusted adult.”") == 2
        assert text.count("Name:") == 2 and text.count("Class teacher:") == 2
        assert text.count("Bedfordshire Police") == 2
        assert "Childline 0800 1111" in text
        assert "Page 1 of 1" not in text  # no header or footer: a page to take home
    title = squash(pdf_text(built / "online-blackmail" / "ks2" / "certificate.pdf"))
    assert title.count("When someone online wants something") == 2


def test_the_certificate_and_slips_use_no_word_ks2_excludes(built):
    import yaml

    bands = yaml.safe_load((LESSONS / "bands.yaml").read_text(encoding="utf-8"))["bands"]
    excluded = next(b for b in bands if b["id"] == "ks2")["excluded_terms"]
    for lesson in LESSON_IDS:
        for name in ("certificate.pdf", "feedback-form.pdf"):
            words = squash(pdf_text(built / lesson / "ks2" / name)).lower()
            found = [t for t in excluded if re.search(rf"\b{re.escape(t)}\b", words)]
            assert not found, (lesson, name, found)


def test_the_certificate_carries_the_school_date_and_officer_when_given(personal):
    text = squash(pdf_text(personal / "certificate.pdf"))
    for detail in ("School: Hillside Primary", "Date: 12 January 2027", "Officer: PC Ada Example",
                   "Testshire Constabulary"):
        assert text.count(detail) == 2, detail


def test_documents_certificate_for_a_ks3_pack_says_there_is_nothing_to_build(tmp_path):
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(tmp_path / "out"),
                     "--band", "ks3", "--documents", "certificate")
    assert result.exit_code == 1
    assert result.output == ("nothing to build: the certificate is made for ks2 packs only, "
                             "not for ks3 ('lessonpack list' shows what each pack holds)\n")
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.pdf"))


def test_documents_certificate_for_every_band_builds_the_ks2_ones_with_a_note(tmp_path):
    out = tmp_path / "out"
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out), "--lesson",
                     "online-blackmail", "--documents", "certificate")
    assert result.exit_code == 0
    assert ("--documents: warning: the certificate is made for ks2 packs only, not for ks3, "
            "ks4, post16") in result.output
    assert "Wrote 1 documents" in result.output
    assert [p.relative_to(out).as_posix() for p in out.rglob("certificate*.pdf")] == [
        "online-blackmail/ks2/certificate.pdf"]


def test_a_full_build_says_nothing_about_the_certificate(built, tmp_path):
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(tmp_path / "out"),
                     "--lesson", "whos-really-there", "--band", "ks4")
    assert result.exit_code == 0
    assert "certificate" not in result.output


# --- the email -------------------------------------------------------------------------


def test_the_email_is_plain_utf8_text_with_subject_first_and_placeholders(built):
    data = (built / "online-blackmail" / "ks3" / "email-to-school.txt").read_bytes()
    assert b"\r" not in data and data.endswith(b"\n") and not data.endswith(b"\n\n")
    text = data.decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == "Subject: Online safety lesson for [class] on [date]"
    assert "Dear colleagues," in text
    assert "Date: [date] (please let me know the time and the room)" in text
    assert "Email: [your work email]" in text and "Phone: [your work phone]" in text
    # What the school needs to do, and the two documents to attach.
    for words in ("the school briefing", "the letter home to parents and carers",
                  "the lesson plan, the slides and the worksheet, so that you can see",
                  "a worksheet for each pupil (both sides), one set of cards for each group",
                  "an envelope I take away (the question box stays with the school)",
                  "Make sure the DSL knows the date", "anonymous question box",
                  "opt out, or take time out with a named adult", "records any disclosure"):
        assert words in text, words
    assert "<" not in text and "**" not in text  # no markup left over
    assert "certificate" not in text  # Key Stage 3 has none


def test_the_email_is_personalised_with_the_session_and_the_officers_contact(personal):
    text = (personal / "email-to-school.txt").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "Subject: Online safety lesson for Year 6 Oak on 12 January 2027"
    for detail in ("at Hillside Primary",
                   "Date: 12 January 2027 (please let me know the time and the room)",
                   "Class: Year 6 Oak (Key Stage 2, Years 5–6)", "PC Ada Example",
                   "Children and Young People Development Officer, Testshire Constabulary",
                   "Email: ada.example@testshire.police.uk", "Phone: 01632 960000",
                   "each pupil gets a certificate to take home",
                   "and the certificates (two to a sheet)"):
        assert detail in text, detail
    assert "[date]" not in text and "[your work email]" not in text


def test_post16_email_speaks_of_students(built):
    text = (built / "online-blackmail" / "post16" / "email-to-school.txt").read_text("utf-8")
    assert "what students will see and hear" in text and "any student for whom" in text
    assert "pupil" not in text


# --- the same bytes every time ------------------------------------------------------------


def test_two_builds_give_the_same_bytes(tmp_path):
    outputs = []
    for run in ("a", "b"):
        out = tmp_path / run
        result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out), "--lesson",
                         "online-blackmail", "--band", "ks2", *SESSION, "--documents",
                         "feedback-form,certificate,email-to-school")
        assert result.exit_code == 0, result.output
        outputs.append({p.relative_to(out).as_posix(): p.read_bytes()
                        for p in sorted(out.rglob("*")) if p.suffix in (".pdf", ".txt")})
    assert len(outputs[0]) == 3 and outputs[0] == outputs[1]


# --- the plain-text renderer and the new markup ---------------------------------------------


def render_text(xml: str) -> str:
    import xml.etree.ElementTree as ET

    nodes = parse(ET.fromstring(xml), "test.xml.j2")
    return registry.render("txt", nodes, None, None, None).decode("utf-8")


def test_plain_text_walks_headings_paragraphs_lists_and_fields():
    assert render_text(
        "<document><h1>Visit</h1><p>One  <b>bold</b>\n word.<br/>Next line</p>"
        "<ul><li>first</li><li>second</li></ul><ol><li>do this</li></ol>"
        "<fields><field label='Date'>12 January 2027</field><field label='Time'/></fields>"
        "<pagebreak/><note title='Remember'><p>Inside</p></note></document>") == (
        "Visit\n\nOne bold word.\nNext line\n\n- first\n- second\n\n1. do this\n\n"
        "Date: 12 January 2027\nTime: ____________\n\nRemember\n\nInside\n")


def test_plain_text_refuses_cards_in_one_line():
    with pytest.raises(markup.MarkupError, match=r"^test\.xml\.j2: cards blocks cannot be made "
                                                  r"in a plain text document"):
        render_text("<document><cards><card title='A'><p>x</p></card></cards></document>")


@pytest.mark.parametrize("bad, message", [
    ("<certificate><ul><li>x</li></ul></certificate>",
     "<ul>: not allowed inside <certificate>, which holds only headings, <p> and <fields>"),
    ('<certificate copies="3"><p>x</p></certificate>',
     "<certificate copies=\"3\">: copies must be a whole number from 1 to 2, not '3'"),
    ("<certificate/>", "<certificate>: holds no blocks; write what the certificate says inside it"),
    ("<cards><card title='A'><box><p>x</p></box></card></cards>",
     "<card title=\"A\">: a card holds only <p> paragraphs, lists, tables, <checklist>, <lines/> "
     "and <fields>"),
    ('<cards fill="maybe"><card title="A"><p>x</p></card></cards>',
     '<cards fill="maybe">: fill must be "true" or "false", not \'maybe\''),
])
def test_bad_certificate_or_card_markup_is_one_line(bad, message):
    with pytest.raises(markup.MarkupError) as error:
        render_text(f"<document>{bad}</document>")
    assert str(error.value) == f"test.xml.j2: {message}"


def test_every_pack_file_is_listed_once():
    assert len(set(PACK_FILES)) == len(PACK_FILES)
