"""The reference document (templates/reference.docx or a force's own): read and checked
once per process, then copied for each document with its sample body cleared and the
page style (paper, sizes, spacing, language, dyslexia-friendly options) applied."""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Twips

from ...errors import ReferenceDocError, display_path
from ...resources import bundled
from .. import PageStyle


BUNDLED_REFERENCE = bundled("templates") / "reference.docx"

# Styles the renderer applies; a reference document must define all of them.
REQUIRED_STYLES = (
    "Normal",
    "Heading 1",
    "Heading 2",
    "Heading 3",
    "List Bullet",
    "List Number",
    "Table Grid",
    "Answer",
    "Note",
    "Small",
    "Checklist",
    "Write-in Line",
    "Box",
)
# Used when present: a reference saved from Word may lack them, and plain text is fine.
OPTIONAL_STYLES = ("Header", "Footer")

PAPER_TWIPS = {"a4": (11906, 16838), "letter": (12240, 15840)}
CREAM = "FFF8E7"  # page colour for the dyslexia-friendly option
LETTER_SPACING_TWIPS = 12  # +0.6 pt between letters for the dyslexia-friendly option


# --- reference document ------------------------------------------------------------


@dataclass(frozen=True)
class _Reference:
    doc: object  # the parsed reference document: callers change a copy, never this one
    style_ids: dict[str, str]  # style name -> id, for the styles the renderer applies

def _reference(path: Path) -> _Reference:
    """The reference document, read and checked once per process (per version)."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        raise ReferenceDocError(
            f"{display_path(path)}: the Word reference document was not found"
        ) from None
    return _load_reference(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _load_reference(path: str, _mtime_ns: int, _size: int):
    # mtime and size are in the key so an edited reference is read again.
    shown = display_path(path)
    data = Path(path).read_bytes()
    try:
        doc = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several types for a bad package
        raise ReferenceDocError(
            f"{shown}: not a Word document (.docx); save it from Word as 'Word Document'"
            f" ({type(exc).__name__}: {exc})"
        ) from None
    missing = [name for name in REQUIRED_STYLES if name not in doc.styles]
    if missing:
        names = ", ".join(f"'{name}'" for name in missing)
        plural, it = ("styles", "them") if len(missing) > 1 else ("style", "it")
        raise ReferenceDocError(
            f"{shown}: the Word reference document has no {plural} {names}; add {it} in"
            " Word (or start again from the bundled templates/reference.docx)"
        )
    # Looked up once: python-docx finds a style by name by scanning every style.
    present = [name for name in OPTIONAL_STYLES if name in doc.styles]
    return _Reference(doc, {name: doc.styles[name].style_id
                            for name in (*REQUIRED_STYLES, *present)})


def _clear_body(doc) -> None:
    """Drop the reference's sample content; keep the final sectPr (page set-up, headers)."""
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _apply_page_style(doc, page: PageStyle, lang: str) -> None:
    """Paper, body size, line spacing, language and the dyslexia-friendly options."""
    width, height = PAPER_TWIPS[page.paper]
    for section in doc.sections:
        section.page_width, section.page_height = Twips(width), Twips(height)

    styles_el = doc.styles.element
    _scale_font_sizes(styles_el, page.body_size / _base_size(doc) if page.body_size else 1)
    defaults_ppr = _doc_defaults(styles_el, "w:pPrDefault", "w:pPr")
    _set_line_spacing(defaults_ppr, page.leading)
    normal_ppr = doc.styles["Normal"].element.pPr
    if normal_ppr is not None and normal_ppr.find(qn("w:spacing")) is not None:
        _set_line_spacing(normal_ppr, page.leading)

    defaults_rpr = _doc_defaults(styles_el, "w:rPrDefault", "w:rPr")
    lang_el = defaults_rpr.find(qn("w:lang"))
    if lang_el is None:
        lang_el = OxmlElement("w:lang")
        defaults_rpr.append(lang_el)  # w:lang is last but for eastAsianLayout/specVanish
    lang_el.set(qn("w:val"), lang)

    if page.dyslexia_friendly:
        spacing = defaults_rpr.find(qn("w:spacing"))
        if spacing is None:
            spacing = OxmlElement("w:spacing")
            defaults_rpr.insert_element_before(
                spacing, "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight",
                "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl",
                "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath",
            )
        spacing.set(qn("w:val"), str(LETTER_SPACING_TWIPS))
        _set_page_colour(doc, CREAM)


def _base_size(doc) -> float:
    """The reference's body size in points: Normal's, else the defaults', else Word's 10."""
    for rpr in (doc.styles["Normal"].element.rPr,
                _doc_defaults(doc.styles.element, "w:rPrDefault", "w:rPr")):
        sz = rpr.find(qn("w:sz")) if rpr is not None else None
        if sz is not None:
            return int(sz.get(qn("w:val"))) / 2
    return 10.0


def _scale_font_sizes(styles_el, factor: float) -> None:
    """Scale every size in the styles so headings keep their proportion to the body."""
    if abs(factor - 1) < 1e-6:
        return
    for tag in ("w:sz", "w:szCs"):
        for el in styles_el.iter(qn(tag)):
            el.set(qn("w:val"), str(max(2, round(int(el.get(qn("w:val"))) * factor))))


def _doc_defaults(styles_el, outer: str, inner: str):
    """w:docDefaults/<outer>/<inner>, created if the reference lacks it."""
    defaults = styles_el.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles_el.insert(0, defaults)
    holder = defaults.find(qn(outer))
    if holder is None:
        holder = OxmlElement(outer)
        if outer == "w:rPrDefault":
            defaults.insert(0, holder)
        else:
            defaults.append(holder)
    el = holder.find(qn(inner))
    if el is None:
        el = OxmlElement(inner)
        holder.append(el)
    return el


def _set_line_spacing(ppr, leading: float) -> None:
    spacing = ppr.find(qn("w:spacing"))
    if spacing is None:
        spacing = OxmlElement("w:spacing")
        ppr.insert_element_before(
            spacing, "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap",
            "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
            "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
        )
    spacing.set(qn("w:line"), str(round(240 * leading)))
    spacing.set(qn("w:lineRule"), "auto")


def _set_page_colour(doc, colour: str) -> None:
    """A page background (w:background) that Word shows once displayBackgroundShape is on."""
    document = doc.element
    background = document.find(qn("w:background"))
    if background is None:
        background = OxmlElement("w:background")
        document.insert(0, background)
    background.set(qn("w:color"), colour)
    settings = doc.settings.element
    if settings.find(qn("w:displayBackgroundShape")) is None:
        settings.insert_element_before(
            OxmlElement("w:displayBackgroundShape"),
            *[f"w:{t}" for t in _SETTINGS_AFTER_BACKGROUND],
        )


# CT_Settings children that follow displayBackgroundShape (schema order matters to Word).
_SETTINGS_AFTER_BACKGROUND = (
    "printPostScriptOverText printFractionalCharacterWidth printFormsData embedTrueTypeFonts "
    "embedSystemFonts saveSubsetFonts saveFormsData mirrorMargins alignBordersAndEdges "
    "bordersDoNotSurroundHeader bordersDoNotSurroundFooter gutterAtTop hideSpellingErrors "
    "hideGrammaticalErrors activeWritingStyle proofState formsDesign attachedTemplate "
    "linkStyles stylePaneFormatFilter stylePaneSortMethod documentType mailMerge "
    "revisionView trackRevisions doNotTrackMoves doNotTrackFormatting documentProtection "
    "autoFormatOverride styleLockTheme styleLockQFSet defaultTabStop"
).split()


def _text_width(section) -> int:
    """Width between the margins, in twips."""
    return int((section.page_width - section.left_margin - section.right_margin) / 635)
