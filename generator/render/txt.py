"""Plain-text renderer: one document in block markup -> UTF-8 text (an email to paste).

Each block is a paragraph of its own, blocks apart by one blank line; a paragraph is one
line however long (the mail program wraps it), a <br/> starts a new line. Headings are a
line of their own, lists are "- item" or "1. item", fields "Label: value" (a blank to fill
in when empty), tables a row a line with " | " between cells. Bold is dropped: plain text
has no emphasis that reads well in every mail program. Line ends are "\\n" only, the text
ends with one, and the same nodes always give the same bytes.
"""

from __future__ import annotations

from . import markup as m

BLANK = "____________"  # a field left to fill in


def render(nodes: m.Document, meta, page, assets) -> bytes:
    """Render one block-markup document as plain text."""
    paragraphs = _blocks(nodes.blocks, nodes.source)
    return ("\n\n".join(p for p in paragraphs if p) + "\n").encode("utf-8")


def _text(content: m.Inline) -> str:
    """Inline content as lines (a <br/> starts one): whitespace collapsed, bold dropped."""
    lines: list[list[str]] = [[]]

    def walk(items: m.Inline) -> None:
        for item in items:
            if isinstance(item, str):
                lines[-1].append(item)
            elif isinstance(item, m.Break):
                lines.append([])
            else:
                walk(item.content)

    walk(content)
    return "\n".join(" ".join("".join(line).split()) for line in lines)


def _blocks(blocks: tuple[m.Block, ...], source: str) -> list[str]:
    out: list[str] = []
    for node in blocks:
        out += _block(node, source)
    return out


def _block(node: m.Block, source: str) -> list[str]:
    if isinstance(node, (m.Heading, m.Paragraph, m.Answer)):
        return [_text(node.content)]
    if isinstance(node, m.ListBlock):
        return ["\n".join(f"{f'{n}.' if node.numbered else '-'} {_text(item)}"
                          for n, item in enumerate(node.items, 1))]
    if isinstance(node, m.Fields):
        return ["\n".join(f"{f.label}: {' '.join(f.value.split()) or BLANK}"
                          for f in node.fields)]
    if isinstance(node, m.Table):
        return ["\n".join(" | ".join(cell.tick.label if cell.tick else _text(cell.content)
                                     for cell in row.cells) for row in node.rows)]
    if isinstance(node, m.Checklist):
        return ["\n".join(f"[{'x' if item.checked else ' '}] {_text(item.content)}"
                          for item in node.items)]
    if isinstance(node, m.Lines):
        return ["\n".join(BLANK * 4 for _ in range(node.count))]
    if isinstance(node, (m.Box, m.Note)):
        return ([node.title] if node.title else []) + _blocks(node.blocks, source)
    if isinstance(node, m.Columns):
        return [text for column in node.columns for text in _blocks(column, source)]
    if isinstance(node, m.PageBreak):
        return []
    raise m.unsupported(node, "plain text", source)
