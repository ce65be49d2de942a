"""Time the build (landing files -> warehouse) at demo, province and national scale.

    .venv/bin/python benchmarks/bench_build.py                 # demo x3 and province x1
    .venv/bin/python benchmarks/bench_build.py --scale 1000 --runs 1   # national (slow, ~tens of GB of disk)

Each scale's ledgers are generated once (timed on their own); each build runs in a fresh
subprocess so that its peak memory (max RSS) is its own. Prints medians and rows per second.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def generate(landing: Path, scale: float) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", f"from pathlib import Path; from pipelines.demo import generate; "
                    f"generate(Path({str(landing)!r}), scale={scale}, defects=True)"],
                   cwd=ROOT, check=True)
    return time.perf_counter() - started


def build_once(landing: Path, data: Path) -> tuple[float, float, int]:
    """Seconds, peak RSS in MiB, rows read."""
    env = {**os.environ, "WUWEI_DATA_DIR": str(data)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipelines", "build", "--landing", str(landing)], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the max over all of them: only a new maximum is this build's own
    peak = peak_kib / 1024 if peak_kib > before else float("nan")
    db = (data / "warehouse" / (data / "warehouse" / "CURRENT").read_text().strip())
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("select sum(rows_read) from audit_source_files").fetchall()[0][0]
    return seconds, peak, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, action="append", help="repeatable; default: 1 and 30")
    parser.add_argument("--runs", type=int, default=None, help="builds per scale (default: 3 at scale 1, else 1)")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    print(f"{'scale':>6} {'files':>6} {'rows read':>12} {'generate s':>11} {'build s (median)':>17} "
          f"{'rows/s':>10} {'peak MiB':>9}  runs")
    for scale in args.scale or [1.0, 30.0]:
        runs = args.runs or (3 if scale <= 1 else 1)
        with tempfile.TemporaryDirectory(prefix=f"bench-{scale:g}-") as tmp:
            landing = Path(tmp) / "landing"
            gen = generate(landing, scale)
            files = sum(1 for _ in landing.rglob("*") if _.is_file())
            results = []
            for i in range(runs):
                data = Path(tmp) / f"data{i}"
                results.append(build_once(landing, data))
                shutil.rmtree(data)
            seconds = statistics.median(r[0] for r in results)
            peak = max(r[1] for r in results)
            rows = results[0][2]
            print(f"{scale:>6g} {files:>6} {rows:>12,} {gen:>11.1f} {seconds:>17.2f} {rows / seconds:>10,.0f} "
                  f"{peak:>9,.0f}  {', '.join(f'{r[0]:.2f}' for r in results)}", flush=True)


if __name__ == "__main__":
    main()
