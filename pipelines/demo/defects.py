"""Bad input for the quality gate (DOMAIN.md section 7): which files get which problems, and the
problems applied to the rendered frames."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

import numpy as np
import polars as pl

from pipelines.demo.region import SNAPSHOTS_FROM, County, month_label, quarter_starts
from pipelines.demo.story import USCC_CHARS

FULL_WIDTH = str.maketrans("0123456789 ", "０１２３４５６７８９　")


class Defects:
    """Plans which files get which problems and applies them to the rendered frames.
    Disabled, every hook returns its input unchanged."""

    def __init__(self, enabled: bool, seed: int, counties: list[County], through: int):
        self.enabled = enabled
        self.rng = np.random.default_rng([seed, 999])
        ad = [c.adcode for c in counties]
        # distinct periods, never the latest one (an unusable latest file would hide the month)
        months = itertools.cycle(self.rng.permutation(range(SNAPSHOTS_FROM + 1, through)).tolist()
                                 or [SNAPSHOTS_FROM])
        quarters = itertools.cycle(self.rng.permutation(quarter_starts(through)[:-1]).tolist() or [SNAPSHOTS_FROM])

        def month() -> str:
            return month_label(next(months))

        def quarter() -> str:
            q = next(quarters)
            return f"{q // 12}Q{q % 12 // 3 + 1}"

        self.plan: dict[tuple[str, str, str], list[str]] = {}
        for key, what in (
            (("compounds", ad[0], month()), ["fullwidth", "formula", "negative_households"]),
            (("compounds", ad[1], month()), ["duplicate", "blank_row", "occupied_over", "youwu"]),
            (("compounds", ad[3], month()), ["bad_check", "wrong_place", "unknown_county"]),
            (("compounds", ad[2], month()), ["drop_mode"]),
            (("compounds", ad[2], month()), ["lost_zero"]),
            (("committees", ad[0], month()), ["serial_dates"]),
            (("committees", ad[2], month()), ["compact_dates"]),
            (("complaints", "", month()), ["gb18030"]),
            (("complaints", "", month()), ["utf8_bom"]),
            (("complaints", "", month()), ["duplicate", "closed_before", "formula", "fullwidth_phone",
                                           "lost_zero", "unknown_county"]),
            (("inspections", ad[1], quarter()), ["compact_dates", "bad_check"]),
            (("rectifications", ad[0], ""), ["closed_without_date"]),
            (("mediations", ad[2], quarter()), ["total_row", "blank_row"]),
            (("credit_events", "", month()), ["ideographic_code"]),
        ):
            self.plan.setdefault(key, []).extend(what)

    def encoding(self, period: str, default: str) -> str:
        what = self.plan.get(("complaints", "", period), []) if self.enabled else []
        return "gb18030" if "gb18030" in what else "utf-8-sig" if "utf8_bom" in what else default

    def apply(self, ledger: str, county: str, period: str, df: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
        if not self.enabled or df.height == 0:
            return df
        for what in self.plan.get((ledger, county, period), []):
            df = getattr(self, "_" + what)(df, names)
        return df

    # -- helpers
    def _row(self, df: pl.DataFrame) -> int:
        """A row away from the edges where there is room."""
        return self._rows(df, 1)[0]

    def _rows(self, df: pl.DataFrame, k: int) -> list[int]:
        """k distinct rows, away from the edges where there is room."""
        lo, hi = (0, df.height) if df.height < 3 else (1, df.height - 1)
        return sorted(int(r) for r in self.rng.choice(np.arange(lo, hi), min(k, hi - lo), replace=False))

    @staticmethod
    def _set(df: pl.DataFrame, row: int, header: str, value) -> pl.DataFrame:
        values = df[header].to_list()
        values[row] = value
        kinds = {type(v) for v in values if v is not None}
        dtype = pl.Object if len(kinds) > 1 else None
        return df.with_columns(pl.Series(header, values, dtype=dtype))

    # -- the problems
    def _fullwidth(self, df, names):
        for r in self._rows(df, max(2, df.height // 100)):
            df = self._set(df, r, names["households"], str(df[names["households"]][r]).translate(FULL_WIDTH))
        r = self._row(df)
        return self._set(df, r, names["compound_name"], "　" + df[names["compound_name"]][r] + "　")

    def _formula(self, df, names):
        header = names.get("project_manager") or names["content"]
        return self._set(df, self._row(df), header, '=HYPERLINK("http://example.com/x","点击查看详情")')

    def _negative_households(self, df, names):
        return self._set(df, self._row(df), names["households"], -5)

    def _occupied_over(self, df, names):
        r = self._row(df)
        return self._set(df, r, names["occupied_households"], int(df[names["households"]][r]) + 37)

    def _duplicate(self, df, names):
        r = self._row(df)
        return pl.concat([df[: r + 1], df[r: r + 1], df[r + 1:]], how="vertical_relaxed")

    def _blank_row(self, df, names):
        r = self._row(df)
        blank = pl.DataFrame([pl.Series(c, [None], dtype=t) for c, t in df.schema.items()])
        return pl.concat([df[:r], blank, df[r:]], how="vertical_relaxed")

    def _total_row(self, df, names):
        first = df.columns[0]
        total = pl.DataFrame([pl.Series(c, ["合计" if c == first else None], dtype=pl.String) for c in df.columns])
        return pl.concat([df.cast(pl.String), total])

    def _youwu(self, df, names):
        for key in ("disclosure_posted", "has_elevator"):
            header = names[key]
            for r in self._rows(df, 3):
                df = self._set(df, r, header, "有" if df[header][r] else "无")
        return df

    def _bad_check(self, df, names):
        header = names["firm_credit_code"]
        rows = [i for i, v in enumerate(df[header]) if v]
        if not rows:
            return df
        r = rows[int(self.rng.integers(len(rows)))]
        code = df[header][r]
        wrong = USCC_CHARS[(USCC_CHARS.index(code[-1]) + 7) % 31]
        return self._set(df, r, header, code[:-1] + wrong)

    def _wrong_place(self, df, names):
        r = self._row(df)
        df = self._set(df, r, names["lon"], 102.641)
        return self._set(df, r, names["lat"], 37.928)

    def _unknown_county(self, df, names):
        return self._set(df, self._row(df), names["county"], "凉洲区")

    def _drop_mode(self, df, names):
        return df.drop(names["management_mode"])

    def _lost_zero(self, df, names):
        header = names["compound_id"]
        rows = [i for i, v in enumerate(df[header]) if v and v.startswith("0")]
        for r in rows[:3]:
            df = self._set(df, r, header, df[header][r].lstrip("0") if "content" in names else
                           int(df[header][r]))
        return df

    def _serial_dates(self, df, names):
        header = names["established_on"]
        for r in self._rows(df, max(2, df.height // 100)):
            v = df[header][r]
            if isinstance(v, date):
                df = self._set(df, r, header, (v - date(1899, 12, 30)).days)
        return df

    def _compact_dates(self, df, names):
        header = names.get("established_on") or names["inspected_on"]
        for r in self._rows(df, max(2, df.height // 50)):
            v = df[header][r]
            if v:
                d = v if isinstance(v, date) else _parse_any_date(v)
                df = self._set(df, r, header, d.strftime("%Y%m%d"))
        return df

    def _closed_before(self, df, names):
        rows = [i for i, v in enumerate(df[names["closed_at"]]) if v]
        r = rows[len(rows) // 2]
        received = datetime.strptime(df[names["received_at"]][r], "%Y-%m-%d %H:%M:%S")
        return self._set(df, r, names["closed_at"], (received - timedelta(hours=5)).strftime("%Y-%m-%d %H:%M:%S"))

    def _fullwidth_phone(self, df, names):
        r = self._row(df)
        return self._set(df, r, names["complainant_phone"], df[names["complainant_phone"]][r].translate(FULL_WIDTH))

    def _closed_without_date(self, df, names):
        rows = [i for i, v in enumerate(df[names["status"]]) if v == "已销号"]
        return self._set(df, rows[len(rows) // 3], names["closed_on"], None) if rows else df

    def _ideographic_code(self, df, names):
        header = names["firm_credit_code"]
        r = self._row(df)
        return self._set(df, r, header, df[header][r][:9] + "　" + df[header][r][9:])

    def _gb18030(self, df, names):
        # a caller whose name needs GB18030 (not in GBK): a reader that tries only GBK fails here
        return self._set(df, self._row(df), names["complainant_name"], "王䶮")

    def _utf8_bom(self, df, names):
        return df


def _parse_any_date(text: str) -> date:
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)
