"""The preview's HTML pages: the matrix, a pack's documents page by page, and the script
that refreshes an open page when a build ends."""

from __future__ import annotations

import os
import shutil
from html import escape
from typing import Optional
from urllib.parse import quote

from . import index
from .preview_build import PAGE_WIDTH, BuildState, Preview

CLIENT_JS = """
(function () {
  var seen = document.querySelector('meta[name="generation"]').content;
  function status(text) {
    var el = document.getElementById("lp-status");
    if (el) { el.textContent = text; }
  }
  function conversions() {
    document.querySelectorAll("[data-convert]").forEach(function (el) {
      var src = el.getAttribute("data-convert");
      el.removeAttribute("data-convert");
      fetch(src, {cache: "no-store"}).then(function (r) { return r.text(); })
        .then(function (html) { el.innerHTML = html; })
        .catch(function () { el.textContent = "Could not show this document."; });
    });
  }
  function refresh() {
    fetch(location.href, {cache: "no-store"}).then(function (r) { return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var meta = doc.querySelector('meta[name="generation"]');
        if (meta) { seen = meta.content;
          document.querySelector('meta[name="generation"]').content = seen; }
        document.body.innerHTML = doc.body.innerHTML;
        conversions();
      });
  }
  document.addEventListener("DOMContentLoaded", conversions);
  var events = new EventSource("/_events");
  events.addEventListener("building", function () { status("Building..."); });
  events.addEventListener("build", function (e) { if (e.data !== seen) { refresh(); }
                                                  else { status(""); } });
})();
"""


def _head(state: BuildState) -> str:
    return (f'<meta name="generation" content="{state.generation}">'
            f"<script>{CLIENT_JS}</script>")


def _status(state: BuildState, concerning: Optional[set[str]] = None) -> str:
    """The build's summary and its messages; on a pack page the messages about the pack
    first, under their own heading."""
    parts = [f'<p id="lp-status" aria-live="polite">{"Building..." if state.building else ""}</p>']
    css = "ok" if state.ok else "problems"
    parts.append(f'<p class="{css}">{escape(state.summary)}</p>')
    lines = state.lines
    if concerning is not None:
        mine = [line for line in lines if _concerns(line, concerning)]
        if mine:
            parts.append("<h2>Problems in this pack</h2>"
                         + index.problems_html(mine, "problems" if not state.ok else
                                               "problems warnings"))
        lines = [line for line in lines if line not in mine]
    if lines and not state.ok:
        parts.append("<h2>Every problem</h2>" + index.problems_html(lines))
    elif lines:  # warnings: folded, so the packs stay in view
        other = " in other packs" if concerning is not None else ""
        parts.append(f"<details><summary>{len(lines)} warning{'s' if len(lines) > 1 else ''}"
                     f"{other}</summary>{index.problems_html(lines, 'problems warnings')}"
                     "</details>")
    return "".join(parts)


def _concerns(line: str, concerning: set[str]) -> bool:
    """True when a message names one of the pack's input files or the pack's folder."""
    where = line.split(": ", 1)[0].split(":")[0].replace(os.sep, "/")
    for label in concerning:
        if label.endswith("/"):  # the pack folder
            if label in where + "/":
                return True
            continue
        suffix = label.split("/", 1)[-1]
        if where == suffix or where.endswith("/" + suffix) or where == label:
            return True
    return False


def matrix_page(preview: Preview) -> str:
    state = preview.state
    packs = preview.packs()
    body = ('<h1>Session packs: preview</h1>' + _status(state)
            + '<p>Open a pack to see its documents page by page. '
              '<a href="/index.html">index.html</a> is the page the build writes.</p>'
            + index.matrix_html(packs, pack_link=lambda p: "/_pack/" + quote(p.info.folder),
                                prefix="/"))
    return index.page("Session packs: preview", body, _head(state))


def pack_page(preview: Preview, folder: str) -> Optional[str]:
    packs = {p.info.folder: p for p in preview.packs()}
    pack = packs.get(folder)
    state = preview.state
    if pack is None:
        return None
    info = pack.info
    title = f"{info.lesson_title}: {info.band_name}"
    if info.section:
        title += f", {index.section_heading(info)}"
    parts = ['<p><a href="/">All packs</a></p>', f"<h1>{escape(title)}</h1>",
             _status(state, preview.pack_inputs(folder) | {folder + "/"}),
             '<h2>Documents</h2><ul class="inline">']
    parts += [f'<li><a href="#{escape(_anchor(n), quote=True)}">{escape(n.rsplit("/", 1)[-1])}'
              f'</a> (<a href="{index.href(n, "/")}" download>download</a>)</li>'
              for n in pack.documents]
    parts.append("</ul>")
    for name in pack.documents:
        parts.append(_document_html(preview, name))
    return index.page(title, "".join(parts), _head(state))


def _anchor(name: str) -> str:
    return "doc-" + name.rsplit("/", 1)[-1].replace(".", "-")


def _document_html(preview: Preview, name: str) -> str:
    file = name.rsplit("/", 1)[-1]
    head = (f'<section class="doc" id="{escape(_anchor(name), quote=True)}"><h2>{escape(file)}'
            f' <small>(<a href="{index.href(name, "/")}" download>download</a>)</small></h2>')
    path = preview.root / name
    if name.endswith(".pdf"):
        return head + pages_html(preview, name, path.read_bytes()) + "</section>"
    if name.endswith(".txt"):  # the email to paste: shown as it is
        return (head + f'<pre class="page-text">{escape(path.read_text(encoding="utf-8"))}'
                "</pre></section>")
    if shutil.which("soffice") or shutil.which("libreoffice"):
        return (head + f'<div data-convert="/_convert/{escape(quote(name), quote=True)}">'
                "Converting with LibreOffice...</div></section>")
    return (head + "<p>LibreOffice is not installed, so this document cannot be shown here: "
            f'<a href="{index.href(name, "/")}">download it</a>.</p></section>')


def pages_html(preview: Preview, name: str, pdf: bytes) -> str:
    version = index.sha256(pdf)[:12]
    file = name.rsplit("/", 1)[-1]
    parts = ['<div class="pages">']
    for number, (text, width, height) in enumerate(preview.pages(pdf), 1):
        src = f"/_page/{quote(name)}/{number}.png?v={version}"
        shown = round(PAGE_WIDTH * height / width)
        parts.append(f'<figure><img src="{escape(src, quote=True)}" loading="lazy" '
                     f'width="{PAGE_WIDTH}" height="{shown}" '
                     f'alt="{escape(file, quote=True)}, page {number}">'
                     f"<details><summary>Text of page {number}</summary>"
                     f'<pre class="page-text">{escape(text)}</pre></details></figure>')
    parts.append("</div>")
    return "".join(parts)
