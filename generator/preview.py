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

This module is the server and its events; preview_build.py runs the builds and the
watcher, preview_pages.py writes the pages.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from . import index
from .preview_build import Preview
from .preview_pages import matrix_page, pack_page, pages_html


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
            html = pages_html(self.preview, name, pdf)
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
        ".json": "application/json", ".txt": "text/plain; charset=utf-8",
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
