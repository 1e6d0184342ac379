"""The preview's build loop and watcher, and what its pages read from the build: the
files it wrote (and nothing else), and their pages as text and images."""

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
from pathlib import Path
from typing import Optional
from urllib.parse import unquote

from . import index
from .output import MANIFEST

PAGE_WIDTH = 900  # pixels of a page image
NOTE_PREFIX = "No profile given"  # the build's note about the sample profile: not a problem


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
