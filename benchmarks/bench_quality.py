"""Time the quality gate: what validation adds to a build, at demo and province scale.

    .venv/bin/python benchmarks/bench_quality.py                  # demo x3 (median) and province x1
    .venv/bin/python benchmarks/bench_quality.py --scale 1 --runs 5

The demo ledgers (with defects) are generated once per scale into a temporary folder, deleted
afterwards. Each run is a fresh process (so Great Expectations' import is paid, as in a build):
it reads the landing folder, then times the import and expectations.gate.check on their own, as
wall time and as the process's CPU time (steadier when other work shares the machine).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def measure(landing: Path) -> dict:
    """One run, in this process: read, import GX, check. Seconds and sizes."""
    os.environ.setdefault("WUWEI_PII_SALT", "bench")
    from readers.read import read_landing

    started = time.perf_counter()
    sources = list(read_landing(landing))
    read = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    import great_expectations  # noqa: F401  (timed on its own: the gate imports it on first use)

    gx_import = time.perf_counter() - started
    from expectations.gate import check

    started = time.perf_counter()
    gate = check(sources)
    checks = time.perf_counter() - started
    return {"files": len(sources), "rows": sum(s.rows_read for s in sources), "read": read,
            "gx_import": gx_import, "checks": checks, "cpu": time.process_time() - cpu,
            "quarantined": gate.quarantine.height,
            "rejected": gate.files.filter(gate.files["status"] == "rejected").height}


def run_once(landing: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--measure", str(landing)], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def generate(landing: Path, scale: float) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from pathlib import Path; from pipelines.demo import generate; "
                    f"generate(Path({str(landing)!r}), scale={scale}, defects=True)"], cwd=ROOT, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, action="append", help="repeatable; default: 1 and 30")
    parser.add_argument("--runs", type=int, default=None, help="runs per scale (default: 3 at scale 1, else 1)")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    print(f"{'scale':>6} {'files':>6} {'rows':>11} {'read s':>8} {'GX import s':>12} {'checks s':>9} "
          f"{'validation adds s':>18} {'(CPU s)':>8} {'quarantined':>12} {'rejected':>9}  runs (validation s)")
    for scale in args.scale or [1.0, 30.0]:
        runs = args.runs or (3 if scale <= 1 else 1)
        with tempfile.TemporaryDirectory(prefix=f"bench-quality-{scale:g}-") as tmp:
            landing = Path(tmp) / "landing"
            generate(landing, scale)
            results = [run_once(landing) for _ in range(runs)]
        added = [r["gx_import"] + r["checks"] for r in results]
        r = {key: statistics.median(x[key] for x in results) for key in ("read", "gx_import", "checks", "cpu")}
        r |= {key: results[0][key] for key in ("files", "rows", "quarantined", "rejected")}
        print(f"{scale:>6g} {r['files']:>6} {r['rows']:>11,} {r['read']:>8.2f} {r['gx_import']:>12.2f} "
              f"{r['checks']:>9.2f} {statistics.median(added):>18.2f} {r['cpu']:>8.2f} "
              f"{r['quarantined']:>12,} {r['rejected']:>9}  {', '.join(f'{a:.2f}' for a in added)}", flush=True)

if __name__ == "__main__":
    main()
