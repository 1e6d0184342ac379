"""lessonpack's benchmark: how long a user waits, against what the libraries cost.

    python bench/run.py                  # everything; median of 5 runs where it says so
    python bench/run.py --runs 3 --bookings 50 --skip-batch

Every timing is a fresh process, as a user runs it. It prints one table:
  (a) full default build (3 lessons x 4 bands) against its floor: a fresh process that
      imports the same libraries and writes as many minimal PDFs, .docx files and .pptx decks;
  (b) an unchanged rebuild, and whether it imported any heavy library;
  (c) a batch of bookings with --jobs 2 against --jobs 1, each run twice (if `lessonpack
      batch` exists);
  (d) peak memory (maxrss) of the full build;
  (e) the discussion guides through pandoc (Markdown -> .docx) beside lessonpack's own
      Word renderer. Needs pandoc (Debian: apt-get install pandoc); skipped without it;
  (f) one personalised pack (--lesson --band --school --class --date), what an officer
      runs the evening before a visit, against a floor of the same documents.
Each floor writes as many PDFs, .docx files and decks as its build wrote (counted in the
build's output, so a document made for some bands only is counted where it is made).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
LESSONS = ROOT / "lessons"
HEAVY = ("reportlab", "docx", "pptx", "pydantic", "jinja2")
FORMATS = ("pdf", "docx", "pptx")  # what the floor makes; a text file costs it nothing


def floor_command(built: Path, output: Path) -> list[str]:
    """The floor for what a build wrote to `built`: as many PDFs, .docx files and decks
    (counted, so documents made for some bands only are counted where they are made)."""
    counts = {fmt: sum(1 for _ in built.rglob(f"*.{fmt}")) for fmt in FORMATS}
    return [sys.executable, str(BENCH / "floor.py"), str(counts["pdf"]), str(counts["docx"]),
            str(output), str(counts["pptx"])]


def run(args: list[str], cwd: Path = ROOT) -> tuple[float, float, str]:
    """(seconds, peak memory in MB of the process and its workers, stderr)."""
    start = time.perf_counter()
    process = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = process.stderr.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"failed: {' '.join(args)}\n{stderr}")
    return seconds, usage.ru_maxrss / 1024, stderr


def lessonpack(*args: str) -> list[str]:
    return [sys.executable, "-m", "generator", *args]


def median_of(runs: int, make_args) -> tuple[float, float]:
    """Median seconds and highest peak memory over `runs` runs; make_args(i) -> argv."""
    results = [run(make_args(i)) for i in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def full_build(work: Path, runs: int) -> tuple[float, float, float, Path]:
    """(build seconds, floor seconds, build peak MB, one output folder). Build and floor
    runs take turns, so a machine that speeds up or slows down meanwhile (a shared or
    throttled CPU) moves both medians alike instead of skewing their ratio."""
    run(lessonpack("build", "--lessons", str(LESSONS), "--output", str(work / "warm-up")))
    builds, floors = [], []
    for i in range(runs):
        builds.append(run(lessonpack("build", "--lessons", str(LESSONS),
                                     "--output", str(work / f"full{i}"))))
        floors.append(run(floor_command(work / "warm-up", work / f"floor{i}")))
    return (statistics.median(b[0] for b in builds), statistics.median(f[0] for f in floors),
            max(b[1] for b in builds), work / "full0")


def one_kit(work: Path, runs: int) -> tuple[float, float]:
    """(seconds, floor seconds) for what an officer runs the evening before a visit: one
    personalised pack, against a floor of the same documents; runs take turns."""
    builds, floors = [], []
    for i in range(runs):
        builds.append(run(lessonpack("build", "--lessons", str(LESSONS),
                                     "--output", str(work / f"kit{i}"),
                                     "--lesson", "online-blackmail", "--band", "ks3",
                                     "--school", "Hillside Academy", "--class", "Year 8",
                                     "--date", "2099-03-04")))
        floors.append(run(floor_command(work / "kit0", work / f"kit-floor{i}")))
    return statistics.median(b[0] for b in builds), statistics.median(f[0] for f in floors)


def unchanged_rebuild(output: Path, runs: int) -> tuple[float, list[str]]:
    """(median seconds, heavy libraries a rebuild imported)."""
    args = lessonpack("build", "--lessons", str(LESSONS), "--output", str(output))
    seconds, _ = median_of(runs, lambda i: args)
    _, _, stderr = run([sys.executable, "-X", "importtime", *args[1:]])
    imported = {line.split("|")[-1].strip().split(".")[0] for line in stderr.splitlines()
                if line.startswith("import time:")}
    return seconds, sorted(set(HEAVY) & imported)


def batch(work: Path, bookings: int) -> tuple[float, float] | None:
    """(seconds with --jobs 2, seconds with --jobs 1), or None if there is no batch command."""
    probe = subprocess.run(lessonpack("batch", "--help"), cwd=ROOT, capture_output=True)
    if probe.returncode != 0:
        return None
    csv = work / "bookings.csv"
    pairs = [(lesson.stem, band) for lesson in sorted((LESSONS / "specs").glob("*.yaml"))
             for band in ("ks2", "ks3", "ks4", "post16")]
    first = dt.date(2026, 1, 5)
    rows = [f"Bench School {i},{first + dt.timedelta(days=i)},{pairs[i % len(pairs)][1]},"
            f"{pairs[i % len(pairs)][0]},Year {7 + i % 4}" for i in range(bookings)]
    csv.write_text("school,date,band,lesson,class\n" + "\n".join(rows) + "\n", encoding="utf-8")
    # Each twice, in the order 2, 1, 1, 2: a machine whose speed drifts during the few
    # minutes this takes then slows both alike, instead of skewing their ratio.
    timings: dict[int, float] = {1: 0.0, 2: 0.0}
    for turn, jobs in enumerate((2, 1, 1, 2)):
        seconds, _, _ = run(lessonpack("batch", str(csv), "--lessons", str(LESSONS),
                                       "--output", str(work / f"batch{turn}"),
                                       "--jobs", str(jobs)))
        timings[jobs] += seconds / 2
    return timings[2], timings[1]


def pandoc_guides(work: Path) -> tuple[float, float, int] | None:
    """(lessonpack's Word rendering seconds, pandoc seconds, guides), or None without pandoc."""
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        return None
    markdown, ours = work / "guides-md", work / "guides-docx"
    result = subprocess.run([sys.executable, str(BENCH / "guides.py"), str(markdown), str(ours)],
                            cwd=ROOT, capture_output=True, text=True, check=True)
    lessonpack_seconds = float(result.stdout)
    reference = ROOT / "templates" / "reference.docx"
    start = time.perf_counter()
    guides = sorted(markdown.glob("*.md"))
    for source in guides:
        subprocess.run([pandoc, str(source), "-f", "markdown", "-o",
                        str(work / "guides-pandoc" / f"{source.stem}.docx"),
                        f"--reference-doc={reference}"], check=True)
    return lessonpack_seconds, time.perf_counter() - start, len(guides)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per median (default 5)")
    parser.add_argument("--bookings", type=int, default=200, help="bookings in the batch")
    parser.add_argument("--skip-batch", action="store_true", help="leave out (c), the slowest")
    options = parser.parse_args()
    # lessonpack's own modules compiled to bytecode, as after an install or a first run
    # (the libraries' are already): with PYTHONDONTWRITEBYTECODE set, as on some
    # machines, every timed run would otherwise compile them again.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "generator")], check=True)

    rows: list[tuple[str, str, str]] = []  # (measure, result, target)
    with tempfile.TemporaryDirectory(prefix="lessonpack-bench-") as folder:
        work = Path(folder)
        (work / "guides-pandoc").mkdir()
        seconds, floor, peak, output = full_build(work, options.runs)
        count = sum(1 for p in output.rglob("*") if p.suffix in (".pdf", ".docx", ".pptx")
                    and p.parent.name != "_index")
        rows.append((f"(a) full build, {count} documents", f"{seconds:.2f} s", ""))
        rows.append((f"    floor: same imports, {count} minimal documents", f"{floor:.2f} s", ""))
        rows.append(("    ratio build / floor", f"{seconds / floor:.1f}x", "<= 1.6x"))
        kit, kit_floor = one_kit(work, options.runs)
        rows.append(("(f) one personalised pack (--lesson --band --school)", f"{kit:.2f} s", ""))
        rows.append(("    floor: the same documents", f"{kit_floor:.2f} s", ""))
        rows.append(("    ratio", f"{kit / kit_floor:.1f}x", "<= 1.5x"))
        rebuild, imported = unchanged_rebuild(output, options.runs)
        rows.append(("(b) unchanged rebuild", f"{rebuild:.2f} s", "<= 0.3 s"))
        rows.append(("    heavy libraries it imported", ", ".join(imported) or "none", "none"))
        timings = None if options.skip_batch else batch(work, options.bookings)
        if timings is None:
            rows.append((f"(c) batch of {options.bookings} bookings", "not available"
                         if not options.skip_batch else "skipped (--skip-batch)", ""))
        else:
            two, one = timings
            rows.append((f"(c) batch of {options.bookings} bookings, --jobs 2", f"{two:.1f} s", ""))
            rows.append(("    --jobs 1", f"{one:.1f} s", ""))
            rows.append(("    speed-up", f"{one / two:.2f}x", ""))
        rows.append(("(d) peak memory of the full build (maxrss)", f"{peak:.0f} MB", "<= 150 MB"))
        guides = pandoc_guides(work)
        if guides is None:
            rows.append(("(e) pandoc", "skipped: pandoc is not installed", ""))
        else:
            ours, theirs, count = guides
            rows.append((f"(e) {count} discussion guides: lessonpack's Word renderer "
                         "(one warm process)", f"{ours:.2f} s", ""))
            rows.append(("    the same guides: pandoc Markdown -> .docx (one process each)",
                         f"{theirs:.2f} s", ""))

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"lessonpack benchmark: Python {sys.version.split()[0]}, {cpus} CPU cores, "
          f"median of {options.runs} runs for (a) and (b)")
    width = max(len(r[0]) for r in rows)
    for measure, result, target in rows:
        print(f"{measure:<{width}}  {result:>16}  {target}")


if __name__ == "__main__":
    main()
