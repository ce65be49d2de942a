"""What a bulletin says, read from the marts (read-only): every number here is selected, none derived.

`monthly(con, month)` and `year_end(con, month)` return plain dicts of text and numbers that the
Word and PDF templates lay out. Percentages are formatted for reading (one decimal); the tests
compare them with the marts at the same precision.
"""

from __future__ import annotations

from datetime import date

import duckdb

from contract import location

METRIC_ZH = {"coverage": "住宅小区专业物业服务覆盖率", "committee_coverage": "业主委员会（物业管理委员会）覆盖率",
             "complaint_rate_ratio": "物业投诉率（近12个月与基准年之比）"}
METRIC_ORDER = ["coverage", "committee_coverage", "complaint_rate_ratio"]
CN_DIGITS = "〇一二三四五六七八九"


def pct(x: float | None, digits: int = 1) -> str:
    return "—" if x is None else f"{x * 100:.{digits}f}%"


def pp(x: float | None) -> str:
    """A change of a share per month, in percentage points."""
    return "—" if x is None else f"{x * 100:.1f}"


def ym(d: date | None) -> str:
    return "—" if d is None else f"{d.year}年{d.month}月"


def ymd(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def chinese_date(d: date) -> str:
    """公文 dates are written in Chinese numerals: 二〇二六年十二月一日."""
    def small(n: int) -> str:
        tens, ones = divmod(n, 10)
        return (("" if tens == 1 else CN_DIGITS[tens]) + "十" if tens else "") + (CN_DIGITS[ones] if ones else "")
    return "".join(CN_DIGITS[int(c)] for c in str(d.year)) + f"年{small(d.month)}月{small(d.day)}日"


def rows(con: duckdb.DuckDBPyConnection, sql: str, *params) -> list[dict]:
    rel = con.execute(sql, list(params))
    names = [c[0] for c in rel.description]
    return [dict(zip(names, r, strict=True)) for r in rel.fetchall()]


def connect(database) -> duckdb.DuckDBPyConnection:
    """Read-only, with the app's settings (so both may hold the file in one process)."""
    return duckdb.connect(str(database), read_only=True, config=location.locked_config())


def month_end(con, month: date) -> date:
    got = con.execute("select last_day(?::date)", [month]).fetchone()[0]
    if not rows(con, "select 1 from mart_coverage_monthly where month = ? limit 1", got):
        raise ValueError(f"数据仓库中没有 {got:%Y-%m} 的数据 | The warehouse has no data for {got:%Y-%m}")
    return got


def header(con, month: date) -> dict:
    s = rows(con, """
        select s.city_code, c.name_zh as city, s.data_month, s.plan_baseline_month, r.finished_at, r.run_id
        from core_settings s join core_scopes c on c.scope_code = s.city_code,
             (select * from build_runs where status = 'succeeded' order by finished_at desc limit 1) r
    """)[0]
    issued = s["finished_at"].date()
    return {"city": s["city"], "city_code": s["city_code"], "year": month.year, "issue_no": month.month,
            "month_label": ym(month), "baseline": ym(s["plan_baseline_month"]),
            "issued": chinese_date(issued), "data_month": ym(s["data_month"]),
            "built": s["finished_at"].strftime("%Y-%m-%d %H:%M"), "run_id": s["run_id"]}


def targets(con, scope: str, month: date) -> list[dict]:
    out = []
    for r in rows(con, """
        select metric, deadline, target_value, actual, expected, status, required_rate, months_left,
               required_compounds_per_month, projected_month
        from mart_target_status where scope_code = ? and month = ? and is_active and metric in ?
    """, scope, month, METRIC_ORDER):
        ratio = r["metric"] == "complaint_rate_ratio"
        out.append({
            "metric": r["metric"], "name": METRIC_ZH[r["metric"]], "deadline": ymd(r["deadline"]),
            "target": ("不高于" if ratio else "") + pct(r["target_value"], 0), "actual": pct(r["actual"]),
            "expected": pct(r["expected"]), "status": r["status"], "months_left": r["months_left"],
            "required": pp(None if r["required_rate"] is None else abs(r["required_rate"])),
            "direction": "降低" if (r["required_rate"] or 0) < 0 else "提高",
            "required_compounds": None if r["required_compounds_per_month"] is None
            else f"{r['required_compounds_per_month']:g}",  # whole compounds (the mart rounds up)
            "projected": ym(r["projected_month"]) if r["status"] != "已完成" else "已完成",
        })
    return sorted(out, key=lambda r: METRIC_ORDER.index(r["metric"]))


def ranking(con, month: date) -> list[dict]:
    """The county ranking as the 总览 page has it: by coverage, with the statuses in words."""
    return [{**r, "coverage": pct(r["coverage"]), "committee_coverage": pct(r["committee_coverage"]),
             "rolling12_rate": "—" if r["rolling12_rate"] is None else f"{r['rolling12_rate']:.1f}",
             "coverage_status": r["coverage_status"] or "—", "committee_status": r["committee_status"] or "—"}
            for r in rows(con, """
        select r.rank, sc.name_zh as county, r.scope_code, r.coverage, r.coverage_status, r.remaining,
               r.committee_coverage, r.committee_status, r.rolling12_rate, r.overdue_items
        from mart_county_ranking_monthly r join core_scopes sc using (scope_code)
        where r.month = ?
        order by r.sort_order
    """, month)]


def criticised(con, month: date) -> list[dict]:
    """Counties 严重滞后 on a target in force, with the targets they are behind on."""
    return rows(con, """
        select sc.name_zh as county, string_agg(t.metric, ',' order by t.metric) as metrics
        from mart_target_status t join core_scopes sc on sc.scope_code = t.scope_code and sc.scope_level = 'county'
        where t.month = ? and t.is_active and t.status = '严重滞后'
        group by sc.name_zh, sc.sort_order, sc.scope_code order by sc.sort_order, sc.scope_code
    """, month)


def credit_lists(con, month: date) -> dict:
    quarter = rows(con, """select quarter, quarter_end from mart_firm_credit_quarterly
                           where quarter_end <= ? order by quarter_end desc limit 1""", month)
    if not quarter:
        return {"quarter": None, "in_progress": False, "red": [], "black": []}
    q = quarter[0]["quarter"]
    firms = rows(con, """select firm_name, score, level, list_zh from mart_firm_credit_quarterly
                         where quarter = ? and list_zh is not null order by score desc, firm_name""", q)
    firms = [{**f, "score": f"{f['score']:g}"} for f in firms]
    in_progress = quarter[0]["quarter_end"].month % 3 != 0  # the quarter is still under way (scores to date)
    return {"quarter": q, "in_progress": in_progress, "red": [f for f in firms if f["list_zh"] == "红榜"],
            "black": [f for f in firms if f["list_zh"] == "黑榜"][::-1]}


def overdue(con, month: date) -> list[dict]:
    """Per county: overdue rectification items at the month end and the longest overdue one."""
    return rows(con, """
        select sc.name_zh as county, x.overdue_items, x.max_days_overdue,
               o.compound_name, o.category, o.firm_name
        from mart_rectification_monthly x
        join core_scopes sc on sc.scope_code = x.scope_code and sc.scope_level = 'county'
        left join (select * from mart_open_rectifications_monthly where month = ? and overdue_at_month
                   qualify row_number() over (partition by county_code order by days_overdue desc, issue_id) = 1) o
             on o.county_code = x.scope_code
        where x.month = ? and x.source = '全部' and x.overdue_items > 0
        order by x.overdue_items desc, sc.scope_code
    """, month, month)


def inspections(con, month: date) -> dict:
    quarter = f"{month.year}Q{(month.month - 1) // 3 + 1}"
    missing = rows(con, """
        select sc.name_zh as county, i.status, i.quarter_complete from mart_inspection_compliance_quarterly i
        join core_scopes sc on sc.scope_code = i.county_code
        where i.quarter = ? and i.status <> '达标' order by sc.scope_code
    """, quarter)
    pending = rows(con, """
        select sc.name_zh as county, count(*) as records
        from mart_inspection_uploads_pending p join core_scopes sc on sc.scope_code = p.county_code
        where p.month <= ? group by sc.name_zh, sc.sort_order, sc.scope_code order by sc.sort_order, sc.scope_code
    """, month)
    return {"quarter": quarter, "missing": missing, "pending": pending}


def quality(con, city: str, month: date) -> dict:
    overview = rows(con, "select * from mart_quality_overview where scope_code = ?", city)
    rejected = rows(con, """select path, message from audit_source_files where status = 'rejected'
                            and (month = ? or month is null) order by path""", month)
    files = rows(con, "select count(*) as files from audit_source_files where month = ?", month)[0]["files"]
    rejected = [{"path": r["path"], "reason": r["message"].split("／")[0].split("：", 1)[-1]} for r in rejected]
    return {"rejected": rejected, "files_in_month": files,
            **(overview[0] if overview else {"files": 0, "files_rejected": 0, "rows_quarantined": 0, "warnings": 0})}


def metric_names(con) -> dict[str, str]:
    """The headline metrics' names, and the plan duties' (plan_duties.csv via mart_plan_scorecard)."""
    duties = rows(con, """select metric, min(duty_zh) as name from mart_plan_scorecard
                          where metric is not null group by metric""")
    return {**{d["metric"]: d["name"] for d in duties}, **METRIC_ZH}


def plan(con, city: str, month: date) -> list[dict]:
    """The plan's measured duties for the city (mart_plan_scorecard): value and status against the target."""
    return [{**r, "value": pct(r["value"]) if r["kind"] == "share" else f"{r['value']:g}",
             "status": r["status"] or "无量化目标"}
            for r in rows(con, """
        select task_zh, duty_zh, kind, value, status from mart_plan_scorecard
        where scope_code = ? and month = ? and measured and value is not null order by duty_order
    """, city, month)]


def monthly(con, month: date) -> dict:
    month = month_end(con, month)
    h = header(con, month)
    names = metric_names(con)
    return {"kind": "monthly", "month": month, **h,
            "title": f"关于{ym(month)}全市物业管理服务提质增效专项行动进展情况的通报",
            "targets": targets(con, h["city_code"], month), "ranking": ranking(con, month),
            "criticised": [{**c, "metrics": "、".join(names.get(m, m) for m in c["metrics"].split(","))}
                           for c in criticised(con, month)],
            "credit": credit_lists(con, month), "overdue": overdue(con, month),
            "inspections": inspections(con, month), "quality": quality(con, h["city_code"], month),
            "plan": plan(con, h["city_code"], month)}


def year_end(con, month: date) -> dict:
    """Each deadline passed by `month`, per county (and the city): value at the deadline, met or missed,
    and the month it was reached if later (mart_target_deadlines)."""
    month = month_end(con, month)
    h = header(con, month)
    found = rows(con, """
        select d.deadline, d.metric, sc.name_zh as scope, sc.scope_level, d.target_value, d.comparator,
               d.value_at_deadline, case when d.met_at_deadline then '达标' else '未达标' end as result,
               d.reached_month
        from mart_target_status d join core_scopes sc on sc.scope_code = d.scope_code
        where d.month = ? and d.month >= last_day(d.deadline)
        order by d.deadline, d.metric desc, sc.sort_order, sc.scope_code
    """, month)
    names = metric_names(con)
    deadlines = []
    for r in found:
        if not deadlines or deadlines[-1]["date"] != r["deadline"] or deadlines[-1]["metric"] != r["metric"]:
            deadlines.append({"date": r["deadline"], "deadline": ymd(r["deadline"]), "metric": r["metric"],
                              "name": names.get(r["metric"], r["metric"]), "rows": [],
                              "target": ("不高于" if r["comparator"] == "<=" else "") + pct(r["target_value"], 0)})
        reached = r["reached_month"]
        deadlines[-1]["rows"].append({"scope": r["scope"], "value": pct(r["value_at_deadline"]),
                                      "result": r["result"], "reached": f"{ym(reached)}达到" if reached else "—"})
    missed = [{"deadline": d["deadline"], "name": d["name"],
               "counties": "、".join(r["scope"] for r in d["rows"]
                                    if r["result"] == "未达标" and r["scope"] != h["city"])}
              for d in deadlines]
    missed = [m for m in missed if m["counties"]]
    return {"kind": "year-end", "month": month, **h,
            "title": f"关于{month.year}年度物业管理服务提质增效专项行动目标任务完成情况的考核通报",
            "targets": targets(con, h["city_code"], month), "deadlines": deadlines, "missed": missed,
            "quality": quality(con, h["city_code"], month), "plan": []}
