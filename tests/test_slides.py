"""slides.pptx: what the officer projects. Read back as PowerPoint and LibreOffice would:
python-pptx opens every deck, LibreOffice Impress converts one, and every text is
measured against its box from Arial's metrics (Arimo's widths)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest

from conftest import LESSONS, ROOT, TEMPLATES, run_cli
from generator.render import metrics

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
EMU_PER_PT = 12700


def decks(built: Path) -> list[Path]:
    found = sorted(built.glob("*/*/slides.pptx"))
    assert found, "no slides.pptx was built"
    return found


@lru_cache(maxsize=None)
def opened(path: Path):
    from pptx import Presentation

    return Presentation(str(path))


def slide_text(slide) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def notes_text(slide) -> str:
    return slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""


def titled(prs) -> dict[str, object]:
    return {slide.shapes.title.text_frame.text: slide for slide in prs.slides}


def band_of(path: Path) -> str:
    return path.parent.name


def test_every_pack_has_a_16_9_deck_in_british_english(built):
    for path in decks(built):
        prs = opened(path)
        assert (prs.slide_width, prs.slide_height) == (12192000, 6858000), path
        assert prs.core_properties.language == "en-GB"
        assert prs.core_properties.title.endswith(": slides")
        assert len(prs.slides) >= 10
        for slide in prs.slides:
            for run in slide.element.iter(f"{A}rPr"):
                assert run.get("lang") == "en-GB"


def test_every_slide_has_a_unique_title_read_first(built):
    for path in decks(built):
        titles = []
        for slide in opened(path).slides:
            title = slide.shapes.title
            assert title is not None and title.text_frame.text.strip(), path
            assert slide.shapes[0].shape_id == title.shape_id  # reading order: title first
            titles.append(title.text_frame.text)
        assert len(titles) == len(set(titles)), [t for t in titles if titles.count(t) > 1]


def test_text_sizes_and_no_text_outside_its_box(built):
    """Each box's text, wrapped at the box's width with Arial's widths, fits its height;
    titles are at least 36 pt and body text at least 24 pt (28 pt for Key Stage 2)."""
    widths = metrics.arial()
    for path in decks(built):
        body_min = 28 if band_of(path) == "ks2" else 24
        for slide in opened(path).slides:
            for shape in slide.shapes:
                if not shape.has_text_frame or not shape.text_frame.text.strip():
                    continue
                is_title = shape.shape_id == slide.shapes.title.shape_id
                used, box = _measure(shape, widths, 36 if is_title else body_min)
                where = f"{path.parent.relative_to(built)} / {slide.shapes.title.text_frame.text}"
                assert used <= box + 0.5, f"{where}: text needs {used:.0f} pt, box has {box:.0f}"


def _measure(shape, widths, minimum: float) -> tuple[float, float]:
    """(height the text needs, height the box holds), in points, from the slide's XML."""
    body_pr = shape.text_frame._txBody.find(f"{A}bodyPr")
    assert body_pr.find(f"{A}noAutofit") is not None  # never shrunk on screen
    insets = {side: int(body_pr.get(side)) / EMU_PER_PT
              for side in ("lIns", "rIns", "tIns", "bIns")}
    width = shape.width / EMU_PER_PT - insets["lIns"] - insets["rIns"]
    height = shape.height / EMU_PER_PT - insets["tIns"] - insets["bIns"]
    used = 0.0
    for n, para in enumerate(shape.text_frame._txBody.iterfind(f"{A}p")):
        ppr = para.find(f"{A}pPr")
        margin = int(ppr.get("marL", "0")) / EMU_PER_PT
        line = int(ppr.find(f"{A}lnSpc/{A}spcPts").get("val")) / 100
        before = int(ppr.find(f"{A}spcBef/{A}spcPts").get("val")) / 100
        runs, sizes = [], set()
        for child in para:
            if child.tag == f"{A}r":
                rpr = child.find(f"{A}rPr")
                sizes.add(int(rpr.get("sz")) / 100)
                runs.append((child.find(f"{A}t").text or "", rpr.get("b") == "1"))
            elif child.tag == f"{A}br":
                runs.append(("\n", False))
        if not runs:
            continue
        assert len(sizes) == 1 and min(sizes) >= minimum, (sizes, runs)
        size = sizes.pop()
        assert line >= size * 1.1  # room for Arial's ascent and descent
        lines = metrics.wrap(runs, size, width - margin, widths)
        assert all(metrics.line_width(ln, size, widths) <= width - margin for ln in lines)
        used += len(lines) * line + (before if n else 0.0)
    return used, height


def test_story_activity_and_signposting_slides_have_speaker_notes(built):
    for path in decks(built):
        prs = opened(path)
        for slide in prs.slides:
            title = slide.shapes.title.text_frame.text
            if title.startswith(("Scene", "Decision", "The safest choice",
                                 "Spot the warning signs", "The warning signs",
                                 "Where to get help")):
                assert notes_text(slide).strip(), f"{path}: no notes on {title!r}"
        assert all(notes_text(slide).strip() for slide in prs.slides)


@lru_cache(maxsize=1)
def library():
    from generator.build import load_structure

    return load_structure(LESSONS, dt.date.today(), False)[0]


def test_scenes_are_numbered_and_each_decision_waits_for_the_class(built):
    """Scene 1…N in order; each decision's options after its scene, the safest choice
    and why only on the slide after them, then the rest of the story."""
    lib = library()
    for path in decks(built):
        lesson, band = path.parent.parent.name, path.parent.name
        titles = [s.shapes.title.text_frame.text for s in opened(path).slides]
        slides = titled(opened(path))
        for scenario_id in lib.lessons[lesson].bands[band].scenarios:
            story = lib.scenarios[scenario_id]
            scenes = [titles.index(f"Scene {n}: {story.title}")
                      for n in range(1, len(story.scenes) + 1)]
            assert scenes == sorted(scenes)
            for k, decision in enumerate(story.decisions, 1):
                suffix = f" {k}" if len(story.decisions) > 1 else ""
                ask = titles.index(f"Decision{suffix}: {story.title}")
                answer = ask + 1
                assert titles[answer].startswith(f"The safest choice{suffix}: {story.title}")
                last = len(story.scenes)
                after = min(decision.after_scene or max(last - 1, 1), last)
                assert scenes[after - 1] < ask
                assert after == last or scenes[after] > answer
                safest = next(o for o in decision.options if o.safest)
                shown = slide_text(slides[titles[ask]])
                assert "safest" not in shown.lower()
                assert " ".join(decision.why.split())[:40] not in " ".join(shown.split())
                for option in decision.options:
                    assert option.choice in shown
                told_before = " ".join(slide_text(slides[t]) for t in titles[:ask])
                assert " ".join(decision.why.split())[:40] not in " ".join(told_before.split())
                revealed = " ".join(slide_text(slides[titles[answer]]).split())
                assert "Safest" in revealed and safest.choice in revealed
                assert " ".join(decision.why.split())[:40] in " ".join(
                    " ".join(slide_text(slides[t]) for t in titles[answer:answer + 3]).split())


def test_warning_signs_come_where_the_plan_spots_them(built):
    """A plan whose one warning-signs step covers both stories has every story told
    first, then every list to tick, then the answers; the answers never come before
    their list."""
    lib = library()
    for path in decks(built):
        lesson, band = path.parent.parent.name, path.parent.name
        plan = lib.lessons[lesson].bands[band]
        stories = [lib.scenarios[s] for s in plan.scenarios]
        titles = [s.shapes.title.text_frame.text for s in opened(path).slides]
        spots = [titles.index(f"Spot the warning signs: {s.title}") for s in stories]
        answers = [titles.index(f"The warning signs: {s.title}") for s in stories]
        assert all(spot < answer for spot, answer in zip(spots, answers)), path
        steps = [st for st in plan.activities if st.worksheet == "warning-signs"]
        if len(steps) == 1 and len(stories) > 1:
            last_scene = max(titles.index(f"Scene {len(s.scenes)}: {s.title}") for s in stories)
            assert last_scene < min(spots) and max(spots) < min(answers), path


def test_questions_are_in_the_notes_of_their_scene(built):
    lib = library()
    path = decks(built)[0]
    lesson, band = path.parent.parent.name, path.parent.name
    slides = titled(opened(path))
    for scenario_id in lib.lessons[lesson].bands[band].scenarios:
        story = lib.scenarios[scenario_id]
        last = len(story.scenes)
        for question in story.questions:
            scene = min(question.scene or last, last)
            notes = notes_text(slides[f"Scene {scene}: {story.title}"])
            assert question.ask in notes and question.draw_out[0] in notes


def test_signposting_names_the_force_and_its_local_number(tmp_path):
    profile = tmp_path / "force.yaml"
    profile.write_text(
        "force_name: Wessex Constabulary\n"
        "local_contacts:\n"
        "  - name: Wessex Police Schools Team\n"
        "    phone: 01632 960 123\n"
        "    web: wessex.police.example\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out), "--profile",
                     str(profile), "--lesson", "online-blackmail", "--band", "ks3",
                     "--jobs", "1")
    assert result.exit_code == 0, result.output
    slides = titled(opened(out / "online-blackmail" / "ks3" / "slides.pptx"))
    help_slides = [s for t, s in slides.items() if t.startswith("Where to get help")]
    shown = "\n".join(slide_text(s) for s in help_slides)
    assert "Wessex Police Schools Team: 01632 960 123" in shown
    assert "Childline: 0800 1111" in shown
    assert "Wessex Constabulary" in "\n".join(notes_text(s) for s in help_slides)
    title_slide = opened(out / "online-blackmail" / "ks3" / "slides.pptx").slides[0]
    assert "Wessex Constabulary" in slide_text(title_slide)


def test_the_force_logo_is_on_the_title_slide_with_alt_text(tmp_path):
    from PIL import Image

    Image.new("RGB", (200, 100), (20, 40, 90)).save(tmp_path / "crest.png")
    profile = tmp_path / "force.yaml"
    profile.write_text("force_name: Testshire Constabulary\nlogo: crest.png\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out), "--profile",
                     str(profile), "--lesson", "whos-really-there", "--band", "ks2", "--jobs", "1")
    assert result.exit_code == 0, result.output
    deck = opened(out / "whos-really-there" / "ks2" / "slides.pptx")
    pictures = [s for s in deck.slides[0].shapes if s.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE
    assert len(pictures) == 1
    logo = pictures[0]
    assert logo._element.xpath("./p:nvPicPr/p:cNvPr/@descr") == ["Testshire Constabulary logo"]
    assert logo.width == 2 * logo.height and logo.left + logo.width <= deck.slide_width
    assert deck.slides[0].shapes[0].shape_id == deck.slides[0].shapes.title.shape_id
    assert not any(s.shape_type == 13 for slide in list(deck.slides)[1:] for s in slide.shapes)


def test_two_builds_give_identical_bytes(tmp_path, built):
    out = tmp_path / "again"
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out), "--jobs", "1")
    assert result.exit_code == 0, result.output
    for path in decks(built):
        again = out / path.relative_to(built)
        assert again.read_bytes() == path.read_bytes(), path


def test_a_title_too_long_for_its_box_is_shortened_and_given_whole_below(tmp_path):
    mine = tmp_path / "templates"
    mine.mkdir()
    long_title = "Very long words " * 12
    (mine / "slides.xml.j2").write_text(
        f'<document><slide title="{long_title}"><p>x</p></slide>'
        f'<slide title="{long_title}"><p>y</p></slide></document>', encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out),
                     "--templates", str(mine), "--lesson", "online-blackmail", "--band", "ks3",
                     "--jobs", "1")
    assert result.exit_code == 0, result.output
    first, second = opened(out / "online-blackmail" / "ks3" / "slides.pptx").slides
    assert first.shapes.title.text_frame.text.startswith("Very long words Very")
    assert first.shapes.title.text_frame.text.endswith("…")
    assert second.shapes.title.text_frame.text.endswith("… (2)")
    body = [s for s in first.shapes if s.shape_id != first.shapes.title.shape_id][0]
    assert body.text_frame.paragraphs[0].text == long_title.strip()
    assert body.text_frame.paragraphs[0].runs[0].font.bold
    for slide in (first, second):
        for shape in slide.shapes:
            is_title = shape.shape_id == slide.shapes.title.shape_id
            used, box = _measure(shape, metrics.arial(), 36 if is_title else 24)
            assert used <= box + 0.5


@pytest.mark.parametrize("bad, message", [
    ('<slide title="x"><h1>Big</h1></slide>',
     "<h1>: not allowed on a slide, which holds only <p>, <ul>, <ol> and <notes>"),
    ('<slide title="x" layout="Two Content"><p>y</p></slide>',
     '<slide title="x" layout="Two Content">: layout must be one of Title Slide, Section '
     "Header, Title and Content, not 'Two Content'"),
    ('<slide title="x" body-size="12"><p>y</p></slide>',
     '<slide title="x" body-size="12">: body-size must be a whole number from 24 to 60, '
     "not '12'"),
    ('<slide title="x"><notes><box><p>y</p></box></notes></slide>',
     "<box>: speaker notes hold only <p>, <ul> and <ol>"),
])
def test_bad_slide_markup_is_one_line(tmp_path, bad, message):
    from generator.errors import display_path

    mine = tmp_path / "templates"
    mine.mkdir()
    path = mine / "slides.xml.j2"
    path.write_text(f"<document>\n{bad}\n</document>\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out),
                     "--templates", str(mine), "--lesson", "online-blackmail", "--band", "ks3",
                     "--jobs", "1")
    assert result.exit_code == 1
    assert result.output == f"{display_path(path)}:2: {message}\n"  # the line it is on
    assert not list(out.rglob("*.pptx"))


def test_a_block_a_slide_cannot_show_is_one_line(tmp_path):
    from generator.errors import display_path

    mine = tmp_path / "templates"
    mine.mkdir()
    path = mine / "slides.xml.j2"
    path.write_text("<document>\n<p>Not on a slide</p>\n</document>\n", encoding="utf-8")
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(tmp_path / "out"),
                     "--templates", str(mine), "--lesson", "online-blackmail", "--band", "ks3",
                     "--jobs", "1")
    assert result.exit_code == 1
    assert result.output == (f"{display_path(path)}: paragraph blocks cannot be made in a "
                             "slides document; remove them from this template\n")


def test_a_force_reference_deck_without_a_layout_is_named(tmp_path):
    from pptx import Presentation

    prs = Presentation(str(TEMPLATES / "reference.pptx"))
    prs.slide_layouts[0].name = "Cover"
    mine = tmp_path / "templates"
    mine.mkdir()
    prs.save(str(mine / "reference.pptx"))
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(tmp_path / "out"),
                     "--templates", str(mine), "--lesson", "online-blackmail", "--band", "ks3",
                     "--jobs", "1")
    assert result.exit_code == 1
    assert 'has no slide layout named "Title Slide"' in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_force_reference_deck_restyles_the_slides(tmp_path):
    """A force's own master: its background reaches every slide, its boxes are measured."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor

    prs = Presentation(str(TEMPLATES / "reference.pptx"))
    prs.slide_master.background.fill.solid()
    prs.slide_master.background.fill.fore_color.rgb = RGBColor(0xFF, 0xF8, 0xE7)
    for layout in prs.slide_layouts:
        for ph in layout.placeholders:
            if ph.placeholder_format.idx == 1:
                ph.width = ph.width // 2  # a narrower text box: more "(continued)" slides
    mine = tmp_path / "templates"
    mine.mkdir()
    prs.save(str(mine / "reference.pptx"))
    out = tmp_path / "out"
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out),
                     "--templates", str(mine), "--lesson", "online-blackmail", "--band", "ks2",
                     "--jobs", "1")
    assert result.exit_code == 0, result.output
    deck = opened(out / "online-blackmail" / "ks2" / "slides.pptx")
    assert deck.slide_master.background.fill.fore_color.rgb == RGBColor(0xFF, 0xF8, 0xE7)
    for slide in deck.slides:
        for shape in slide.shapes:
            is_title = shape.shape_id == slide.shapes.title.shape_id
            used, box = _measure(shape, metrics.arial(), 36 if is_title else 28)
            assert used <= box + 0.5


def test_committed_reference_matches_its_script(tmp_path):
    made = tmp_path / "reference.pptx"
    subprocess.run(["python", str(ROOT / "scripts" / "make_reference_pptx.py"), str(made)],
                   check=True, capture_output=True, cwd=ROOT)
    assert made.read_bytes() == (TEMPLATES / "reference.pptx").read_bytes()


def long_deck(folder: Path) -> Path:
    """A deck of one slide with far too much text for it, as the renderer makes it."""
    from generator.render import Assets, DocMeta, FontFiles, PageStyle
    from generator.render import markup as m
    from generator.render import pptx as renderer

    many = tuple(m.Paragraph((f"Line {n}: " + "a long sentence that wraps " * 4,))
                 for n in range(30))
    nodes = m.Document((m.Slide("A long read", "Title and Content", many,
                                (m.Paragraph(("Read it all.",)),), 28.0),), "t.xml.j2")
    assets = Assets(FontFiles(Path("r"), Path("b"), Path("f")),
                    references=(("reference.pptx", TEMPLATES / "reference.pptx"),))
    meta = DocMeta("T: slides", "S", "Force", "", "", "")
    path = folder / "long.pptx"
    path.write_bytes(renderer.render(nodes, meta, PageStyle(), assets))
    return path


def test_too_much_text_continues_on_more_slides_never_smaller(tmp_path):
    prs = opened(long_deck(tmp_path))
    titles = [s.shapes.title.text_frame.text for s in prs.slides]
    assert titles[0] == "A long read" and len(titles) > 2
    assert titles[1] == "A long read (continued)" and len(set(titles)) == len(titles)
    text = "\n".join(slide_text(s) for s in prs.slides)
    assert all(f"Line {n}:" in text for n in range(30))
    for slide in prs.slides:
        for shape in slide.shapes:
            used, box = _measure(shape, metrics.arial(), 36 if shape.shape_id ==
                                 slide.shapes.title.shape_id else 28)
            assert used <= box + 0.5
    assert "Read it all." in notes_text(prs.slides[-1])


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice (soffice) or poppler's pdftotext is not installed: "
                           "cannot check that Impress opens the deck and where it draws text")
def test_libreoffice_impress_converts_decks_with_every_word_inside_its_box(built, tmp_path):
    """As Impress draws them, a page per slide, and every word inside the boxes: none
    below the text box's foot or right of its edge (from the slides' own geometry)."""
    from pypdf import PdfReader

    decks = [long_deck(tmp_path)]
    for lesson, band in (("online-blackmail", "ks2"), ("pressure-images-help", "ks4")):
        decks.append(tmp_path / f"{lesson}-{band}.pptx")  # one PDF name each
        shutil.copyfile(built / lesson / band / "slides.pptx", decks[-1])
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"),
                    *map(str, decks)], check=True, capture_output=True, timeout=300)
    for path in decks:
        deck = opened(path)
        pdf_path = tmp_path / "pdf" / f"{path.stem}.pdf"
        pdf = PdfReader(pdf_path)
        assert len(pdf.pages) == len(deck.slides)
        first = " ".join(pdf.pages[0].extract_text().split())
        assert deck.slides[0].shapes.title.text_frame.text in first
        scale = float(pdf.pages[0].mediabox.width) / (deck.slide_width / EMU_PER_PT)
        boxes = [shape for slide in deck.slides for shape in slide.shapes
                 if shape.has_text_frame]
        bottom = max((s.top + s.height) / EMU_PER_PT for s in boxes) * scale
        right = max((s.left + s.width) / EMU_PER_PT for s in boxes) * scale
        words = subprocess.run(["pdftotext", "-bbox", str(pdf_path), "-"], check=True,
                               capture_output=True, text=True).stdout
        found = re.findall(r'xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', words)
        assert len(found) > 100
        outside = [(w, x, y) for x, y, w in found if float(x) > right or float(y) > bottom]
        assert outside == [], path


def test_arial_widths_come_from_arimo_regular_and_bold():
    """Arial's published advance widths (units per 2,048 em), regular and bold."""
    widths = metrics.arial()
    for char, regular, bold in (("A", 1366, 1479), ("a", 1139, 1139), ("W", 1933, 1933),
                                ("m", 1706, 1821), (" ", 569, 569), ("1", 1139, 1139)):
        assert widths.width(char, 2048) == pytest.approx(regular), char
        assert widths.width(char, 2048, bold=True) == pytest.approx(bold), char
    assert widths.width("北", 10) == 10  # a character Arial lacks: 1 em, as a CJK font sets it


def test_arimo_tables_read_as_fonttools_reads_them():
    """The struct reader gives fontTools' widths for every character (when fontTools is
    installed to compare with; lessonpack does not need it)."""
    ttlib = pytest.importorskip("fontTools.ttLib")
    from fontTools.varLib.models import normalizeLocation
    from fontTools.varLib.varStore import VarStoreInstancer

    font = ttlib.TTFont(str(metrics.font_file()))
    units, hmtx = font["head"].unitsPerEm, font["hmtx"].metrics
    axes = font["fvar"].axes
    location = normalizeLocation({"wght": 700}, {a.axisTag: (a.minValue, a.defaultValue,
                                                             a.maxValue) for a in axes})
    hvar = font["HVAR"].table
    deltas = VarStoreInstancer(hvar.VarStore, axes, location)
    mapping = hvar.AdvWidthMap.mapping if hvar.AdvWidthMap else None
    ours = metrics.arial()
    cmap = font.getBestCmap()
    assert set(ours.regular) == set(cmap)
    for code, glyph in cmap.items():
        assert ours.regular[code] == hmtx[glyph][0] / units
        index = mapping[glyph] if mapping else font.getGlyphID(glyph)  # outer 0, inner id
        bold = (hmtx[glyph][0] + deltas[index]) / units
        assert ours.width(chr(code), 1.0, bold=True) == pytest.approx(bold, abs=1e-9)


def test_large_print_slides_are_32_pt_and_still_fit(tmp_path):
    out = tmp_path / "out"
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out), "--large-print",
                     "--lesson", "whos-really-there", "--band", "ks3", "--jobs", "1")
    assert result.exit_code == 0, result.output
    deck = opened(out / "whos-really-there" / "ks3" / "slides-large-print.pptx")
    for slide in deck.slides:
        for shape in slide.shapes:
            is_title = shape.shape_id == slide.shapes.title.shape_id
            used, box = _measure(shape, metrics.arial(), 36 if is_title else 32)
            assert used <= box + 0.5
