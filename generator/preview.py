"""lessonpack preview: build, serve the output folder on 127.0.0.1, rebuild on save.

The server (http.server, one thread per request) shows:
- `/`: the programme matrix (index.py's), with the last build's problems on top;
- `/_pack/<pack folder>`: every document of the pack as page images (PDFs through
  pypdfium2; Word files and slides through LibreOffice when `soffice` is installed, else
  a download link), the problems that concern the pack, and download links;
- the files the build wrote (those manifest.json records), and nothing else: a path that
  leads outside the output folder, or to a file lessonpack did not write, is a 404.

Each build runs `lessonpack build` in a child process, as a user would, so bad content,
a crash or a leak in a build never reaches the server. watchfiles watches the content
folder, the templates folder and the profile; on a save the packs are built again (only
those that use a changed scenario or lesson, when that is all that changed) and every
open page is told through server-sent events (`/_events`), fetches itself again and
swaps its body. A failed build changes no file, so the last good pages stay beneath its
`file:line` messages. Ctrl-C stops the server and lets a build under way stop as a plain
build does (its own Ctrl-C), and waits for it.

Every text that reaches a page is escaped (html.escape).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Optional
from urllib.parse import quote, unquote, urlsplit

from . import index
from .output import MANIFEST

PAGE_WIDTH = 900  # pixels of a page image
NOTE_PREFIX = "No profile given"  # the build's note about the sample profile: not a problem

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


@dataclass
class BuildState:
    generation: int = 0
    building: bool = False
    ok: bool = True
    lines: list[str] = field(default_factory=list)  # the build's messages (stderr)
    summary: str = "Not built yet."
    seconds: float = 0.0


class Preview:
    """The build loop, the watcher and what the pages need from them."""

    def __init__(self, build_args: list[str], output_dir: Path, watch: list[Path]):
        self.build_args = build_args
        self.output_dir = output_dir
        self.root = output_dir.resolve()
        self.watch_paths = [p for p in watch if p.exists()]
        self.state = BuildState()
        self.changed = threading.Condition()
        self.stop = threading.Event()
        self.child: Optional[subprocess.Popen] = None
        self.render_lock = threading.Lock()  # pdfium is not thread-safe
        self.convert_lock = threading.Lock()
        self.images: OrderedDict[tuple, bytes] = OrderedDict()  # (sha, page, width) -> PNG
        self.texts: OrderedDict[str, list] = OrderedDict()  # sha -> each page's text and size
        self.converted: dict[str, bytes] = {}  # sha256 of a .docx/.pptx -> its PDF
        self.converting: Optional[subprocess.Popen] = None  # LibreOffice, when at work
        self.scratch = Path(tempfile.mkdtemp(prefix="lessonpack-preview-"))

    # --- building ---------------------------------------------------------------------

    def build(self, extra: tuple[str, ...] = ()) -> None:
        """Run `lessonpack build` once; remember its messages; tell the open pages."""
        with self.changed:
            self.state.building = True
            self.changed.notify_all()
        started = time.monotonic()
        command = [sys.executable, "-m", "generator", "build", *self.build_args, *extra]
        try:
            self.child = subprocess.Popen(command, stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True,
                                          start_new_session=True)
            out, err = self.child.communicate()
            code = self.child.returncode
            self.child = None  # (left set if interrupted, so that stop_build can stop it)
        except OSError as error:
            out, err, code = "", f"cannot run the build: {error}", 1
        lines = [line for line in err.splitlines()
                 if line.strip() and not line.startswith(NOTE_PREFIX)]
        with self.changed:
            state = self.state
            state.building, state.ok, state.lines = False, code == 0, lines
            state.seconds = time.monotonic() - started
            wrote = next((line for line in out.splitlines() if line.startswith("Wrote")), "")
            state.summary = (wrote if code == 0 else
                             "The build failed, so no file changed: fix the problems below; "
                             "the pages shown are the last good ones.")
            state.generation += 1
            self.changed.notify_all()

    def targeted(self, changes: set[Path]) -> tuple[str, ...]:
        """Options that build only the packs a change affects: those using the changed
        scenarios, or the changed lessons, when those are all that changed; else ()."""
        if not self.state.ok:
            return ()  # after a failure, build everything again
        options = []
        for path in changes:
            path = Path(path)
            if path.suffix != ".yaml" or not path.exists() \
                    or path.parent.name not in ("scenarios", "specs"):
                return ()
            if f"lessons/{path.parent.name}/{path.name}" not in self.known_inputs():
                return ()  # a new file: the whole build sees it
            options += ["--scenario" if path.parent.name == "scenarios" else "--lesson",
                        path.stem]
        kinds = {options[i] for i in range(0, len(options), 2)}
        return tuple(options) if len(kinds) == 1 else ()

    def known_inputs(self) -> set[str]:
        return {label for entry in self.manifest().get("files", {}).values()
                for label in entry.get("inputs", ())}

    def watch_loop(self) -> None:
        import watchfiles

        if not self.watch_paths:
            return
        for changes in watchfiles.watch(*self.watch_paths, stop_event=self.stop,
                                        debounce=300, step=50, rust_timeout=500,
                                        raise_interrupt=False):
            if self.stop.is_set():
                break
            self.build(self.targeted({Path(path) for _, path in changes}))

    def stop_build(self) -> None:
        """Ctrl-C for a build under way (it stops as a plain build would); wait for it."""
        self.stop.set()
        child = self.child
        if child is not None and child.poll() is None:
            child.send_signal(signal.SIGINT)
            try:
                child.wait(timeout=60)
            except subprocess.TimeoutExpired:
                child.kill()

    def _end_conversion(self) -> None:
        process = self.converting
        if process is not None and process.poll() is None:
            try:  # soffice is a script that starts soffice.bin: stop its whole group
                os.killpg(process.pid, signal.SIGKILL)
            except OSError:
                process.kill()
            process.wait(timeout=30)

    def close(self) -> None:
        """Stop a conversion under way, then remove the scratch folder."""
        self.stop.set()
        self._end_conversion()
        with self.convert_lock:  # a conversion that was stopped has let go of the folder
            shutil.rmtree(self.scratch, ignore_errors=True)

    # --- what the build wrote -----------------------------------------------------------

    def manifest(self) -> dict:
        try:
            return json.loads((self.root / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def served(self, url_path: str) -> Optional[Path]:
        """The file a URL path names, if the build wrote it and it lies inside the
        output folder; else None."""
        name = unquote(url_path).lstrip("/")
        if not name or "\0" in name:
            return None
        try:
            path = (self.root / name).resolve()
        except (OSError, ValueError):
            return None
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        relative = path.relative_to(self.root).as_posix()
        manifest = self.manifest()
        if relative in manifest.get("files", {}) or relative in manifest.get("index", {}):
            return path
        return None

    def packs(self) -> list[index.Pack]:
        return index.collect_packs(self.root, self.manifest().get("files", {}))

    def pack_inputs(self, folder: str) -> set[str]:
        files = self.manifest().get("files", {})
        return {label for name, entry in files.items() if name.startswith(folder + "/")
                for label in entry.get("inputs", ())}

    # --- page images --------------------------------------------------------------------

    def pdf_bytes(self, path: Path) -> Optional[bytes]:
        """The PDF to show for a document: itself, or its LibreOffice conversion."""
        data = path.read_bytes()
        if path.suffix == ".pdf":
            return data
        return self.converted.get(index.sha256(data))

    def convert(self, path: Path) -> Optional[bytes]:
        """A .docx or .pptx as PDF, through LibreOffice (None without it)."""
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice is None:
            return None
        data = path.read_bytes()
        digest = index.sha256(data)
        with self.convert_lock:
            if digest in self.converted:
                return self.converted[digest]
            if self.stop.is_set():  # stopping: the scratch folder is going
                return None
            work = self.scratch / digest[:16]
            work.mkdir(exist_ok=True)
            source = work / path.name
            source.write_bytes(data)
            profile = (self.scratch / "lo-profile").as_uri()
            own_tmp = self.scratch / "tmp"  # LibreOffice's temporary files, gone with it
            own_tmp.mkdir(exist_ok=True)
            try:
                self.converting = subprocess.Popen(
                    [soffice, f"-env:UserInstallation={profile}", "--headless",
                     "--convert-to", "pdf", "--outdir", str(work), str(source)],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                    env={**os.environ, "TMPDIR": str(own_tmp)}, start_new_session=True)
                self.converting.wait(timeout=180)
            except (OSError, subprocess.TimeoutExpired):
                self._end_conversion()
                return None
            finally:
                self.converting = None
            pdf = work / (path.stem + ".pdf")
            if not pdf.exists():
                return None
            self.converted[digest] = pdf.read_bytes()
            shutil.rmtree(work, ignore_errors=True)
            while len(self.converted) > 64:
                self.converted.pop(next(iter(self.converted)))
            return self.converted[digest]

    def pages(self, pdf: bytes) -> list[tuple[str, float, float]]:
        """The text, width and height (points) of each page."""
        import pypdfium2 as pdfium

        key = index.sha256(pdf)
        with self.render_lock:
            if key in self.texts:
                self.texts.move_to_end(key)
                return self.texts[key]
            document = pdfium.PdfDocument(pdf)
            try:
                pages = []
                for page in document:
                    textpage = page.get_textpage()
                    pages.append((textpage.get_text_range(), *page.get_size()))
                    textpage.close()
                    page.close()
            finally:
                document.close()
            self.texts[key] = pages
            while len(self.texts) > 200:
                self.texts.popitem(last=False)
            return pages

    def page_png(self, pdf: bytes, number: int) -> bytes:
        key = (index.sha256(pdf), number, PAGE_WIDTH)
        with self.render_lock:
            if key in self.images:
                self.images.move_to_end(key)
                return self.images[key]
            png = index.render_page_png(pdf, number, PAGE_WIDTH, optimize=False)
            self.images[key] = png
            while len(self.images) > 150:  # about 30 MB at most
                self.images.popitem(last=False)
            return png


# --- pages ----------------------------------------------------------------------------------

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
        return head + _pages_html(preview, name, path.read_bytes()) + "</section>"
    if shutil.which("soffice") or shutil.which("libreoffice"):
        return (head + f'<div data-convert="/_convert/{escape(quote(name), quote=True)}">'
                "Converting with LibreOffice...</div></section>")
    return (head + "<p>LibreOffice is not installed, so this document cannot be shown here: "
            f'<a href="{index.href(name, "/")}">download it</a>.</p></section>')


def _pages_html(preview: Preview, name: str, pdf: bytes) -> str:
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


# --- the server ------------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    preview: Preview  # set on the subclass made for each server
    server_version = "lessonpack-preview"

    def log_message(self, format, *args):  # quiet: the terminal shows the builds
        pass

    def do_GET(self):
        try:
            self.route()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def route(self):
        path = urlsplit(self.path).path
        preview = self.preview
        if path == "/":
            return self.send_html(matrix_page(preview))
        if path == "/_events":
            return self.events()
        if path.startswith("/_pack/"):
            html = pack_page(preview, unquote(path[len("/_pack/"):]).strip("/"))
            return self.send_html(html) if html else self.not_found()
        if path.startswith("/_page/"):
            return self.page_image(unquote(path[len("/_page/"):]))
        if path.startswith("/_convert/"):
            return self.converted(path[len("/_convert/"):])
        file = preview.served(path)
        if file is None:
            return self.not_found()
        self.send_bytes(file.read_bytes(), _content_type(file.name))

    def page_image(self, rest: str):
        name, _, page = rest.rpartition("/")
        file = self.preview.served(quote(name))
        number = page.removesuffix(".png")
        pdf = self.preview.pdf_bytes(file) if file else None
        if pdf is None or not number.isdigit():
            return self.not_found()
        try:
            png = self.preview.page_png(pdf, int(number) - 1)
        except Exception:  # no such page
            return self.not_found()
        self.send_bytes(png, "image/png")

    def converted(self, rest: str):
        file = self.preview.served(rest)
        if file is None or file.suffix not in (".docx", ".pptx"):
            return self.not_found()
        pdf = self.preview.convert(file)
        name = file.relative_to(self.preview.root).as_posix()
        if pdf is None:
            html = (f'<p>LibreOffice could not show this document: <a href="'
                    f'{index.href(name, "/")}">download it</a>.</p>')
        else:
            html = _pages_html(self.preview, name, pdf)
        self.send_bytes(html.encode("utf-8"), "text/html; charset=utf-8")

    def events(self):
        """Server-sent events: 'building' when a build starts, 'build' with its number
        when it ends; a comment now and then keeps the connection open."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        preview = self.preview
        sent = None
        while not preview.stop.is_set():
            with preview.changed:
                state = preview.state
                now = (state.generation, state.building)
                if now == sent:
                    preview.changed.wait(timeout=10)
                    state = preview.state
                    now = (state.generation, state.building)
            if now == sent:
                self.wfile.write(b": still here\n\n")
            else:
                kind = "building" if now[1] else "build"
                self.wfile.write(f"event: {kind}\ndata: {now[0]}\n\n".encode())
                sent = now
            self.wfile.flush()

    def send_html(self, html: str):
        self.send_bytes(html.encode("utf-8"), "text/html; charset=utf-8")

    def send_bytes(self, data: bytes, content_type: str):
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def not_found(self):
        data = b"Not found\n"
        self.send_response(HTTPStatus.NOT_FOUND)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _content_type(name: str) -> str:
    return {
        ".html": "text/html; charset=utf-8", ".png": "image/png", ".pdf": "application/pdf",
        ".json": "application/json",
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    }.get(Path(name).suffix, "application/octet-stream")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve(build_args: list[str], output_dir: Path, watch: list[Path], host: str, port: int,
          open_browser: bool, echo) -> None:
    """Build, serve until Ctrl-C, rebuilding on every save."""
    preview = Preview(build_args, output_dir, watch)
    handler = type("PreviewHandler", (Handler,), {"preview": preview})
    try:
        server = Server((host, port), handler)
    except OSError as err:
        from .errors import LessonpackError

        raise LessonpackError(f"cannot serve on {host}:{port} ({err.strerror or err}); "
                              "choose another --port") from None
    url = f"http://{host if ':' not in host else f'[{host}]'}:{server.server_address[1]}/"
    threads = [threading.Thread(target=server.serve_forever, name="server", daemon=True)]
    threads[0].start()
    try:
        echo(f"Building, then serving the packs on {url} (Ctrl-C stops)")
        preview.build()
        _echo_state(preview, echo)
        if open_browser and _has_display():
            import webbrowser

            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        elif open_browser:
            echo(f"No display to open a browser on: open {url} yourself.")
        echo(f"Serving {url}; watching {', '.join(str(p) for p in preview.watch_paths)}")
        last = preview.state.generation
        watcher = threading.Thread(target=preview.watch_loop, name="watch", daemon=True)
        watcher.start()
        while watcher.is_alive():
            watcher.join(timeout=0.5)
            if preview.state.generation != last and not preview.state.building:
                last = preview.state.generation
                _echo_state(preview, echo)
    except KeyboardInterrupt:
        echo("Stopping...")
    finally:
        if threading.current_thread() is threading.main_thread():
            # A second Ctrl-C must not cut the clean-up short; it is bounded in time.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        preview.stop_build()
        with preview.changed:
            preview.changed.notify_all()
        server.shutdown()
        server.server_close()
        preview.close()
    echo("Stopped.")


def _has_display() -> bool:
    """False on a Linux console or over plain SSH, where Python would start a text-mode
    browser in the terminal the server writes to."""
    if not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _echo_state(preview: Preview, echo) -> None:
    state = preview.state
    echo(f"Build {state.generation}: {state.summary} ({state.seconds:.1f} s)")
    for line in state.lines:
        echo(line, err=True)
