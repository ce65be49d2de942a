"""Time the build (landing files -> warehouse) at demo, province and national scale: a full build,
and an incremental build after one new month; and a plain pandas baseline on the same files.

    .venv/bin/python benchmarks/bench_build.py                                   # demo x3, province (x30) x1
    .venv/bin/python benchmarks/bench_build.py --scale 100 --runs 1              # memory does not grow with scale
    .venv/bin/python benchmarks/bench_build.py --scale 1000 --one-pass --keep /srv/bench   # national (README)

Each scale's ledgers are generated once, through the last complete month (timed on their own;
with --keep DIR they are kept in DIR/landing-<scale>, and reused when found there, and the new-month
build's data folder is kept in DIR/data-<scale>, for bench_pages.py). Every build runs
in a fresh process (imports included; the bulletin and templates the CLI writes after a build are
not), into a fresh data folder:

  full         every file read and checked (`build(full=True)`)
  incremental  the landing folder without the last month's files is built first (not timed), then
               that month's files (names with its YYYY-MM) are added and the folder built again
               (timed): the other files come from the cache

Peak memory is the largest sum of the resident memory of the build process and its GX worker at one
moment (sampled every 50 ms; until 2026-12-02 the README gave the two processes' maxima added, an upper
bound: the worker has finished before the models, the build's largest step, begin); rows/s is rows
read ÷ full-build seconds; CPU is the process's user + system time (steadier than wall time when
other work shares the machine). Up to scale 30 the pandas baseline (baseline_pandas.py: the same
coverage and complaint figures, no validation) runs on the same landing folder, for the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = """
import json, sys
from pathlib import Path
from pipelines.build import build
s = build(Path(sys.argv[1]), full=sys.argv[2] == "full")
print(json.dumps({"rows": int(s.files["rows_read"].sum()), "files": s.files.height, "cached": s.files_cached}))
"""


def last_month() -> date:
    first = date.today().replace(day=1)
    return first - timedelta(days=1)


def generate(landing: Path, scale: float, through: date) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import sys; from datetime import date; from pathlib import Path; "
                    "from pipelines.demo import generate; generate(Path(sys.argv[1]), scale=float(sys.argv[2]), "
                    "through=date.fromisoformat(sys.argv[3]), defects=True)", str(landing), str(scale),
                    through.isoformat()], cwd=ROOT, check=True)
    return time.perf_counter() - started


def tree_rss(pid: int) -> int:
    """Bytes resident in `pid` and its descendants now (Linux /proc), 0 once it is gone."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))) * 1024
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue  # exited meanwhile (or a kernel thread without VmRSS)
    return total


def run(command: list[str], env: dict) -> tuple[float, float, str, float]:
    """Wall seconds, CPU seconds, stdout and peak MiB of a subprocess. The peak is the largest sum of
    the resident memory of it and its children (the GX worker) at one moment, sampled every 50 ms."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    peak, done = 0, threading.Event()
    with subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as proc:
        def sample() -> None:
            nonlocal peak
            while not done.wait(0.05):
                peak = max(peak, tree_rss(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        stdout, stderr = proc.communicate()
        done.set()
        sampler.join()
    if proc.returncode:  # say why: the build's own last words
        sys.stderr.write(stderr[-4000:])
        raise SystemExit(f"{command[:2]}… exited with {proc.returncode}")
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, stdout, peak / 2**20


def build(landing: Path, data: Path, full: bool) -> dict:
    env = {**os.environ, "WUWEI_DATA_DIR": str(data), "WUWEI_PII_SALT": "bench"}
    seconds, cpu, out, peak = run([sys.executable, "-c", BUILD, str(landing), "full" if full else "cached"], env)
    return {**json.loads(out.strip().splitlines()[-1]), "seconds": seconds, "cpu": cpu, "peak_mib": peak}


def linked(source: Path, target: Path, files: list[Path]) -> None:
    """target holds `files` of source as hard links (same bytes and modification times, no copy)."""
    for path in files:
        to = target / path.relative_to(source)
        to.parent.mkdir(parents=True, exist_ok=True)
        os.link(path, to)


def incremental(landing: Path, work: Path, month: date, keep: Path | None) -> tuple[dict, dict]:
    """(the full build of every file but `month`'s, the build after `month`'s files are added). With
    `keep`, the data folder of the second (its warehouse holds every file) is kept there, for bench_pages."""
    everything = sorted(p for p in landing.rglob("*") if p.is_file())
    new = [p for p in everything if f"{month:%Y-%m}" in p.name]
    folder, data = work / "incremental-landing", work / "incremental-data"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(data, ignore_errors=True)
    linked(landing, folder, [p for p in everything if p not in new])
    before = build(folder, data, full=True)
    linked(landing, folder, new)
    result = build(folder, data, full=False)
    shutil.rmtree(folder)
    if keep:
        shutil.rmtree(keep, ignore_errors=True)
        data.rename(keep)
    else:
        shutil.rmtree(data)
    return before, {**result, "new_files": len(new)}


def baseline(landing: Path) -> dict:
    seconds, cpu, _, _ = run([sys.executable, str(ROOT / "benchmarks" / "baseline_pandas.py"), str(landing)],
                             dict(os.environ))
    return {"seconds": seconds, "cpu": cpu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, action="append", help="repeatable; default: 1 and 30")
    parser.add_argument("--runs", type=int, default=None, help="full builds per scale (default: 3 at scale 1, else 1)")
    parser.add_argument("--keep", type=Path, default=None, help="keep (and reuse) the generated ledgers here")
    parser.add_argument("--no-incremental", action="store_true", help="full builds only (the incremental step "
                        "builds all but the last month first: another full build's time)")
    parser.add_argument("--one-pass", action="store_true", help="no separate full build: the full build timed is "
                        "the incremental step's first (every file but the last month's; for scale 1000, where "
                        "each build takes half an hour)")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    month = last_month()
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; ledgers through {month:%Y-%m}")
    print(f"{'scale':>6} {'files':>6} {'rows read':>12} {'generate s':>10} | {'full s':>7} {'cpu s':>7} "
          f"{'rows/s':>9} {'peak MiB':>8} | {'new month s':>11} {'cpu s':>7} {'peak MiB':>8} {'read':>5} | "
          f"{'pandas s':>8} {'ratio':>6}  full runs")
    for scale in args.scale or [1.0, 30.0]:
        runs = args.runs or (3 if scale <= 1 else 1)
        with tempfile.TemporaryDirectory(prefix=f"bench-{scale:g}-", dir=args.keep) as tmp:
            work = Path(tmp)
            landing = (args.keep / f"landing-{scale:g}") if args.keep else work / "landing"
            gen = 0.0 if landing.is_dir() else generate(landing, scale, month)
            fulls = []
            for i in range(0 if args.one_pass else runs):
                fulls.append(build(landing, work / f"data{i}", full=True))
                shutil.rmtree(work / f"data{i}")
            step = None
            if not args.no_incremental:
                before, step = incremental(landing, work, month, args.keep and args.keep / f"data-{scale:g}")
                if args.one_pass:
                    fulls.append(before)
            pandas = baseline(landing) if scale <= 30 else None
        seconds = statistics.median(r["seconds"] for r in fulls)
        cpu = statistics.median(r["cpu"] for r in fulls)
        rows, files = fulls[0]["rows"], fulls[0]["files"]
        peak = max(r["peak_mib"] for r in fulls)
        ratio = f"{pandas['seconds'] / seconds:>6.2f}" if pandas else f"{'':>6}"
        new = (f"{step['seconds']:>11.1f} {step['cpu']:>7.1f} {step['peak_mib']:>8,.0f} "
               f"{step['files'] - step['cached']:>5}" if step else f"{'—':>34}")
        print(f"{scale:>6g} {files:>6} {rows:>12,} {gen:>10.1f} | {seconds:>7.1f} {cpu:>7.1f} {rows / seconds:>9,.0f} "
              f"{peak:>8,.0f} | {new} | {pandas['seconds'] if pandas else float('nan'):>8.1f} {ratio}  "
              f"{', '.join(format(r['seconds'], '.1f') for r in fulls)}"
              f"{' (one pass: every file but the last month' + chr(39) + 's)' if args.one_pass else ''}", flush=True)


if __name__ == "__main__":
    main()
