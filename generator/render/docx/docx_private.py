"""The Word renderer's uses of python-docx internals (not its public API), kept in this
one module so a python-docx upgrade is checked in one place; pyproject.toml bounds it
below 2. Each, and why:

- docx.table._Cell: the type of a table cell; python-docx exports no public name for
  it, and cells made straight from XML (a row at a time, for speed) need wrapping.
- ._element of a paragraph, table, row or cell: the XML under it. Paragraphs, runs,
  rows and cells are written with lxml directly; python-docx's own API inserts each
  element by scanning for its schema-ordered siblings, slow for thousands of them.
- Document._body: the body as a container, to wrap a paragraph made from XML.
- PackageWriter's _write_* steps (package_entries): the package's parts handed to a
  collector instead of a zip file. doc.save() followed by a deterministic re-zip gives
  byte-identical files but costs about 6 ms more per document (13 ms against 7 ms for
  a discussion guide, a fifth of its whole render): the package would be compressed,
  read back and compressed again.
"""

from __future__ import annotations

from docx.table import _Cell as Cell


def xml(obj):
    """The lxml element under a python-docx paragraph, table, row or cell."""
    return obj._element


def body_of(doc):
    """A document's body, as python-docx's block container."""
    return doc._body


def new_cell(tc, table) -> Cell:
    """python-docx's cell object for a w:tc element in `table`."""
    return Cell(tc, table)


def is_cell(container) -> bool:
    return isinstance(container, Cell)


def package_entries(doc) -> dict[str, bytes]:
    """What doc.save() would zip, by zip entry name, uncompressed: python-docx's own
    package writer steps, handed a collector instead of a zip file."""
    from docx.opc.pkgwriter import PackageWriter

    entries: dict[str, bytes] = {}

    class Collector:
        def write(self, pack_uri, blob: bytes) -> None:
            entries[pack_uri.membername] = blob

    package, collector = doc.part.package, Collector()
    for part in package.parts:
        part.before_marshal()
    PackageWriter._write_content_types_stream(collector, package.parts)
    PackageWriter._write_pkg_rels(collector, package.rels)
    PackageWriter._write_parts(collector, package.parts)
    return entries
