"""lessonpack's block markup as Markdown, so a peer tool (pandoc) can be timed making
the same discussion guide. Only what the guides use needs to be faithful."""

from __future__ import annotations

import re

from generator.render import markup as m

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def to_markdown(doc: m.Document) -> str:
    return "\n\n".join(_block(node) for node in doc.blocks) + "\n"


def _block(node: m.Block) -> str:
    if isinstance(node, m.Heading):
        return "#" * node.level + " " + _inline(node.content)
    if isinstance(node, (m.Paragraph, m.Answer)):
        return _inline(node.content)
    if isinstance(node, m.ListBlock):
        marker = "1." if node.numbered else "-"
        return "\n".join(f"{marker} {_inline(li)}" for li in node.items)
    if isinstance(node, m.Checklist):
        return "\n".join(f"- [{'x' if item.checked else ' '}] {_inline(item.content)}"
                         for item in node.items)
    if isinstance(node, m.Table):
        rows = [[_inline(cell.content) for cell in row.cells] for row in node.rows]
        header, body = rows[0], rows[1:]
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in body])
    if isinstance(node, (m.Box, m.Note)):
        inner = [f"**{_escape(node.title or '')}**"] + [_block(child) for child in node.blocks]
        return "\n>\n".join("> " + part.replace("\n", "\n> ") for part in inner)
    if isinstance(node, m.Lines):
        return "\n\n".join("\\_" * 40 for _ in range(node.count))
    return ""  # pagebreak


def _inline(content: m.Inline) -> str:
    parts = []
    for item in content:
        if isinstance(item, str):
            parts.append(_escape(item))
        elif isinstance(item, m.Bold):
            parts.append(f"**{_inline(item.content).strip()}**")
    return " ".join("".join(parts).split())


def _escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)
