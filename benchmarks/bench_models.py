"""Time the SQL models alone (warehouse/models/**.sql, as warehouse.build.run_models runs them).

    .venv/bin/python benchmarks/bench_models.py                        # demo (scale 1), 5 runs
    .venv/bin/python benchmarks/bench_models.py --scale 30 --runs 3    # province
    .venv/bin/python benchmarks/bench_models.py --scale 30 --keep /tmp/m30   # reuse the loaded ledgers

The demo ledgers are generated and built once (the real build, in a subprocess); the tables the
models read (ref_*, raw_*, audit_*) are then copied into a base database. Each run copies the base
and runs every model on it with the build's DuckDB settings, timing each model (CREATE TABLE and
its comments), as wall time and as this process's CPU time (DuckDB's threads included; steadier when
other work shares the machine). Prints the scale, the rows loaded, and medians per model and in total.
`--keep DIR` keeps the landing folder, the base and the last run's warehouse (DIR/models.duckdb)
there, and reuses a base already in DIR: so two versions of the models run on the same rows.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from warehouse.build import BUILD_CONFIG, run_models  # noqa: E402
from warehouse.models import load_models  # noqa: E402


def make_base(folder: Path, scale: float) -> Path:
    """Generate the demo city at `scale`, build it, and keep only the models' inputs in base.duckdb."""
    data = folder / "data"
    env = {**os.environ, "WUWEI_DATA_DIR": str(data), "WUWEI_PII_SALT": "bench"}
    subprocess.run([sys.executable, "-m", "pipelines", "demo", "--scale", str(scale)], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    built = data / "warehouse" / (data / "warehouse" / "CURRENT").read_text().strip()
    base = folder / "base.duckdb"
    models = {m.name for m in load_models()}
    with duckdb.connect(str(base)) as con:
        con.execute(f"attach '{built}' as built (read_only)")
        tables = [r[0] for r in con.execute(
            "select table_name from duckdb_tables() where database_name = 'built' order by 1").fetchall()]
        for t in tables:
            if t not in models and t != "build_runs":
                con.execute(f'create table "{t}" as select * from built."{t}"')
        con.execute("detach built")
        con.execute(f"create table bench_scale as select {scale}::double as scale")
    shutil.rmtree(data)
    return base


def run_once(base: Path, target: Path) -> dict[str, tuple[float, float]]:
    """(wall, CPU) seconds per model, in build order, on a fresh copy of `base`."""
    target.unlink(missing_ok=True)
    shutil.copyfile(base, target)
    marks: list[tuple[str, float, float]] = []

    def mark(name: str) -> None:
        marks.append((name, time.perf_counter(), time.process_time()))

    with duckdb.connect(str(target), config=BUILD_CONFIG) as con:
        run_models(con, lambda msg: mark(msg.rsplit("/", 1)[-1]))
        mark("")
    return {name: (wall1 - wall0, cpu1 - cpu0)
            for (name, wall0, cpu0), (_, wall1, cpu1) in pairwise(marks)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="1 = Wuwei (default); ~30 = a province")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--top", type=int, default=10, help="models listed, slowest first")
    parser.add_argument("--keep", type=Path, help="folder to keep (and reuse) the base and the last warehouse")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix=f"bench-models-{args.scale:g}-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        base = folder / "base.duckdb"
        if base.exists():
            with duckdb.connect(str(base), read_only=True) as con:
                found = con.execute("select scale from bench_scale").fetchall()[0][0]
            if found != args.scale:
                raise SystemExit(f"{base} holds scale {found:g}, not {args.scale:g}")
        else:
            started = time.perf_counter()
            base = make_base(folder, args.scale)
            print(f"generated and built once in {time.perf_counter() - started:.0f} s", flush=True)
        with duckdb.connect(str(base), read_only=True) as con:
            raw = [r[0] for r in con.execute(
                "select table_name from duckdb_tables() where table_name like 'raw\\_%' escape '\\'").fetchall()]
            rows = sum(con.execute(f'select count(*) from "{t}"').fetchall()[0][0] for t in raw)
            complaints = con.execute("select count(*) from raw_complaints").fetchall()[0][0]
            compounds = con.execute("select count(*) from raw_compounds").fetchall()[0][0]
        print(f"machine: {os.cpu_count()} cores; duckdb {duckdb.__version__}; settings {BUILD_CONFIG}")
        print(f"scale {args.scale:g}: {rows:,} ledger rows loaded ({compounds:,} compound-months, "
              f"{complaints:,} complaints); {len(load_models())} models; {args.runs} runs", flush=True)
        runs = []
        for i in range(args.runs):
            runs.append(run_once(base, folder / "models.duckdb"))
            print(f"  run {i + 1}: {sum(w for w, _ in runs[-1].values()):.2f} s wall, "
                  f"{sum(c for _, c in runs[-1].values()):.2f} s CPU", flush=True)
        with duckdb.connect(str(folder / "models.duckdb"), read_only=True) as con:
            out_rows = sum(con.execute(f'select count(*) from "{m}"').fetchall()[0][0] for m in runs[-1])
        wall = {m: statistics.median(r[m][0] for r in runs) for m in runs[0]}
        cpu = {m: statistics.median(r[m][1] for r in runs) for m in runs[0]}
        total = statistics.median(sum(w for w, _ in r.values()) for r in runs)
        total_cpu = statistics.median(sum(c for _, c in r.values()) for r in runs)
        print(f"{'model (slowest first)':<40} {'wall s':>8} {'share':>6} {'CPU s':>8}   (medians over runs)")
        ranked = sorted(wall, key=lambda m: -wall[m])
        for m in ranked[:args.top]:
            print(f"{m:<40} {wall[m]:>8.3f} {wall[m] / total:>6.1%} {cpu[m]:>8.3f}")
        rest = ranked[args.top:]
        rest_wall, rest_cpu = sum(wall[m] for m in rest), sum(cpu[m] for m in rest)
        print(f"{f'the other {len(rest)} models':<40} {rest_wall:>8.3f} {rest_wall / total:>6.1%} {rest_cpu:>8.3f}")
        print(f"{'total':<40} {total:>8.3f} {'':>6} {total_cpu:>8.3f}   ({out_rows:,} rows written by the models)")
    finally:
        if args.keep is None:
            shutil.rmtree(folder)


if __name__ == "__main__":
    main()
