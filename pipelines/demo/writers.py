"""The files: each ledger rendered the way its county writes it (headers, dates, booleans, rates), written
as XLSX or CSV under the name, title and 填报日期 a county would give it, dated when it was sent."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
import xlsxwriter

from contract.ledgers import LEDGERS, Ledger
from pipelines.demo.city import City
from pipelines.demo.complaints import complaints_month
from pipelines.demo.credit import CreditBook, credit_events_frame
from pipelines.demo.defects import Defects
from pipelines.demo.frames import (
    committees_frame,
    compounds_frame,
    firms_frame,
    grades_frame,
    mediations_frame,
    meetings_frame,
    utilities_frame,
)
from pipelines.demo.region import (
    COMPLAINTS_FROM,
    SNAPSHOTS_FROM,
    UTILITY_CENSUS,
    County,
    month_label,
    month_start,
    quarter_starts,
    year_quarter,
)
from pipelines.demo.story import PROFILES, Style

Progress = Callable[[str], None]
SUM_COLUMNS = {"floor_area_m2", "buildings", "households", "occupied_households", "members",
               "party_members", "findings", "penalty_cny"}


def render(df: pl.DataFrame, ledger: Ledger, style: Style | None, *, excel_dates: bool) -> pl.DataFrame:
    """Canonical frame -> the frame as written: headers in Chinese (or the county's aliases),
    dates, booleans and rates the way that county writes them."""
    style = style or Style("", "", "iso", "yesno", "number", None)
    exprs = []
    for name in df.columns:
        if name.startswith("_"):
            continue
        col = ledger.column(name)
        e = pl.col(name)
        dtype = df.schema[name]
        if dtype == pl.String:
            pass
        elif col.kind == "bool" and name == "is_local":
            e = pl.when(e).then(pl.lit("本地")).otherwise(pl.lit("外地"))
        elif col.kind == "bool" and style.bools == "tick":
            e = pl.when(e).then(pl.lit("√")).otherwise(pl.lit(None, pl.String))
        elif col.kind == "bool":
            e = pl.when(e).then(pl.lit("是")).when(e.not_()).then(pl.lit("否"))
        elif dtype == pl.Date and not (style.dates == "excel" and excel_dates):
            fmt = {"slash": "%Y/%-m/%-d", "cn": "%Y年%-m月%-d日"}.get(style.dates, "%Y-%m-%d")
            e = e.dt.strftime(fmt)
        elif col.kind == "rate" and style.rate == "percent":
            e = (e * 100).round(0).cast(pl.Int64).cast(pl.String) + pl.lit("%")
        alias = style.aliases.get(name)
        exprs.append(e.alias(alias if alias in col.headers else col.zh))
    return df.select(exprs)


def write_xlsx(path: Path, title: str, unit: str, filled: date, df: pl.DataFrame, totals: list | None) -> None:
    wb = xlsxwriter.Workbook(str(path), {"in_memory": True, "strings_to_formulas": False,
                                         "strings_to_urls": False, "default_date_format": "yyyy-mm-dd"})
    wb.set_properties({"created": datetime(filled.year, filled.month, filled.day, 9, 0, 0), "author": unit,
                       "title": title})
    bold = wb.add_format({"bold": True, "align": "center", "font_size": 14})
    head = wb.add_format({"bold": True, "border": 1, "align": "center", "text_wrap": True})
    ws = wb.add_worksheet("Sheet1")
    ncol = max(2, df.width)
    ws.merge_range(0, 0, 0, ncol - 1, title, bold)
    ws.merge_range(1, 0, 1, ncol - 1, f"填报单位：{unit}　　填报日期：{_zh_date(filled)}")
    ws.write_row(2, 0, df.columns, head)
    ws.set_column(0, ncol - 1, 14)
    r = 3
    for row in df.iter_rows():
        ws.write_row(r, 0, row)
        r += 1
    if totals is not None:
        ws.write_row(r, 0, totals)
    wb.close()


def _totals(df: pl.DataFrame, canonical: list[str]) -> list:
    """The 合计 row: sums under the summable columns."""
    out: list = []
    for i, name in enumerate(canonical):
        col = df.get_column(df.columns[i])
        if name in SUM_COLUMNS and col.dtype.is_numeric():
            total = col.sum()
            out.append(round(total, 2) if isinstance(total, float) else total)
        else:
            out.append(None)
    out[0] = "合计"
    return out


def write_csv(path: Path, df: pl.DataFrame, encoding: str = "utf-8") -> None:
    df = df.with_columns(pl.Series(c, [None if v is None else str(v) for v in df[c].to_list()], dtype=pl.String)
                         for c, t in df.schema.items() if t == pl.Object)
    text = df.write_csv()
    path.write_bytes(("\ufeff" + text).encode() if encoding == "utf-8-sig" else text.encode(encoding))


def _zh_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


LATE_SHARE = 0.06  # of the files sent after their deadline (the 5th), by up to LATE_DAYS days
LATE_DAYS = 15


class Writer:
    """Writes one ledger file: XLSX with title, unit line, headers and 合计 (scale <= 5), else CSV. Each file's
    modification time is when its county sent it (the submission tracker reads it): in the days up to its
    填报日期, or for a few files up to LATE_DAYS after it; never later than now."""

    def __init__(self, landing: Path, xlsx: bool, defects: Defects, progress: Progress | None, seed: int):
        self.landing, self.xlsx, self.defects, self.progress = landing, xlsx, defects, progress
        self.rows: dict[str, int] = dict.fromkeys(LEDGERS, 0)
        self.sending = np.random.default_rng([seed, 40])

    def sheet(self, ledger: Ledger, df: pl.DataFrame, *, stem: str, title: str, unit: str, filled: date,
              style: Style | None, county: str, period: str) -> None:
        canonical = [c for c in df.columns if not c.startswith("_")]
        out = render(df, ledger, style, excel_dates=self.xlsx)
        names = dict(zip(canonical, out.columns, strict=True))
        totals = _totals(out, canonical) if self.xlsx else None
        out = self.defects.apply(ledger.name, county, period, out, names)
        if self.xlsx:
            path = self.landing / f"{stem}.xlsx"
            write_xlsx(path, title, unit, filled, out, totals)
        else:
            path = self.landing / f"{stem}.csv"
            write_csv(path, out)
        self._done(ledger, df.height, path, filled)

    def table(self, ledger: Ledger, df: pl.DataFrame, *, name: str, encoding: str, county: str,
              period: str, filled: date) -> None:
        canonical = [c for c in df.columns if not c.startswith("_")]
        out = render(df, ledger, None, excel_dates=False)
        names = dict(zip(canonical, out.columns, strict=True))
        out = self.defects.apply(ledger.name, county, period, out, names)
        path = self.landing / name
        write_csv(path, out, encoding)
        self._done(ledger, df.height, path, filled)

    def _done(self, ledger: Ledger, rows: int, path: Path, filled: date) -> None:
        late = self.sending.random() < LATE_SHARE
        days = int(self.sending.integers(1, LATE_DAYS + 1)) if late else -int(self.sending.integers(0, 5))
        sent = datetime.combine(filled + timedelta(days=days), datetime.min.time(), ZoneInfo("Asia/Shanghai"))
        moment = min(sent.timestamp() + float(self.sending.integers(9 * 3600, 18 * 3600)), time.time())
        os.utime(path, (moment, moment))
        self.rows[ledger.name] += rows
        if self.progress:
            self.progress(f"{ledger.name}: {path.name} ({rows} rows)")


def _filled(m: int) -> date:
    """填报日期: the 5th of the month after the period."""
    return month_start(m + 1) + timedelta(days=4)


def _unit(county: County) -> str:
    return county.name + "住房和城乡建设局"


def write_snapshots(city: City, out: Writer, last: int) -> None:
    for m in range(SNAPSHOTS_FROM, last + 1):
        y, mo = m // 12, m % 12 + 1
        for ci, county in enumerate(city.region.counties):
            style = PROFILES[county.adcode].style
            df = compounds_frame(city, ci, m)
            if out.xlsx and (style.as_of_from is None or m < style.as_of_from):
                df = df.drop("as_of")
            out.sheet(LEDGERS["compounds"], df, stem=f"{county.name}_住宅小区物业管理台账_{month_label(m)}",
                      title=f"{county.name}住宅小区物业管理台账（{y}年{mo}月）", unit=_unit(county),
                      filled=_filled(m), style=style, county=county.adcode, period=month_label(m))
            df = committees_frame(city, ci, m)
            if out.xlsx:
                df = df.drop("as_of")
            out.sheet(LEDGERS["committees"], df, stem=f"{county.name}_业主大会业主委员会台账_{month_label(m)}",
                      title=f"{county.name}业主大会业主委员会台账（{y}年{mo}月）", unit=_unit(county),
                      filled=_filled(m), style=style, county=county.adcode, period=month_label(m))


def write_firms(city: City, out: Writer, last: int) -> None:
    y, mo = last // 12, last % 12 + 1
    out.sheet(LEDGERS["firms"], firms_frame(city, last), stem=f"武威市_物业服务企业台账_{month_label(last)}",
              title=f"武威市物业服务企业台账（截至{y}年{mo}月）", unit="武威市住房和城乡建设局",
              filled=_filled(last), style=PROFILES[city.region.counties[0].adcode].style, county="",
              period=month_label(last))


def write_grades(city: City, out: Writer, last: int) -> None:
    for p, end in enumerate(city.period_end):
        if end > last:
            break
        y, h = end // 12, 1 if end % 12 < 6 else 2
        for ci, county in enumerate(city.region.counties):
            out.sheet(LEDGERS["grade_assessments"], grades_frame(city, ci, p),
                      stem=f"{county.name}_物业服务等级考评_{y}H{h}",
                      title=f"{county.name}物业服务等级考评结果（{y}年{'上' if h == 1 else '下'}半年）",
                      unit=_unit(county), filled=_filled(end), style=PROFILES[county.adcode].style,
                      county=county.adcode, period=f"{y}H{h}")


def write_quarterly(city: City, out: Writer, inspections: pl.DataFrame, last: int) -> None:
    columns = [c.name for c in LEDGERS["inspections"].columns]
    for q0 in quarter_starts(last):
        y, q = year_quarter(q0)
        for ci, county in enumerate(city.region.counties):
            df = inspections.filter((pl.col("_ci") == ci) & (pl.col("quarter") == f"{y}Q{q}"))
            if df.height == 0:
                continue  # no round held: no record sent
            out.sheet(LEDGERS["inspections"], df.select(columns), stem=f"{county.name}_双随机一公开检查记录_{y}Q{q}",
                      title=f"{county.name}双随机、一公开检查记录（{y}年第{q}季度）", unit=_unit(county),
                      filled=_filled(min(q0 + 2, last)), style=PROFILES[county.adcode].style,
                      county=county.adcode, period=f"{y}Q{q}")


def write_rectifications(city: City, out: Writer, items: pl.DataFrame, last: int) -> None:
    columns = [c.name for c in LEDGERS["rectifications"].columns]
    y, mo = last // 12, last % 12 + 1
    for ci, county in enumerate(city.region.counties):
        df = items.filter(pl.col("_ci") == ci).select(columns)
        out.sheet(LEDGERS["rectifications"], df, stem=f"{county.name}_问题整改销号台账_{month_label(last)}",
                  title=f"{county.name}问题整改销号台账（截至{y}年{mo}月）", unit=_unit(county),
                  filled=_filled(last), style=PROFILES[county.adcode].style, county=county.adcode, period="")


def write_utilities(city: City, out: Writer, last: int) -> None:
    for m in sorted({min(UTILITY_CENSUS, last), last}):
        y, mo = m // 12, m % 12 + 1
        for ci, county in enumerate(city.region.counties):
            out.sheet(LEDGERS["utilities"], utilities_frame(city, ci, m),
                      stem=f"{county.name}_水电气暖产权排查台账_{month_label(m)}",
                      title=f"{county.name}水电气暖产权排查台账（{y}年{mo}月）", unit=_unit(county),
                      filled=_filled(m), style=PROFILES[county.adcode].style, county=county.adcode,
                      period=month_label(m))


def write_mediations_and_meetings(city: City, out: Writer, seed: int, last: int) -> None:
    for q0 in quarter_starts(last):
        y, q = year_quarter(q0)
        for ci, county in enumerate(city.region.counties):
            rng = np.random.default_rng([seed, 30, q0, ci])
            out.table(LEDGERS["mediations"], mediations_frame(city, rng, ci, q0, last),
                      name=f"{county.name}_人民调解台账_{y}Q{q}.csv", encoding="utf-8-sig",
                      county=county.adcode, period=f"{y}Q{q}", filled=_filled(min(q0 + 2, last)))
            out.table(LEDGERS["joint_meetings"], meetings_frame(city, rng, ci, q0, last),
                      name=f"{county.name}_三方联动联席会议台账_{y}Q{q}.csv", encoding="utf-8-sig",
                      county=county.adcode, period=f"{y}Q{q}", filled=_filled(min(q0 + 2, last)))


def write_complaints(city: City, out: Writer, seed: int, book: CreditBook, last: int) -> None:
    seen = np.zeros(city.n * 4, bool)
    ledger = LEDGERS["complaints"]
    for m in range(COMPLAINTS_FROM, last + 1):
        df = complaints_month(city, m, last, seed, book, seen)
        period = month_label(m)
        out.table(ledger, df, name=f"武威市12345热线物业工单_{period}.csv",
                  encoding=out.defects.encoding(period, "gbk"), county="", period=period, filled=_filled(m))


def write_credit_events(out: Writer, events: list[dict], last: int) -> None:
    ledger = LEDGERS["credit_events"]
    columns = [c.name for c in ledger.columns]
    for m in range(SNAPSHOTS_FROM, last + 1):
        df = credit_events_frame(events, m).select(columns)
        out.table(ledger, df, name=f"武威市_物业企业信用信息记录_{month_label(m)}.csv", encoding="utf-8",
                  county="", period=month_label(m), filled=_filled(m))
