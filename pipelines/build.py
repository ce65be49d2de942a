"""The build: landing folder -> readers -> quality gate -> a new warehouse file.

It streams: one batch of files at a time (read.BATCH_ROWS rows at most) is read, checked by the
rules that look at one file (gate.stack, GX in its own process, gate.finish) and written to the
cache, then let go; a file whose bytes the cache already holds for this code is not read at all.
The warehouse is then built from the cache by DuckDB (assemble.load: the rules over all files, the
raw and audit tables), then the models. Memory holds a few batches, never the ledgers.
"""

from __future__ import annotations

import sys
import time
import unicodedata
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from contract import location
from contract.ledgers import LEDGERS
from expectations import assemble, gate, gx_worker
from expectations import files as file_decisions
from expectations import results as validation_results
from pipelines import cache
from pipelines.receipts import receipts
from readers import read
from readers.read import SourceFile
from warehouse.build import BuildInput, build_warehouse, load_frames

SET_ASIDE = ("duplicate_file", "superseded")  # rejected because another file holds the same rows
PIPELINED = 2  # batches read ahead of the one GX is validating


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
    quarantine: pl.DataFrame   # the rows quarantined (assemble.QUARANTINE_SCHEMA)
    findings: pl.DataFrame     # the cells flagged on loaded rows (assemble.FINDINGS_SCHEMA)
    bulletin: list[Path] | str | None = None  # the latest month's bulletin files, or why it could not be written
    files_cached: int = 0      # files whose outcome came from the cache (not read)


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


def build(landing: Path | None = None, progress: Callable[[str], None] | None = None,
          bulletin: bool = False, full: bool = False) -> BuildSummary:
    """Read, check and build; one build at a time (location.BuildLocked at once for the second). With
    `bulletin`, also write the latest month's bulletin (通报) under <data>/reports; with `full`, read
    every file again (the cache is emptied first)."""
    with location.build_lock():
        return build_locked(landing, progress, bulletin, full)


@dataclass
class _Read:
    sources: dict[str, SourceFile]  # relative path -> the file as read (no frame), or as the cache kept it
    cached: int
    seconds: float                  # in the gate's first stage


def read_and_check(landing: Path, memo: cache.Cache, progress: Callable[[str], None], today) -> _Read:
    """Every file of the landing folder, from the cache or read and checked one batch at a time: while
    Great Expectations validates a batch in its own process (expectations/gx_worker.py), the next ones
    are read. GX is started only when a file must be checked."""
    paths = read.landing_files(landing)
    changing = read.still_changing(paths, read.settle_seconds())
    sources: dict[str, SourceFile] = {}
    digests: dict[str, str | None] = {}
    misses = []
    for path in paths:
        relative = path.relative_to(landing).as_posix()
        digests[relative] = cache.file_digest(path)
        found = None if path in changing else memo.get(relative, digests[relative], today)
        if found is None:
            misses.append(path)
            continue
        sources[relative] = found
        progress(f"read {len(sources):>4}  {relative}  ({found.ledger or '?'}, cached)")
    cached, seconds = len(sources), 0.0
    if misses:
        from expectations import suites

        catalogue = suites.catalogue(today)
        pending: deque[tuple[gate.Stacked, Future | None]] = deque()

        def finish_first() -> None:
            nonlocal seconds
            batch, validated = pending.popleft()
            outcome = None if validated is None else validated.result()
            started = time.perf_counter()
            checked = gate.finish(batch, outcome, catalogue, today)
            seconds += time.perf_counter() - started
            memo.put(checked, digests)
            for src in batch.sources:
                src.frame = src.cells = None  # the batch is staged: let its rows go
                sources[src.path] = src
                outcome = "REJECTED" if src.rejected else f"{src.rows_read} rows"
                progress(f"read {len(sources):>4}  {src.path}  ({src.ledger or '?'}, {outcome})")

        with gx_worker.Worker(today) as worker:
            for files in read.read_batches(read.reading_order(misses, landing), landing, changing):
                batch = gate.stack(files)
                pending.append((batch, None if batch.frame is None else worker.submit(batch.ledger.name, batch.frame)))
                # at most PIPELINED batches in memory; one whose GX outcome is in is finished at once
                while pending and (len(pending) > PIPELINED or pending[0][1] is None or pending[0][1].done()):
                    finish_first()
            while pending:
                finish_first()
    memo.keep_only(set(digests))
    return _Read({relative: sources[relative] for relative in digests}, cached, seconds)


def reread(landing: Path, sources: dict[str, SourceFile]) -> Callable[[str, pl.Series], pl.DataFrame]:
    """originals_of for assemble.load: the rows' original cells, read again from their file."""
    def originals_of(path: str, rows: pl.Series) -> pl.DataFrame:
        src = read.read_file(landing / path, landing)
        if src.sha256 != sources[path].sha256:
            raise RuntimeError(f"文件在构建期间被修改 | The file changed during the build: {path}")
        return read.originals(src, rows)
    return originals_of


def build_locked(landing: Path | None = None, progress: Callable[[str], None] | None = None,
                 bulletin: bool = False, full: bool = False) -> BuildSummary:
    """build() for a caller that holds location.build_lock() already (the demo command)."""
    started = time.perf_counter()
    landing = landing or location.landing_dir()
    progress = progress or (lambda _: None)
    if not landing.is_dir():
        raise FileNotFoundError(f"落地文件夹不存在 | The landing folder does not exist: {landing}")
    validated_at = datetime.now(UTC)
    today = location.today()
    memo = cache.Cache(full)
    found = read_and_check(landing, memo, progress, today)
    sources = list(found.sources.values())
    received = receipts(sources, landing)
    file_decisions.decide(sources)
    from expectations import suites

    catalogue = suites.catalogue(today)
    gate: dict = {}  # what load found: its tables and seconds
    source_files = [{"path": s.path, "sha256": s.sha256, "ledger": s.ledger, "rows_read": s.rows_read,
                     "status": "rejected" if s.rejected else "loaded"} for s in sources]

    def load(con) -> None:
        loading = time.perf_counter()
        progress("quality checks over all files")
        memo.stage(con)
        tables = gate["tables"] = assemble.load(con, catalogue, sources, reread(landing, found.sources))
        load_frames(con, {"audit_receipts": received,
                          "audit_validation_history": validation_results.history(tables.results, validated_at)})
        status = dict(tables.files.select("path", "status").iter_rows())
        for record in source_files:
            record["status"] = status[record["path"]]
        gate["seconds"] = time.perf_counter() - loading

    database = build_warehouse(BuildInput(load=load, source_files=source_files,
                                          rows=sum(src.rows_read for src in sources)), progress=progress)
    tables = gate["tables"]
    validation_results.save(tables.results, validated_at)  # only now: a failed build leaves no results
    if bulletin:
        progress("bulletin")
    return BuildSummary(
        database=database,
        seconds=time.perf_counter() - started,
        files=tables.files,
        quality_seconds=found.seconds + gate["seconds"],
        rows_loaded=tables.rows_loaded,
        rows_quarantined=tables.quarantine.height,
        files_rejected=tables.files.filter(pl.col("status") == "rejected").height,
        warnings=tables.findings.filter(pl.col("severity") == "warning").height,
        quarantine=tables.quarantine,
        findings=tables.findings,
        bulletin=latest_bulletin(database) if bulletin else None,
        files_cached=found.cached,
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
             f"文件 files: {s.files.height}，其中 {s.files_cached} 个未变、取自缓存 | "
             f"{s.files_cached} unchanged, from the cache (python -m pipelines build --full reads all)", "",
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
