"""Check ledger files without building: the readers and the quality gate exactly as the build runs
them, over the files given (together, as a build of just those files would: a correction replaces its
original, a file sent twice is a duplicate, references to compounds and firms are checked against the
files given). Nothing is written to the warehouse; the build lock is not taken.

The report (`report`) is one record per file, in the order given; `--json` prints it as JSON, whose
shape is stable (SCHEMA_VERSION, documented in the README) so that the upload page can run the check in
a subprocess and show it:

    {"schema_version": 1, "checked_at": "2026-12-02T09:30:00+00:00", "files_rejected": 0,
     "files": [{"file": the path as given, "path": the name the messages use, "sha256",
                "ledger", "ledger_zh", "county" (adcode or null), "month" ("YYYY-MM" or null),
                "status": "loaded" | "rejected", "reject_rule", "message" (the rejection, or null),
                "rows": {"read", "loaded", "quarantined", "skipped": {"blank", "total", ...}},
                "cells_nulled", "warnings", "unmapped_headers": [header text, ...],
                "row_counties": {adcode: rows loaded whose own 县区 cell names it} (ledgers with a county column),
                "quarantined": [{"row", "column", "rule", "message", "original": {header: cell}}],
                "findings": [{"row", "column", "original", "loaded", "rule", "severity", "message"}]}]}

A finding of severity "cell" is a cell set to null (its row still loaded and counted); "warning" a
value loaded as sent (or cleaned) and flagged. Rows are numbered as in the file (Excel's row numbers;
a CSV's line numbers).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from contract import location
from contract.ledgers import LEDGERS
from readers.read import read_file

SCHEMA_VERSION = 1


def root_of(files: list[Path]) -> Path:
    """The folder the files are named from: the landing folder when they are all in it (so a file is named,
    and its county and month read from its folders, as the build would), else their common folder."""
    resolved = [path.resolve() for path in files]
    landing = location.landing_dir().resolve()
    if all(landing in path.parents for path in resolved):
        return landing
    return Path(os.path.commonpath([path.parent for path in resolved]))


def report(files: list[Path]) -> dict:
    """Read and gate `files` (see the module docstring for the shape of the result)."""
    from expectations.gate import check  # Great Expectations takes seconds to import: only when checking

    missing = [str(path) for path in files if not path.is_file()]
    if missing:
        raise FileNotFoundError(f"文件不存在 | No such file: {', '.join(missing)}")
    files = list({path.resolve(): path for path in reversed(files)}.values())[::-1]  # each file once, first mention
    root = root_of(files)
    sources = [read_file(path.resolve(), root) for path in files]
    given = {src.path: str(path) for src, path in zip(sources, files, strict=True)}
    gate = check(sources)
    counties = _row_counties(gate.loaded)
    records = [_record(row, given[row["path"]], gate.quarantine, gate.findings, counties.get(row["path"], {}))
               for row in gate.files.to_dicts()]
    return {"schema_version": SCHEMA_VERSION, "checked_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "files_rejected": sum(r["status"] == "rejected" for r in records), "files": records}


def _row_counties(loaded: dict[str, pl.DataFrame]) -> dict[str, dict[str, int]]:
    """file -> {adcode: rows loaded whose own county column names it}, for the ledgers with a county column
    (a county officer's upload must hold the own county's rows only)."""
    found: dict[str, dict[str, int]] = {}
    for frame in loaded.values():
        if "county" not in frame.columns:
            continue
        counts = frame.group_by("_file", "county").len().drop_nulls("county").sort("_file", "county")
        for file, county, n in counts.iter_rows():
            found.setdefault(file, {})[county] = n
    return found


def _record(file: dict, given: str, quarantine: pl.DataFrame, findings: pl.DataFrame,
            row_counties: dict[str, int]) -> dict:
    ledger = LEDGERS.get(file["ledger"] or "")
    own_rows = quarantine.filter(pl.col("_file") == file["path"]).sort("_row")
    own_cells = findings.filter(pl.col("_file") == file["path"]).sort("_row", "column", "rule")
    return {
        "file": given, "path": file["path"], "sha256": file["sha256"],
        "ledger": file["ledger"], "ledger_zh": ledger.zh if ledger else None,
        "county": file["county_code"], "month": file["month"].strftime("%Y-%m") if file["month"] else None,
        "status": file["status"], "reject_rule": file["reject_rule"], "message": file["message"],
        "rows": {"read": file["rows_read"], "loaded": file["rows_loaded"], "quarantined": file["rows_quarantined"],
                 "skipped": json.loads(file["skipped"])},
        "cells_nulled": file["cells_nulled"],
        "warnings": own_cells.filter(pl.col("severity") == "warning").height,
        "unmapped_headers": json.loads(file["unmapped_headers"]),
        "row_counties": row_counties,
        "quarantined": [{"row": r["_row"], "column": r["column"], "rule": r["rule"], "message": r["message"],
                         "original": json.loads(r["original"]) if r["original"] else None}
                        for r in own_rows.to_dicts()],
        "findings": [{"row": r["_row"], "column": r["column"], "original": r["original"], "loaded": r["loaded"],
                      "rule": r["rule"], "severity": r["severity"], "message": r["message"]}
                     for r in own_cells.to_dicts()],
    }


SEVERITY_MARKS = {"cell": "∅", "warning": "!"}


def format_report(result: dict) -> str:
    """The report for a terminal: one block a file."""
    lines = []
    for f in result["files"]:
        what = " · ".join(str(part) for part in (f["ledger_zh"] or f["ledger"] or "?", f["county"] or "—",
                                                  f["month"] or "—"))
        lines.append(f"{'✗' if f['status'] == 'rejected' else '✓'} {f['file']}  [{what}]")
        if f["status"] == "rejected":
            lines.append(f"  拒收 rejected ({f['reject_rule']}): {f['message']}")
            lines.append("")
            continue
        rows = f["rows"]
        lines.append(f"  读取 read {rows['read']}  入库 loaded {rows['loaded']}  隔离 quarantined {rows['quarantined']}"
                     f"  置空单元格 cells nulled {f['cells_nulled']}  警告 warnings {f['warnings']}")
        if f["unmapped_headers"]:
            lines.append("  未识别的列（不入库）unmapped headers: " + "、".join(f["unmapped_headers"]))
        for q in f["quarantined"]:
            lines.append(f"  ⊘ 行 row {q['row']} {q['column']} {q['rule']}: {q['message']}")
        for c in f["findings"]:
            lines.append(f"  {SEVERITY_MARKS.get(c['severity'], '?')} 行 row {c['row']} {c['column']} = "
                         f"{c['original']!r} {c['rule']}: {c['message']}")
        lines.append("")
    lines.append(f"{len(result['files'])} 个文件，拒收 {result['files_rejected']} 个 | "
                 f"{len(result['files'])} files, {result['files_rejected']} rejected")
    return "\n".join(lines)


def main(files: list[Path], as_json: bool) -> int:
    """The check command: 1 if any file is rejected, else 0."""
    result = report(files)
    print(json.dumps(result, ensure_ascii=False, indent=1) if as_json else format_report(result))
    return 1 if result["files_rejected"] else 0
