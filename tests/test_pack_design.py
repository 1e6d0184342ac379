"""The shared pack design, read back from the built files: page budgets (and the build's
warning, or error with --strict, when a document is over one), each story printed once,
scene by scene, in the discussion guide and nowhere else, the worksheet's lettered parts,
and the lesson plan's first page as the officer's crib sheet."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
import yaml
from pypdf import PdfReader

from conftest import LESSONS, TEMPLATES, pdf_text, run_cli, squash

BANDS = ("ks2", "ks3", "ks4", "post16")
# The issue's table (A4, default print): pages at most, per document and band.
BUDGET = {
    "worksheet.pdf": {"ks2": 2, "ks3": 2, "ks4": 4, "post16": 4},
    "answer-key.pdf": dict.fromkeys(BANDS, 2),
    "lesson-plan.pdf": dict.fromkeys(BANDS, 6),
}
GUIDE_BUDGET = 8
PARTS = ["Part A: Warning signs", "Part B: What could they do?", "Part C: True or false?",
         "Part D: Who can help?"]  # for ks4 and post16; ks2 and ks3 "spot" the signs


def parts(band: str) -> list[str]:
    if band in ("ks2", "ks3"):
        return ["Part A: Spot the warning signs", *PARTS[1:]]
    return PARTS


def load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def packs(built: Path) -> list[tuple[str, str, Path]]:
    return [(p.parent.name, p.name, p) for p in sorted(built.glob("*/*")) if p.is_dir()]


def plan_of(lesson: str, band: str, lessons: Path = LESSONS) -> dict:
    return load(lessons / "specs" / f"{lesson}.yaml")["bands"][band]


def stories(lesson: str, band: str, lessons: Path = LESSONS) -> list[dict]:
    return [load(lessons / "scenarios" / f"{s}.yaml") for s in plan_of(lesson, band, lessons)["scenarios"]]


def story_lines(story: dict) -> list[str]:
    """Every narration and line of dialogue as the guide prints it ("Mia: OK."), white
    space squashed. (A line's words alone may be quoted elsewhere, in an answer.)"""
    lines = []
    for scene in story["scenes"]:
        if scene.get("narration"):
            lines.append(squash(scene["narration"]))
        lines += [squash(f"{line['speaker']}: {line['says']}") for line in scene.get("dialogue", ())]
    return lines


def guide_paragraphs(path: Path) -> list[tuple[str, str]]:
    """(style name, text) of every paragraph of a Word file, tables' cells included, in order."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    out = []
    for p in document.element.body.iter(qn("w:p")):
        paragraph = Paragraph(p, document)
        out.append((paragraph.style.name if paragraph.style is not None else "",
                    squash(paragraph.text)))
    return out


def guide_pdf_pages(lesson: str, band: str) -> int:
    """The discussion guide's pages, set by the PDF renderer from the guide's own markup
    (the build only writes it as Word, whose pages depend on the word processor)."""
    from generator.build import BuildOptions, page_style
    from generator.content.loader import load_library
    from generator.profile import load_profile
    from generator.render import DocMeta
    from generator.render.pdf import render_pdf
    from generator.templating import render_markup
    from generator.view import band_view

    library, _ = load_library(LESSONS)
    view = band_view(library, lesson, band, load_profile(None, LESSONS))
    root = render_markup((TEMPLATES,), "discussion-guide.xml.j2", v=view, answers=False)
    options = BuildOptions(lessons_dir=LESSONS, output_dir=Path("unused"), templates=(TEMPLATES,))
    meta = DocMeta("guide", "guide", "force", view.lesson.title, view.band.name, "force")
    from generator.resources import assets

    pdf = render_pdf(root, meta, page_style(band, options), assets((TEMPLATES,)))
    return len(PdfReader(_bytes_io(pdf)).pages)


def nodes(blocks):
    """Every block node, those inside boxes, notes and columns included, in order."""
    from generator.render.markup import Box, Columns, Note

    for node in blocks:
        yield node
        if isinstance(node, (Box, Note)):
            yield from nodes(node.blocks)
        elif isinstance(node, Columns):
            for column in node.columns:
                yield from nodes(column)


def _bytes_io(data: bytes):
    import io

    return io.BytesIO(data)


# --- page budgets -----------------------------------------------------------------------


@pytest.mark.parametrize("document", sorted(BUDGET))
def test_every_default_document_is_within_its_page_budget(built, document):
    over = []
    for lesson, band, pack in packs(built):
        pages = len(PdfReader(pack / document).pages)
        if pages > BUDGET[document][band]:
            over.append(f"{lesson}/{band}/{document}: {pages} pages, budget {BUDGET[document][band]}")
    assert not over, "\n".join(over)


def test_every_discussion_guide_is_within_its_page_budget(built):
    over = [f"{lesson}/{band}: {pages} pages"
            for lesson, band, _ in packs(built)
            if (pages := guide_pdf_pages(lesson, band)) > GUIDE_BUDGET]
    assert not over, "\n".join(over)


def test_page_counter_agrees_with_a_pdf_reader(built):
    from generator.budgets import page_budget, pdf_page_count

    for pdf in sorted(built.rglob("*.pdf")):
        assert pdf_page_count(pdf.read_bytes()) == len(PdfReader(pdf).pages), pdf
    assert page_budget("worksheet", "ks3") == 2 and page_budget("worksheet", "post16") == 4
    assert page_budget("worksheet", "ks2", large_print=True) == 4
    assert page_budget("lesson-plan", "ks4", dyslexia_friendly=True) == 9
    assert page_budget("worksheet.docx", "ks2") is None


@pytest.fixture
def long_plan(lessons_copy) -> Path:
    """Content whose ks3 online-blackmail plan runs far past six pages: its extension
    activity written out thirty times."""
    path = lessons_copy / "specs" / "online-blackmail.yaml"
    spec = load(path)
    extension = squash(spec["bands"]["ks3"]["extension"])
    spec["bands"]["ks3"]["extension"] = " ".join([extension] * 30)
    path.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return lessons_copy


def test_a_document_over_its_budget_is_a_warning_naming_it(long_plan, tmp_path):
    out = tmp_path / "out"
    result = run_cli("build", "--lessons", str(long_plan), "--output", str(out),
                     "--lesson", "online-blackmail", "--band", "ks3")
    assert result.exit_code == 0, result.output
    pages = len(PdfReader(out / "online-blackmail" / "ks3" / "lesson-plan.pdf").pages)
    assert pages > 6
    warning = (f"online-blackmail/ks3/lesson-plan.pdf: warning: {pages} pages, over its "
               "budget of 6 pages")
    assert warning in result.stderr.splitlines()
    # A rebuild with nothing to do repeats it.
    again = run_cli("build", "--lessons", str(long_plan), "--output", str(out),
                    "--lesson", "online-blackmail", "--band", "ks3")
    written = len([p for p in (out / "online-blackmail" / "ks3").iterdir() if p.is_file()])
    assert "Wrote 0 documents to" in again.stdout and f"({written} unchanged)" in again.stdout
    assert warning in again.stderr.splitlines()


def test_with_strict_a_document_over_its_budget_is_an_error_and_nothing_is_written(
        long_plan, tmp_path):
    first = tmp_path / "first"
    run_cli("build", "--lessons", str(long_plan), "--output", str(first),
            "--lesson", "online-blackmail", "--band", "ks3")
    pages = len(PdfReader(first / "online-blackmail" / "ks3" / "lesson-plan.pdf").pages)
    out = tmp_path / "out"
    result = run_cli("build", "--lessons", str(long_plan), "--output", str(out),
                     "--lesson", "online-blackmail", "--band", "ks3", "--strict")
    assert result.exit_code == 1
    assert (f"online-blackmail/ks3/lesson-plan.pdf: {pages} pages, over its budget of 6 pages"
            in result.stderr.splitlines())
    assert all(re.fullmatch(r"online-blackmail/ks3/[a-z-]+\.pdf: \d+ pages, over its budget of "
                            r"\d+ pages", line) for line in result.stderr.splitlines())
    assert "Traceback" not in result.output
    assert not list(out.rglob("*.pdf")) and not list(out.rglob("*.docx"))


def test_strict_counts_documents_a_rebuild_leaves_unchanged(long_plan, tmp_path):
    out = tmp_path / "out"
    args = ("build", "--lessons", str(long_plan), "--output", str(out),
            "--lesson", "online-blackmail", "--band", "ks3")
    assert run_cli(*args).exit_code == 0
    pages = len(PdfReader(out / "online-blackmail" / "ks3" / "lesson-plan.pdf").pages)
    strict = run_cli(*args, "--strict")  # every document is current: nothing to render
    assert strict.exit_code == 1
    assert (f"online-blackmail/ks3/lesson-plan.pdf: {pages} pages, over its budget of 6 pages"
            in strict.stderr.splitlines())


# --- stories: once a pack, in the guide, scene by scene ----------------------------------


def test_the_guide_prints_each_story_once_scene_by_scene_with_its_questions(built):
    for lesson, band, pack in packs(built):
        paragraphs = guide_paragraphs(pack / "discussion-guide.docx")
        texts = [text for _, text in paragraphs]
        headings = [(style, text) for style, text in paragraphs if style.startswith("Heading")]
        whole = "\n".join(texts)
        for number, story in enumerate(stories(lesson, band), 1):
            title = f"Story {number}: {squash(story['title'])}"
            assert [t for _, t in headings].count(title) == 1, (pack, title)
            start = texts.index(title)
            scene_at = []
            for n in range(1, len(story["scenes"]) + 1):
                scene_at.append(texts.index(f"Scene {n}", start if not scene_at else scene_at[-1]))
            assert scene_at == sorted(scene_at), (pack, title)
            lines = story_lines(story)
            for line in set(lines):
                if len(line) > 30:  # short lines ("OK.") may be anywhere
                    assert whole.count(line) == lines.count(line), (pack, line)
            ends = scene_at[1:] + [len(texts)]
            for question in story["questions"]:
                n = question.get("scene", len(story["scenes"]))
                asked = texts.index(f"Ask: {squash(question['ask'])}", scene_at[0])
                assert scene_at[n - 1] < asked < ends[n - 1], (pack, question["ask"])
            for decision in story["decisions"]:
                n = decision.get("after_scene", len(story["scenes"]))
                stops = [texts[i + 1] for i in range(scene_at[n - 1], ends[n - 1])
                         if texts[i] == "Stop here: the class decides"]
                assert any(s.startswith(squash(decision["prompt"])) for s in stops), pack
                for option in decision["options"]:
                    assert squash(option["choice"]) in whole


def test_no_other_document_prints_the_stories(built):
    for lesson, band, pack in packs(built):
        printed = {name: squash(pdf_text(pack / name))
                   for name in ("worksheet.pdf", "answer-key.pdf", "lesson-plan.pdf")}
        for story in stories(lesson, band):
            for line in story_lines(story):
                for name, text in printed.items():
                    if len(line) > 30:  # short lines ("OK.") may be anywhere
                        assert line not in text, f"{pack}/{name}: {line!r}"


# --- the worksheet ------------------------------------------------------------------------


def test_worksheet_parts_are_lettered_in_order_and_the_key_follows_them(built):
    for lesson, band, pack in packs(built):
        for name in ("worksheet.pdf", "answer-key.pdf"):
            text = squash(pdf_text(pack / name))
            places = [text.find(part) for part in parts(band)]
            assert -1 not in places and places == sorted(places), f"{pack}/{name}: {places}"



def test_the_key_gives_each_warning_sign_with_its_reason(built):
    """A teacher marking sees why each sign is one: its why's first sentence after it, or
    all of it when the rest says where to turn (never cut: a sign of distress keeps
    its advice on who can help)."""
    services = [c["name"] for c in load(LESSONS / "contacts.yaml")["contacts"]]
    kept_whole = 0
    for lesson, band, pack in packs(built):
        key = squash(pdf_text(pack / "answer-key.pdf"))
        for story in stories(lesson, band):
            for sign in story["warning_signs"]:
                first, *rest = re.split(r"(?<=[.!?])\s+", squash(sign["why"]), maxsplit=1)
                where_to_turn = rest and any(re.search(rf"\b{re.escape(w)}\b", rest[0])
                                             for w in ["trusted adult", "999", *services])
                reason = squash(sign["why"]) if where_to_turn else first
                kept_whole += bool(where_to_turn)
                assert f"{squash(sign['sign'])} {reason}" in key, (pack, sign["sign"])
                if not where_to_turn and rest:
                    assert f"{squash(sign['sign'])} {first} {rest[0]}" not in key
            for other in story.get("not_warning_signs", ()):
                assert (f"{squash(other['statement'])} Not a warning sign: {squash(other['why'])}"
                        in key), (pack, other["statement"])
    assert kept_whole  # the bundled lessons have signs of distress with advice


def test_decision_options_carry_the_slides_letters_on_the_worksheet_and_key(built):
    """"Vote for B": each decision's options have the same letters and words, in the
    same order, on its slide, the worksheet (PDF and Word) and the answer key."""
    from pptx import Presentation

    for lesson, band, pack in packs(built):
        deck = Presentation(str(pack / "slides.pptx"))
        asked, safest = [], []  # per decision slide: [(letter, text)], and the safest's
        for slide in deck.slides:
            title = slide.shapes.title.text_frame.text
            body = [squash(p.text) for shape in slide.shapes if shape.has_text_frame
                    and shape != slide.shapes.title for p in shape.text_frame.paragraphs]
            options = [m.groups() for line in body if (m := re.fullmatch(r"([A-H])\. (.+)", line))]
            if title.startswith("Decision") and "(continued)" not in title:
                asked.append(options)
            elif title.startswith("The safest choice") and "(continued)" not in title:
                safest += [line.removeprefix("Safest: ") for line in body
                           if line.startswith("Safest: ")]
        decisions = [d for story in stories(lesson, band) for d in story["decisions"]]
        assert len(asked) == len(decisions), pack
        sheet = squash(pdf_text(pack / "worksheet.pdf"))
        word = " ".join(text for _, text in guide_paragraphs(pack / "worksheet.docx"))
        key = squash(pdf_text(pack / "answer-key.pdf"))
        for options, decision, best in zip(asked, decisions, safest):
            assert [text for _, text in options] == [squash(o["choice"]) for o in decision["options"]]
            assert "".join(letter for letter, _ in options) == "ABCDEFGH"[:len(options)]
            lettered = [f"{letter}. {text}" for letter, text in options]
            for text in (sheet, word):
                places = [text.find(option) for option in lettered]
                assert -1 not in places and places == sorted(places), (pack, lettered)
            assert best in lettered, (pack, best)
            assert re.search(rf"(Safest|Best choice): {re.escape(best)}", key), (pack, best)

def test_no_silly_answers_is_for_ks2_only(built):
    for lesson, band, pack in packs(built):
        text = squash(pdf_text(pack / "worksheet.pdf"))
        assert ("There are no silly answers" in text) == (band == "ks2"), pack


def test_write_in_lines_match_the_answer_the_key_expects():
    from generator.content.loader import load_library
    from generator.profile import load_profile
    from generator.templating import render_markup
    from generator.render.markup import Lines
    from generator.view import band_view, lines_for

    assert lines_for("Stop. Block them. Tell an adult!") == 3
    assert lines_for("Stop. Block them. Tell an adult!", most=2) == 2
    assert lines_for("Tell a trusted adult") == 1
    library, _ = load_library(LESSONS)
    # A one-sheet worksheet (ks3) gives two lines at most; a ks4 one up to four.
    for band, most in (("ks3", 2), ("ks4", 4)):
        view = band_view(library, "online-blackmail", band, load_profile(None, LESSONS))
        root = render_markup((TEMPLATES,), "worksheet.xml.j2", v=view, answers=False)
        counts = [node.count for node in nodes(root.blocks) if isinstance(node, Lines)]
        expected = [lines_for(d.why, most) for s in view.scenarios for d in s.decisions]
        expected += [lines_for(h.answer, most) for h in view.plan.who_can_help]
        assert counts == expected, band
    assert max(counts) > 2  # ks4 answers of three sentences get three lines


def test_each_step_names_the_worksheet_part_it_uses(lessons_copy, tmp_path):
    path = lessons_copy / "specs" / "online-blackmail.yaml"
    spec = load(path)
    plan = spec["bands"]["ks3"]
    plan["activities"][0]["worksheet"] = "decisions"
    plan["activities"][0]["uses"] = ["worksheet", "slides"]
    plan["assessment"]["worksheet"] = "true-or-false"
    path.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "--lessons", str(lessons_copy), "--output", str(out),
                     "--lesson", "online-blackmail", "--band", "ks3")
    assert result.exit_code == 0, result.output
    text = squash(pdf_text(out / "online-blackmail" / "ks3" / "lesson-plan.pdf"))
    assert "Worksheet part B: What could they do? Uses: worksheet, slides." in text
    assert "Worksheet part C: True or false?" in text
    sheet = squash(pdf_text(out / "online-blackmail" / "ks3" / "worksheet.pdf"))
    assert "Part B: What could they do?" in sheet and "Part C: True or false?" in sheet


# --- the lesson plan ----------------------------------------------------------------------


def test_plan_page_one_is_the_crib_sheet(built):
    safeguarding = load(LESSONS / "safeguarding.yaml")
    for lesson, band, pack in packs(built):
        first = squash(PdfReader(pack / "lesson-plan.pdf").pages[0].extract_text())
        plan = plan_of(lesson, band)
        steps = ([plan["introduction"]] if plan.get("introduction") else []) + [
            plan["baseline"], *plan["activities"], plan["assessment"], plan["plenary"]]
        minute = 0
        for step in steps:
            assert f"{minute}–{minute + step['minutes']} {squash(step['title'])}" in first, \
                (pack, step["title"])
            minute += step["minutes"]
        for number, story in enumerate(stories(lesson, band), 1):
            for decision in story["decisions"]:
                after = decision.get("after_scene", len(story["scenes"]))
                assert f"Story {number}: stop after scene {after}" in first, pack
                assert squash(decision["prompt"]) in first, pack
        assert "If a pupil tells you something" in first
        for step in safeguarding["disclosure_steps"]:
            assert squash(step) in first, (pack, step)
        assert "DSL today" in first and "999" in first  # 999: in the disclosure steps
