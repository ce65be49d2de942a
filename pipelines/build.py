"""The build: landing folder -> readers -> quality gate -> a new warehouse file."""

from __future__ import annotations

import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from expectations import results as validation_results
from expectations.gate import check
from pipelines.ledgers import LEDGERS
from pipelines.normalise import POLARS_TYPES
from pipelines.read import SourceFile, read_landing
from pipelines.receipts import receipts
from warehouse import location
from warehouse.build import BuildInput, build_warehouse

SET_ASIDE = ("duplicate_file", "superseded")  # rejected because another file holds the same rows


@dataclass
class BuildSummary:
    database: Path
    seconds: float
    files: pl.DataFrame        # one row per source file with its outcome
    quality_seconds: float     # the quality gate's share of `seconds`
    rows_loaded: dict[str, int]
    rows_quarantined: int
    files_rejected: int
    warnings: int              # cells flagged by a warning rule on loaded rows (nulled cells are apart)
    quarantine: pl.DataFrame   # the rows quarantined (gate.QUARANTINE_SCHEMA)
    findings: pl.DataFrame     # the cells flagged on loaded rows (gate.FINDINGS_SCHEMA)
    bulletin: list[Path] | str | None = None  # the latest month's bulletin files, or why it could not be written


class Progress:
    """One status line, rewritten in place on a terminal and printed plainly elsewhere."""

    def __init__(self, stream=sys.stderr):
        self.stream = stream
        self.tty = stream.isatty()

    def __call__(self, message: str) -> None:
        if self.tty:
            self.stream.write("\r\033[K" + message[:110])
        else:
            self.stream.write(message + "\n")
        self.stream.flush()

    def done(self) -> None:
        if self.tty:
            self.stream.write("\r\033[K")
            self.stream.flush()


def empty_frame(ledger) -> pl.DataFrame:
    """A ledger's loaded-rows table when no file of it arrived: its columns, no rows."""
    schema = {c.name: POLARS_TYPES[c.kind] for c in ledger.columns if not c.pii}
    if any(c.pii for c in ledger.columns):
        schema["complainant_key"] = pl.String
    return pl.DataFrame(schema={**schema, "_row": pl.Int32, "_file": pl.String,
                                "_warnings": pl.List(pl.String)})


def read_all(landing: Path, progress: Callable[[str], None]) -> list[SourceFile]:
    sources = []
    for src in read_landing(landing):
        sources.append(src)
        outcome = "REJECTED" if src.rejected else f"{src.rows_read} rows"
        progress(f"read {len(sources):>4}  {src.path}  ({src.ledger or '?'}, {outcome})")
    return sources


def build(landing: Path | None = None, progress: Callable[[str], None] | None = None,
          bulletin: bool = False) -> BuildSummary:
    """Read, check and build; one build at a time (location.BuildLocked at once for the second). With
    `bulletin`, also write the latest month's bulletin (通报) under <data>/reports."""
    with location.build_lock():
        return build_locked(landing, progress, bulletin)


def build_locked(landing: Path | None = None, progress: Callable[[str], None] | None = None,
                 bulletin: bool = False) -> BuildSummary:
    """build() for a caller that holds location.build_lock() already (the demo command)."""
    started = time.perf_counter()
    landing = landing or location.landing_dir()
    progress = progress or (lambda _: None)
    if not landing.is_dir():
        raise FileNotFoundError(f"落地文件夹不存在 | The landing folder does not exist: {landing}")
    sources = read_all(landing, progress)
    received = receipts(sources, landing)
    progress("quality checks")
    gate_started = time.perf_counter()
    gate = check(sources)
    del sources  # the files' frames (with their original cells) are no longer needed: free them before the build
    quality_seconds = time.perf_counter() - gate_started
    raw = {name: gate.loaded.pop(name) if name in gate.loaded else empty_frame(ledger)
           for name, ledger in LEDGERS.items()}
    rows_loaded = {name: frame.height for name, frame in raw.items()}
    inp = BuildInput(
        raw=raw,
        audit={"audit_source_files": gate.files, "audit_quarantine": gate.quarantine,
               "audit_cell_findings": gate.findings, "audit_receipts": received,
               "audit_validation": gate.results,
               "audit_validation_history": validation_results.history(gate.results, gate.validated_at)},
        source_files=gate.files.select("path", "sha256", "ledger", "rows_read", "status").to_dicts(),
    )
    del raw  # build_warehouse drops the frames once they are in the database
    database = build_warehouse(inp, progress=progress)
    validation_results.save(gate.results, gate.validated_at)  # only now: a failed build leaves no results
    if bulletin:
        progress("bulletin")
    return BuildSummary(
        database=database,
        seconds=time.perf_counter() - started,
        files=gate.files,
        quality_seconds=quality_seconds,
        rows_loaded=rows_loaded,
        rows_quarantined=gate.quarantine.height,
        files_rejected=gate.files.filter(pl.col("status") == "rejected").height,
        warnings=gate.findings.filter(pl.col("severity") == "warning").height,
        quarantine=gate.quarantine,
        findings=gate.findings,
        bulletin=latest_bulletin(database) if bulletin else None,
    )


def latest_bulletin(database: Path) -> list[Path] | str:
    """The latest month's bulletin under <data>/reports. The warehouse is already published, so a failure
    here does not fail the build: it is returned (and printed in the summary)."""
    from reports.bulletin import write_latest

    try:
        return write_latest(database, location.reports_dir())
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"


def _pad(text: str, width: int) -> str:
    """Left-align in a terminal, where a Chinese character takes two columns."""
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - shown, 0)


SHOWN_LINES = 10  # of each list in the summary; the quality page and the audit tables hold them all


def _listed(frame: pl.DataFrame, line) -> list[str]:
    lines = [line(r) for r in frame.head(SHOWN_LINES).to_dicts()]
    if frame.height > SHOWN_LINES:
        lines.append(f"  … 另 {frame.height - SHOWN_LINES} 条 and {frame.height - SHOWN_LINES} more")
    return lines


def format_summary(s: BuildSummary) -> str:
    lines = [f"构建完成 Build finished in {s.seconds:.1f} s", "",
             f"{_pad('台账 ledger', 40)}{'文件 files':>10}{'读取 read':>12}{'入库 loaded':>13}{'隔离 quarantined':>18}"]
    per_ledger = s.files.group_by("ledger").agg(pl.len().alias("files"), pl.col("rows_read").sum(),
                                                pl.col("rows_quarantined").sum())
    counts = {r["ledger"]: r for r in per_ledger.to_dicts()}
    for name, ledger in LEDGERS.items():
        c = counts.get(name, {"files": 0, "rows_read": 0, "rows_quarantined": 0})
        lines.append(f"{_pad(ledger.zh, 24)}{name:<16}{c['files']:>10}{c['rows_read']:>12}"
                     f"{s.rows_loaded[name]:>13}{c['rows_quarantined']:>18}")
    nulled = s.findings.filter(pl.col("severity") == "cell")
    lines += ["",
              f"隔离行 quarantined rows: {s.rows_quarantined}    "
              f"置空单元格 cells nulled: {nulled.unique(['_file', '_row', 'column']).height}    "
              f"警告 warnings: {s.warnings}    拒收文件 rejected files: {s.files_rejected}"]
    rejected = s.files.filter(pl.col("status") == "rejected")
    if rejected.height:
        reasons = rejected.group_by("reject_rule").len().sort("len", "reject_rule", descending=[True, False])
        lines.append("  拒收原因 reasons: " + ", ".join(f"{rule} {n}" for rule, n in reasons.iter_rows()))
    # Files set aside for another file (sent twice, replaced by a correction) are always listed: a person
    # must know which file's rows are in the warehouse.
    for r in rejected.filter(pl.col("reject_rule").is_in(SET_ASIDE)).to_dicts():
        lines.append(f"  ↺ {r['message']}")
    for r in rejected.filter(~pl.col("reject_rule").is_in(SET_ASIDE)).head(10).to_dicts():
        lines.append(f"  ✗ {r['message']}")
    if s.quarantine.height:
        lines.append("隔离的行 rows quarantined (文件 file:行 row 列 column 规则 rule):")
        lines += _listed(s.quarantine, lambda r: f"  ⊘ {r['_file']}:{r['_row']} {r['column']} {r['rule']}")
    if nulled.height:
        lines.append("置空的单元格 cells nulled, row kept (文件 file:行 row 列 column = 原值 original 规则 rule):")
        lines += _listed(nulled, lambda r: f"  ∅ {r['_file']}:{r['_row']} {r['column']} = {r['original']!r} "
                                           f"{r['rule']}")
    lines.append(f"数据仓库 warehouse: {s.database}")
    if isinstance(s.bulletin, str):
        lines.append(f"✗ 通报未能生成（数据仓库已更新）| The bulletin could not be written (the warehouse is updated): "
                     f"{s.bulletin}")
    elif s.bulletin:
        lines.append("本月通报 bulletin: " + "  ".join(str(p) for p in s.bulletin))
    return "\n".join(lines)
