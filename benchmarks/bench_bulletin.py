"""Time to make one month's bulletin pair (.docx and .pdf) from the current warehouse.

    WUWEI_DATA_DIR=/path/to/data .venv/bin/python benchmarks/bench_bulletin.py \
        [--month YYYY-MM] [--kind monthly|year-end] [--runs 5]

The first run includes starting the chart renderer (Chromium via kaleido), as the CLI and a build pay
it; later runs reuse it, as the app does. Prints each run and the median.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from contract import location
from reports import bulletin


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--month", default=None, help="YYYY-MM (default: the warehouse's latest month)")
    p.add_argument("--kind", default="monthly", choices=bulletin.KINDS)
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args()
    database = location.current_database()
    if database is None:
        sys.exit("no warehouse: run python -m pipelines demo first")
    month = (date(*map(int, args.month.split("-")), 1) if args.month else bulletin.latest_month(database))
    times = []
    for i in range(args.runs):
        started = time.perf_counter()
        b = bulletin.make(database, month, args.kind)
        times.append(time.perf_counter() - started)
        print(f"run {i + 1}: {times[-1]:.2f} s  (docx {len(b.docx) / 1024:.0f} KB, pdf {len(b.pdf) / 1024:.0f} KB)")
    print(f"{args.kind} {month:%Y-%m}: first {times[0]:.2f} s, median {statistics.median(times):.2f} s "
          f"over {args.runs} runs")


if __name__ == "__main__":
    main()
