"""Formats are chosen by name from one table: a new format is one renderer module and
one registry line (plus its documents and templates), and nothing outside the
renderers names a renderer module."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from conftest import LESSONS, ROOT, run_cli
from generator import documents as documents_module
from generator.documents import Document
from generator.render import registry

PLAIN_TEXT_RENDERER = '''
from generator.render import markup as m


def render(nodes, meta, page, assets):
    def text(content):
        return "".join(i if isinstance(i, str) else "\\n" if isinstance(i, m.Break)
                       else text(i.content) for i in content)

    lines = [meta.title]
    for node in nodes.blocks:
        if isinstance(node, (m.Heading, m.Paragraph)):
            lines.append(" ".join(text(node.content).split()))
    return "\\n".join(lines).encode()
'''


def test_a_new_format_is_one_module_and_one_registry_line(tmp_path, monkeypatch):
    (tmp_path / "plaintext_renderer.py").write_text(PLAIN_TEXT_RENDERER, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(registry.FORMATS, "txt", registry.Format("txt", "plaintext_renderer"))
    monkeypatch.setattr(documents_module, "DOCUMENTS", documents_module.DOCUMENTS + (
        Document("lesson-plan", "txt", "lesson-plan.xml.j2", "lesson plan"),))
    out = tmp_path / "out"
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out),
                     "--lesson", "online-blackmail", "--band", "ks3", "--jobs", "1")
    assert result.exit_code == 0, result.output
    text = (out / "online-blackmail" / "ks3" / "lesson-plan.txt").read_text(encoding="utf-8")
    assert text.startswith("Online blackmail") and "lesson plan" in text.splitlines()[0]
    sys.modules.pop("plaintext_renderer", None)


def test_only_the_registry_names_renderer_modules():
    pattern = re.compile(r"render\.(pdf|docx)\b|from \.render import .*\b(pdf|docx)\b")
    for path in sorted((ROOT / "generator").rglob("*.py")):
        if "render" in path.relative_to(ROOT / "generator").parts[:1]:
            continue
        assert not pattern.search(path.read_text(encoding="utf-8")), path


def test_every_format_renders_through_the_same_signature():
    for fmt in registry.FORMATS.values():
        assert Path(registry.renderer(fmt.name).__code__.co_filename).is_file()
        assert registry.renderer(fmt.name).__code__.co_varnames[:4] == (
            "nodes", "meta", "page", "assets")


def test_the_reference_document_is_found_the_same_way_in_an_installed_copy(tmp_path,
                                                                          monkeypatch):
    """An installed copy has no templates/ beside the package, only generator/bundled/."""
    from generator import resources

    installed = tmp_path / "site-packages" / "generator"
    bundled = installed / "bundled" / "templates"
    bundled.mkdir(parents=True)
    (bundled / "reference.docx").write_bytes((ROOT / "templates" / "reference.docx").read_bytes())
    monkeypatch.setattr(resources, "PACKAGE", installed)
    monkeypatch.chdir(tmp_path)  # no ./templates here
    assets = resources.assets(resources.template_search_path(None))
    assert assets.reference("reference.docx") == bundled / "reference.docx"
    mine = tmp_path / "my-templates"
    mine.mkdir()
    (mine / "reference.docx").write_bytes(b"a force's own")
    assets = resources.assets(resources.template_search_path(mine))
    assert assets.reference("reference.docx") == mine / "reference.docx"
