"""How long `lessonpack preview` takes from a saved scenario to the refreshed page, and how
much memory the server holds over many saves.

    python bench/preview.py               # 10 timed saves, then 50 saves for memory
    python bench/preview.py --saves 5 --memory-saves 20

On a copy of the bundled content, the preview serves every pack. Each save changes one
scenario's title; the time is from the write to the moment the pack page (asked for as the
open page asks, once told by /_events that the build ended) shows the new title. The
yardstick is a one-pack build after the same change: a fresh `lessonpack build --scenario
ID` process (the packs that use it), timed alike. Memory is the server process's peak
resident size (VmHWM) after the saves; each build runs in a child process of its own.
"""

from __future__ import annotations

import argparse
import http.client
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = "profile-drawing-friend"
PACK = "/_pack/whos-really-there/ks2"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        connection.request("GET", path)
        return connection.getresponse().read().decode("utf-8", "replace")
    finally:
        connection.close()


def set_title(site: Path, title: str) -> None:
    path = site / "lessons" / "scenarios" / f"{SCENARIO}.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("title: "))
    lines[index] = f"title: {title}\n"
    path.write_text("".join(lines), encoding="utf-8")


def wait_for(port: int, path: str, text: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if text in get(port, path):
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"{text!r} never appeared at {path}")


def peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def one_pack_build(site: Path, title: str) -> float:
    set_title(site, title)
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "generator", "build", "--lessons",
                    str(site / "lessons"), "--output", str(site / "output"), "--scenario",
                    SCENARIO], cwd=site, check=True, capture_output=True)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--saves", type=int, default=10)
    parser.add_argument("--memory-saves", type=int, default=50)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lessonpack-bench-preview-"))
    try:
        shutil.copytree(ROOT / "lessons", work / "lessons")
        subprocess.run([sys.executable, "-m", "generator", "build", "--lessons",
                        str(work / "lessons"), "--output", str(work / "output")], cwd=work,
                       check=True, capture_output=True)
        builds = [one_pack_build(work, f"One-pack build {n}") for n in range(args.saves)]
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "generator", "preview", "--no-browser", "--port", str(port),
             "--lessons", str(work / "lessons"), "--output", str(work / "output")],
            cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(port, "/", 'name="generation" content="1"')
            get(port, PACK)  # the page is open
            saves = []
            for n in range(args.saves + args.memory_saves):
                title = f"Preview save {n}"
                started = time.monotonic()
                set_title(work, title)
                wait_for(port, PACK, title)
                if n < args.saves:
                    saves.append(time.monotonic() - started)
            memory = peak_memory_mb(server.pid)
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=120)
        build, save = statistics.median(builds), statistics.median(saves)
        print(f"one-pack build (--scenario {SCENARIO}), median of {len(builds)}: {build:.2f} s")
        print(f"save to refreshed pack page, median of {len(saves)}:        {save:.2f} s "
              f"({save / build:.2f}x; the aim is at most 1.5x)")
        print(f"preview server's peak memory after {len(saves) + args.memory_saves} saves: "
              f"{memory:.0f} MB (the aim is under 200 MB)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
