"""lessonpack's block markup as Markdown, so a peer tool (pandoc) can be timed making
the same discussion guide. Only what the guides use needs to be faithful."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def to_markdown(root: ET.Element) -> str:
    return "\n\n".join(_block(child) for child in root) + "\n"


def _block(el: ET.Element) -> str:
    if el.tag in ("h1", "h2", "h3"):
        return "#" * int(el.tag[1]) + " " + _inline(el)
    if el.tag in ("p", "answer"):
        return _inline(el)
    if el.tag in ("ul", "ol"):
        marker = "-" if el.tag == "ul" else "1."
        return "\n".join(f"{marker} {_inline(li)}" for li in el)
    if el.tag == "checklist":
        return "\n".join(f"- [{'x' if item.get('checked') else ' '}] {_inline(item)}"
                         for item in el)
    if el.tag == "table":
        rows = [[_inline(cell) for cell in row] for row in el]
        header, body = rows[0], rows[1:]
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in body])
    if el.tag in ("box", "note"):
        inner = [f"**{_escape(el.get('title', ''))}**"] + [_block(child) for child in el]
        return "\n>\n".join("> " + part.replace("\n", "\n> ") for part in inner)
    if el.tag == "lines":
        return "\n\n".join("\\_" * 40 for _ in range(int(el.get("count", "1"))))
    return ""  # pagebreak


def _inline(el: ET.Element) -> str:
    parts = [_escape(el.text or "")]
    for child in el:
        parts.append(f"**{_inline(child).strip()}**" if child.tag == "b" else _inline(child))
        parts.append(_escape(child.tail or ""))
    return " ".join("".join(parts).split())


def _escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)
