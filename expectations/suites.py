"""The quality suites, one per ledger of DOMAIN.md section 4, defined here in code.

Severity follows DOMAIN.md section 8, "a bad cell is not a missing compound":

- a row whose key or scope cannot be established is quarantined (error): a defect in its key
  (e.g. compound_id + as_of), in its county where the ledger requires one, or in the date that
  places it in a month (the ledger's main_date, where required). Such a row cannot be counted
  anywhere without guessing where or when.
- any other cell that breaks a value rule (unreadable, not in the list, out of range, a bad code)
  is set to null and recorded with its file, row, column, original text and rule (severity
  "cell", audit_cell_findings); the row is loaded and stays in every count.
- a warning loads the value as sent (or as cleaned: spaces removed from a code, the county taken
  from the file, lost leading zeros restored) and flags it.

What a metric does with a nulled required cell: the row stays in every count that does not need
the cell; a figure that needs it leaves the row out and says how many it left out. A compound
whose households were nulled stays in coverage and committee coverage (by compounds); only the
household-weighted figures leave it out, and say so: households_unknown in mart_coverage_monthly
(household coverage) and mart_complaint_rate_monthly (complaints per 1,000 households). A
compound whose management mode was nulled stays in the denominator and is not counted covered
(the county has not shown it is served by a firm), so it is among the remaining; mode_unknown
in mart_coverage_monthly counts it. Leaving such rows out of the denominator instead would
silently raise a county's coverage by losing its worst-kept rows.

The exceptions, each for its reason:

- duplicates in one file (first kept) are errors: the later row would count twice. Across files a
  re-sent key is not a defect: the warehouse keeps the file sorted last (cumulative ledgers); but
  one snapshot key in two counties' files, and a row whose county is not its file's, are errors
  (county_rules): the row cannot be placed, and taking either county would move it in silence.
- 专业物业 without a firm code, and 已销号 without a 销号日期, are warnings: the status is what the
  county reports (the compound counts as covered; the item counts as closed in every month, with
  an unknown close date that no month's closures and days-to-close count, and
  mart_rectification_monthly counts in close_date_unknown). A firm code without 专业物业, or a date without
  已销号, is a warning too.
- a reference to a compound or firm missing from this build is a warning everywhere: the event
  (a complaint, an inspection, a rectification item) happened and still counts city-wide; the
  county is asked to correct the code. DOMAIN.md says unmatched complaints stay, flagged.
- a formula-like cell is a warning: the value is kept, downloads neutralise it.
- the reported quarter of an inspection is a warning: the warehouse takes the quarter from the date.
- a column of the wrong type after reading is critical: the reader broke its contract, so the
  ledger's files cannot be trusted.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl

from contract.ledgers import LEDGERS, Ledger, NotAbove
from expectations import credit_code
from expectations.rules import CELL, CRITICAL, ERROR, UNIDENTIFIED, WARNING, Expectation, Rule, label_en, label_zh
from readers import normalise as nz

EARLIEST_DATE = date(1950, 1, 1)
LATEST_COMPARED = date(2262, 1, 1)  # GX compares nanosecond datetimes: a later date is compared as this one
EVENT_DAYS_AHEAD = 365          # a date something happened: at most a year ahead (typos such as 2052)
PLANNED_DAYS_AHEAD = 10 * 365   # contract ends, terms and deadlines run years ahead
PLANNED_DATES = frozenset({"contract_end", "term_end", "deadline", "due_at"})

# The pandas type each column kind arrives as (see run_gx.to_pandas), as GX names it.
PANDAS_TYPES = {"str": "str", "code": "str", "enum": "str", "county": "str", "int": "int64",
                "float": "float64", "rate": "float64", "bool": "bool", "date": "datetime64",
                "datetime": "datetime64"}
TYPE_ZH = {"str": "文本", "code": "编码", "enum": "文本", "county": "县区代码", "int": "整数", "float": "数字",
           "rate": "比率", "bool": "是/否", "date": "日期", "datetime": "日期时间"}
KIND_ZH = {"int": "整数", "float": "数字", "rate": "比率（如 0.85 或 85%）", "bool": "是/否",
           "date": "日期", "datetime": "日期时间", "county": "本市的县区名称或代码",
           "code": "编码（不能是科学计数法）"}
KIND_EN = {"int": "a whole number", "float": "a number", "rate": "a rate (0.85 or 85%)", "bool": "yes/no",
           "date": "a date", "datetime": "a date and time", "county": "a county of the region",
           "code": "an identifier (not in scientific notation)"}


def catalogue(today: date) -> list[Rule]:
    """Every rule of every suite, in the order a row's first error is chosen by."""
    return [*(rule for ledger in LEDGERS.values() for rule in suite(ledger, today)), file_rule(UNIDENTIFIED)]


def suite(ledger: Ledger, today: date) -> list[Rule]:
    return [
        file_rule(ledger.name), *type_rules(ledger), *reader_rules(ledger), *required_rules(ledger),
        *allowed_value_rules(ledger), *date_rules(ledger, today), *range_rules(ledger, today),
        *format_rules(ledger), *credit_code_rules(ledger), *cross_field_rules(ledger),
        *duplicate_rules(ledger), *county_rules(ledger), *leading_zero_rules(ledger), *point_rules(ledger),
        *reference_rules(ledger),
    ]


def _needed(ledger: Ledger, column: str) -> bool:
    """Required by the ledger, or part of its key (a snapshot's as_of, filled from the file's month
    where empty, places every row in its month)."""
    return ledger.column(column).required or column in ledger.key


def _establishes(ledger: Ledger, column: str) -> bool:
    """Part of what a row needs to be counted at all: its key, or its scope (the county, the date
    that places it in a month) where the ledger requires it."""
    c = ledger.column(column)
    return column in ledger.key or (c.required and (c.kind == "county" or column == ledger.main_date))


def _severity(ledger: Ledger, column: str) -> str:
    return ERROR if _establishes(ledger, column) else CELL


def _gx(ledger: Ledger, name: str, rule_column: str, severity: str, zh: str, en: str, kind: str,
        when: tuple | None = None, **kwargs) -> Rule:
    return Rule(ledger.name, name, rule_column, severity, zh, en, "gx", Expectation(kind, kwargs, when))


def file_rule(ledger_name: str) -> Rule:
    return Rule(ledger_name, "file_usable", None, CRITICAL,
                "文件能打开、能识别是哪类台账、必填列齐全且有数据行",
                "the file opens, its ledger is recognised, its required columns are present and it has data rows",
                "file")


def type_rules(ledger: Ledger) -> list[Rule]:
    return [_gx(ledger, "type", c.name, CRITICAL, f"{label_zh(ledger, c.name)} 读取后应为{TYPE_ZH[c.kind]}类型",
                f"{c.name} must arrive typed as {c.kind}", "ExpectColumnValuesToBeOfType",
                column=c.name, type_=PANDAS_TYPES[c.kind])
            for c in ledger.columns if not c.pii]


def reader_rules(ledger: Ledger) -> list[Rule]:
    """The cells the reader could not read (its `_issues`), one rule per column and issue."""
    rules = []
    for c in ledger.columns:
        if c.pii:
            continue
        if c.kind in nz.RULES:
            rules.append(Rule(ledger.name, nz.RULES[c.kind], c.name, _severity(ledger, c.name),
                              f"{label_zh(ledger, c.name)} 应能识别为{KIND_ZH[c.kind]}",
                              f"{label_en(ledger, c.name)} must be readable as {KIND_EN[c.kind]}", "reader",
                              exempt=_exempt(c)))
        if c.kind == "code":
            rules.append(Rule(ledger.name, nz.CODE_SPACES, c.name, WARNING,
                              f"{label_zh(ledger, c.name)} 中不应有空格（已去掉，含全角空格）",
                              f"{label_en(ledger, c.name)} should hold no spaces (removed, ideographic ones too)",
                              "reader"))
        if c.name == "county":
            rules.append(Rule(ledger.name, nz.COUNTY_FROM_FILE, c.name, WARNING,
                              f"{label_zh(ledger, c.name)} 无法识别，按文件所属县区计入（标题、文件名或其余各行）",
                              f"{label_en(ledger, c.name)} is unrecognisable: the county of the file is taken "
                              "(its title, file name or every other row)", "reader"))
        if c.kind in nz.TEXT_KINDS:
            rules.append(Rule(ledger.name, nz.FORMULA_LIKE, c.name, WARNING,
                              f"{label_zh(ledger, c.name)} 不应以 = + - @ 开头（再导出到表格软件时会被当作公式执行）",
                              f"{label_en(ledger, c.name)} should not begin with = + - @ "
                              "(a spreadsheet would run it as a formula)", "reader"))
    return rules


def required_rules(ledger: Ledger) -> list[Rule]:
    return [_gx(ledger, "required", c.name, _severity(ledger, c.name), f"{label_zh(ledger, c.name)} 为必填项，不能为空",
                f"{label_en(ledger, c.name)} is required", "ExpectColumnValuesToNotBeNull", column=c.name)
            for c in ledger.columns if _needed(ledger, c.name)]


def allowed_value_rules(ledger: Ledger) -> list[Rule]:
    return [_gx(ledger, "allowed_values", c.name, _severity(ledger, c.name),
                f"{label_zh(ledger, c.name)} 只能是：{'、'.join(c.values)}",
                f"{label_en(ledger, c.name)} must be one of {', '.join(c.values)}",
                "ExpectColumnValuesToBeInSet", column=c.name, value_set=list(c.values))
            for c in ledger.columns if c.kind == "enum"]


def latest_day(column: str, today: date) -> date:
    """The latest day a date in `column` may be (date_rules)."""
    return today + timedelta(days=PLANNED_DAYS_AHEAD if column in PLANNED_DATES else EVENT_DAYS_AHEAD)


def date_rules(ledger: Ledger, today: date) -> list[Rule]:
    rules = []
    for c in ledger.columns:
        if c.kind not in ("date", "datetime"):
            continue
        latest = latest_day(c.name, today)
        rules.append(_gx(ledger, "date_range", c.name, _severity(ledger, c.name),
                         f"{label_zh(ledger, c.name)} 应在 {EARLIEST_DATE} 至 {latest} 之间",
                         f"{label_en(ledger, c.name)} must lie between {EARLIEST_DATE} and {latest}",
                         "ExpectColumnValuesToBeBetween", column=c.name,
                         min_value=datetime.combine(EARLIEST_DATE, datetime.min.time()),
                         max_value=datetime.combine(latest, datetime.max.time())))
    return rules


def range_rules(ledger: Ledger, today: date) -> list[Rule]:
    rules = []
    for c in ledger.columns:
        low, high, strict = c.low, today.year if c.up_to_this_year else c.high, c.low_exclusive
        if low is None and high is None:
            continue
        if high is None:
            zh, en = (f"应大于 {low}", f"must be greater than {low}") if strict else \
                (f"应不小于 {low}", f"must be at least {low}")
        elif low is None:
            zh, en = f"应不大于 {high}", f"must be at most {high}"
        else:
            zh, en = f"应在 {low} 至 {high} 之间", f"must lie between {low} and {high}"
        rules.append(_gx(ledger, "range", c.name, _severity(ledger, c.name), f"{label_zh(ledger, c.name)} {zh}",
                         f"{label_en(ledger, c.name)} {en}", "ExpectColumnValuesToBeBetween", column=c.name,
                         min_value=low, max_value=high, strict_min=strict))
    return rules


def _exempt(c) -> pl.Expr | None:
    """The condition under which an unreadable cell of c is no defect (its declaration's exempt_when)."""
    if c.exempt_when is None:
        return None
    column, value = c.exempt_when
    return pl.col(column) == value


def valid_days(ledger: Ledger, frame: pl.DataFrame, today: date) -> pl.DataFrame:
    """Per file (`_file`) of frame, rows of `ledger`: `valid_from` and `valid_until`, the first and the
    last day `today` may be for the rules that depend on it (date_rules, the built year's range) to
    find what they find on `today` (null: no bound). As today moves, the latest allowed date moves
    past the dates of the file; its verdicts change only when it passes one."""
    bounds = []
    for c in ledger.columns:
        if c.kind in ("date", "datetime"):
            ahead = latest_day(c.name, today) - today
            day = pl.col(c.name).cast(pl.Date).clip(upper_bound=LATEST_COMPARED)
            checked = day >= EARLIEST_DATE
            bounds.append((day.filter(checked & (day <= today + ahead)).max() - ahead,
                           day.filter(day > today + ahead).min() - ahead - timedelta(days=1)))
        elif c.up_to_this_year:  # its high bound is this year
            year = pl.col(c.name).clip(1, 9999).cast(pl.Int32)
            passed, failed = year.filter((year >= (c.low or 1)) & (year <= today.year)), year.filter(year > today.year)
            bounds.append((pl.date(passed.max(), 1, 1), pl.date(failed.min() - 1, 12, 31)))
    if not bounds:
        return frame.group_by("_file").agg(valid_from=pl.lit(None, pl.Date), valid_until=pl.lit(None, pl.Date))
    per_file = frame.group_by("_file").agg(*(first.alias(f"from{i}") for i, (first, _) in enumerate(bounds)),
                                           *(last.alias(f"until{i}") for i, (_, last) in enumerate(bounds)))
    return per_file.select("_file", valid_from=pl.max_horizontal(pl.selectors.starts_with("from")),
                           valid_until=pl.min_horizontal(pl.selectors.starts_with("until")))


def format_rules(ledger: Ledger) -> list[Rule]:
    return [_gx(ledger, "format", c.name, severity, f"{label_zh(ledger, c.name)} 应写作 {example} 这样的形式",
                f"{label_en(ledger, c.name)} must be written like {example}",
                "ExpectColumnValuesToMatchRegex", column=c.name, regex=regex)
            for c in ledger.columns if c.pattern for regex, example, severity in [c.pattern]]


def credit_code_rules(ledger: Ledger) -> list[Rule]:
    """The form by GX (a pattern), the check character in Polars (a weighted sum GX cannot express)."""
    if "firm_credit_code" not in ledger.column_names:
        return []
    column, severity = "firm_credit_code", _severity(ledger, "firm_credit_code")
    return [
        _gx(ledger, "credit_code_format", column, severity,
            f"{label_zh(ledger, column)} 应为 18 位数字或大写字母（不含 I、O、S、V、Z）",
            f"{label_en(ledger, column)} must be 18 digits or capital letters (no I, O, S, V, Z)",
            "ExpectColumnValuesToMatchRegex", column=column, regex=credit_code.FORM),
        Rule(ledger.name, "credit_code_check", column, severity,
             f"{label_zh(ledger, column)} 的第 18 位校验码应符合 GB 32100-2015",
             f"{label_en(ledger, column)}: the 18th (check) character must agree with GB 32100-2015", "polars"),
    ]


def cross_field_rules(ledger: Ledger) -> list[Rule]:
    """The ledger's rules across the columns of a row, as its declaration gives them."""
    lz, le = (lambda column: label_zh(ledger, column)), (lambda column: label_en(ledger, column))
    rules = []
    for check in ledger.across:
        if isinstance(check, NotAbove):
            low, high = check.low, check.high
            pair = {"column_A": high, "column_B": low, "or_equal": True, "ignore_row_if": "either_value_is_missing"}
            if ledger.column(high).kind in ("date", "datetime"):  # the later date is the one to check
                rules.append(_gx(ledger, check.rule, high, WARNING, f"{lz(high)} 不应早于 {lz(low)}",
                                 f"{le(high)} must not be before {le(low)}",
                                 "ExpectColumnPairValuesAToBeGreaterThanB", **pair))
            else:  # the count within the total
                rules.append(_gx(ledger, check.rule, low, WARNING, f"{lz(low)} 不应大于 {lz(high)}",
                                 f"{le(low)} must not exceed {le(high)}",
                                 "ExpectColumnPairValuesAToBeGreaterThanB", **pair))
        else:
            column, when, value = check.column, check.when, check.value
            rules += [
                _gx(ledger, f"{check.stem}_missing", column, WARNING,
                    f"{lz(when)} 为“{value}”时必须填写 {lz(column)}",
                    f"{le(column)} is required when {when} is {value}",
                    "ExpectColumnValuesToNotBeNull", column=column, when=(when, "==", value)),
                _gx(ledger, f"{check.stem}_unexpected", column, WARNING,
                    f"{lz(when)} 不是“{value}”时不应填写 {lz(column)}",
                    f"{le(column)} should be empty unless {when} is {value}",
                    "ExpectColumnValuesToBeNull", column=column, when=(when, "!=", value)),
            ]
    return rules


def duplicate_rules(ledger: Ledger) -> list[Rule]:
    """SQL: GX can find duplicates but not keep the first of them."""
    key = ",".join(ledger.key)
    key_zh = "+".join(label_zh(ledger, column) for column in ledger.key)
    return [
        Rule(ledger.name, "duplicate_row", key, ERROR, "同一文件中不应有完全相同的行（保留第一行）",
             "no row may repeat an earlier row of the same file exactly (the first is kept)", "sql"),
        Rule(ledger.name, "duplicate_key", key, ERROR, f"同一文件中 {key_zh} 不应重复（保留第一行）",
             f"the key {key} must be unique within a file (the first row is kept)", "sql"),
    ]


def leading_zero_rules(ledger: Ledger) -> list[Rule]:
    """SQL, before the other rules over all files (sql_checks.restore_lost_zeros): an all-digit compound id
    that is a 0-led id of the same county without its zeros is restored; one shorter than the
    county's 0-led ids that matches none is kept as typed."""
    if "compound_id" not in ledger.column_names:
        return []
    label = label_zh(ledger, "compound_id")
    return [
        Rule(ledger.name, "leading_zero_restored", "compound_id", WARNING,
             f"{label} 丢失了开头的 0（表格软件把编码当成了数字），已按本县区使用的编码补回",
             "compound_id lost its leading zeros (a spreadsheet took it for a number): restored to the id "
             "its county uses", "sql"),
        Rule(ledger.name, "leading_zero_lost", "compound_id", WARNING,
             f"{label} 可能丢失了开头的 0，但补 0 后不是本县区使用的编码，按原样入库",
             "compound_id may have lost its leading zeros, but no id of its county matches it padded: "
             "kept as typed", "sql"),
    ]


def county_rules(ledger: Ledger) -> list[Rule]:
    """Errors (the second in SQL, over all files): a row must not move between counties in silence.
    A row whose county is not its file's (a 古浪 row inside 凉州's file) and, in a snapshot, one key in
    files of two counties (the same compound in 凉州's and 古浪's file) cannot be placed: each is
    quarantined, its message naming both."""
    if "county" not in ledger.column_names:
        return []
    rules = [Rule(ledger.name, "county_mismatch", "county", ERROR,
                  f"{label_zh(ledger, 'county')} 应与文件所属县区（标题或文件名）一致",
                  "county must be the county of its file (its title or name)", "polars")]
    if ledger.snapshot:
        key = ",".join(ledger.key)
        rules.append(Rule(ledger.name, "key_in_two_counties", key, ERROR,
                          f"同一 {'+'.join(label_zh(ledger, c) for c in ledger.key)} 不应出现在两个县区的文件中",
                          f"the key {key} must not appear in the files of two counties", "sql"))
    return rules


def point_rules(ledger: Ledger) -> list[Rule]:
    if not {"lon", "lat", "county"} <= set(ledger.column_names):
        return []
    return [Rule(ledger.name, "outside_county", "lon,lat", WARNING, "经纬度应位于所属县区的行政区域内",
                 "the point (lon, lat) must lie inside its county", "polars")]


def reference_rules(ledger: Ledger) -> list[Rule]:
    """Checked on the rows kept after the error rules, against the rows kept of the ledger referenced."""
    rules = []
    if "compound_id" in ledger.column_names and ledger.name != "compounds":
        rules.append(Rule(ledger.name, "unknown_compound", "compound_id", WARNING,
                          f"{label_zh(ledger, 'compound_id')} 应是本次构建中小区台账里的小区",
                          "compound_id must name a compound of the compounds ledger in this build",
                          "sql", references="compounds"))
    if "firm_credit_code" in ledger.column_names and ledger.name != "firms":
        rules.append(Rule(ledger.name, "unknown_firm", "firm_credit_code", WARNING,
                          f"{label_zh(ledger, 'firm_credit_code')} 应是本次构建中物业服务企业台账里的企业",
                          "firm_credit_code must name a firm of the firms ledger in this build",
                          "sql", references="firms"))
    return rules
