"""A plain pandas baseline for bench_build.py: read the same landing folder and compute the headline
figures, with no validation, no quarantine, no cache and no warehouse.

    .venv/bin/python benchmarks/baseline_pandas.py LANDING                 # prints seconds and figures
    .venv/bin/python benchmarks/baseline_pandas.py LANDING --check WAREHOUSE.duckdb

Figures, per county and the city, per month: compounds, those under professional service (管理方式 专业物业)
and the coverage, from each county's monthly compounds files (a missing month carries the last one
forward); complaints (投诉/举报 by the 12345 export's 县区 and 受理时间) and the rolling-12 complaint rate
per 1,000 households. Workbooks are read with fastexcel (as the project does), CSVs with pandas; the
header is the first row naming 小区编码 or 工单编号, rows below it without an id are dropped. --check
compares the figures with the warehouse's mart_coverage_monthly and mart_complaint_rate_monthly and
prints how many agree (a file the gate rejects, or a row it quarantines, is the kind of difference
to expect).
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import time
from pathlib import Path

import fastexcel
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REFERENCE = ROOT / "warehouse" / "reference"
MONTH = re.compile(r"(20\d{2})-(\d{2})")


def _named(ledger: str) -> dict[str, str]:
    """header text -> column, as contract/ledgers.py names them (headers vary between counties)."""
    from contract.ledgers import LEDGERS

    return {text: column.name for column in LEDGERS[ledger].columns for text in column.headers}


def _sheet(path: Path, key: str, ledger: str) -> pd.DataFrame:
    """The file as text cells, its header the first row holding `key`, columns named as in the ledger."""
    if path.suffix == ".xlsx":
        grid = fastexcel.read_excel(path.read_bytes()).load_sheet(0, header_row=None, dtypes="string").to_pandas()
    else:
        content = path.read_bytes()
        encoding = "utf-8-sig"
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            encoding = "gb18030"
        grid = pd.read_csv(io.BytesIO(content), header=None, dtype=str, encoding=encoding)
    first = next(i for i, row in grid.head(20).iterrows() if key in set(row.dropna()))
    frame = grid.iloc[first + 1:]
    names = _named(ledger)
    frame.columns = [names.get(str(c).strip(), str(c).strip()) for c in grid.iloc[first]]
    key = names[key]
    return frame[frame[key].notna() & (frame[key] != "合计")]


def _counties() -> dict[str, str]:
    table = pd.read_csv(REFERENCE / "counties.csv", dtype=str)
    names = {}
    for _, row in table[table["level"] == "county"].iterrows():
        for name in [row["name_zh"], *str(row["variants"]).split("|")]:
            names[name.strip()] = row["adcode"]
    return names


def figures(landing: Path) -> pd.DataFrame:
    """scope_code, month, compounds, covered, coverage, complaints, rolling12_rate."""
    counties = _counties()
    city = pd.read_csv(REFERENCE / "counties.csv", dtype=str).query("level == 'city'")["adcode"].iloc[0]
    snapshots, complaints = [], []
    for path in sorted(landing.rglob("*")):
        if "住宅小区物业管理台账" in path.name:
            frame = _sheet(path, "小区编码", "compounds")
            if not {"management_mode", "households"} <= set(frame.columns):
                continue  # a file without them cannot give the figures: its county's last month carries on
            county = next((code for name, code in counties.items() if path.name.startswith(name)), None)
            year, month = MONTH.search(path.name).groups()
            snapshots.append(pd.DataFrame({
                "county_code": county, "as_of": pd.Period(f"{year}-{month}", "M"),
                "professional": frame["management_mode"] == "专业物业",
                "households": pd.to_numeric(frame["households"], errors="coerce")}))
        elif "12345" in path.name:
            frame = _sheet(path, "工单编号", "complaints")
            complaints.append(pd.DataFrame({
                "county_code": frame["county"].map(counties),
                "month": pd.to_datetime(frame["received_at"], errors="coerce").dt.to_period("M"),
                "is_complaint": frame["appeal_type"].isin(["投诉", "举报"])}))
    compounds = pd.concat(snapshots)
    per_snapshot = compounds.groupby(["county_code", "as_of"]).agg(
        compounds=("professional", "size"), covered=("professional", "sum"), households=("households", "sum"))
    orders = pd.concat(complaints)
    months = pd.period_range(min(orders["month"].min(), compounds["as_of"].min()), compounds["as_of"].max(), freq="M")
    rows = []
    for county, snaps in per_snapshot.groupby(level="county_code"):
        snaps = snaps.droplevel("county_code").reindex(months).ffill().bfill()  # carried forward; before: the first
        snaps["county_code"] = county
        rows.append(snaps.rename_axis("month").reset_index())
    grid = pd.concat(rows)
    counted = (orders[orders["is_complaint"]].groupby(["county_code", "month"]).size().rename("complaints"))
    grid = grid.merge(counted, on=["county_code", "month"], how="left").fillna({"complaints": 0})
    city_rows = grid.groupby("month")[["compounds", "covered", "households", "complaints"]].sum().reset_index()
    city_rows["county_code"] = city
    grid = pd.concat([grid, city_rows]).rename(columns={"county_code": "scope_code"}).sort_values(["scope_code",
                                                                                                  "month"])
    grid["coverage"] = grid["covered"] / grid["compounds"]
    rolled = grid.groupby("scope_code")[["complaints", "households"]].rolling(12)
    grid["rolling12_rate"] = (rolled["complaints"].sum() / rolled["households"].mean() * 1000).to_numpy()
    grid["month"] = grid["month"].dt.to_timestamp(how="end").dt.normalize().dt.date
    return grid[["scope_code", "month", "compounds", "covered", "coverage", "complaints", "rolling12_rate"]]


def check(found: pd.DataFrame, warehouse: Path) -> str:
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        theirs = con.sql("""select c.scope_code, c.month, c.compounds, c.covered, r.complaints, r.rolling12_rate
                            from mart_coverage_monthly c join mart_complaint_rate_monthly r using (scope_code, month)
                         """).df()
    theirs["month"] = pd.to_datetime(theirs["month"]).dt.date
    both = found.merge(theirs, on=["scope_code", "month"], suffixes=("", "_wh"))
    same = {name: int(((both[name] - both[f"{name}_wh"]).abs() < 1e-9).sum() if name != "rolling12_rate" else
                      ((both[name] - both[f"{name}_wh"]).abs() < 1e-6).sum())
            for name in ("compounds", "covered", "complaints", "rolling12_rate")}
    return f"scope-months compared {len(both)}; the same: " + ", ".join(f"{k} {v}" for k, v in same.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("landing", type=Path)
    parser.add_argument("--check", type=Path, help="a warehouse to compare the figures with")
    args = parser.parse_args()
    started = time.perf_counter()
    found = figures(args.landing)
    seconds = time.perf_counter() - started
    print(f"baseline {seconds:.2f} s; {len(found)} scope-months", file=sys.stderr)
    if args.check:
        print(check(found, args.check), file=sys.stderr)
    print(f"{seconds:.3f}")


if __name__ == "__main__":
    main()
