"""Server-side run time of every page, cold and warm, with Streamlit's AppTest.

    WUWEI_DATA_DIR=/path/to/data .venv/bin/python benchmarks/bench_pages.py [--runs 7] [--scope 620602]

Cold: the page's first run after every cache is cleared (a fresh server). Warm: later runs by
new sessions (the server's caches filled), median of --runs. Time is the page's own run after
the shell has started the session, as a visitor switching to it would wait for.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import shared_cache  # noqa: E402
from tests.apptest import registered_pages, start  # noqa: E402


def time_page(path: str, params: dict, cold: bool = False) -> float:
    at = start(role="admin", **params)  # the role that opens every page
    if cold:
        st.cache_data.clear()
        st.cache_resource.clear()
        shared_cache.clear_all()
    started = time.perf_counter()
    at.switch_page(path).run()
    elapsed = (time.perf_counter() - started) * 1000
    if at.exception:
        raise RuntimeError(f"{path}: {at.exception[0].message}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--scope", default=None, help="an adcode; default: the city")
    args = parser.parse_args()
    params = {"scope": args.scope} if args.scope else {}
    print(f"{'page':<16}{'cold ms':>10}{'warm ms (median)':>18}{'warm min':>10}{'warm max':>10}")
    for url, path in registered_pages().items():
        cold = time_page(path, params, cold=True)
        warm = [time_page(path, params) for _ in range(args.runs)]
        print(f"{url:<16}{cold:>10.0f}{statistics.median(warm):>18.0f}{min(warm):>10.0f}{max(warm):>10.0f}",
              flush=True)


if __name__ == "__main__":
    main()
