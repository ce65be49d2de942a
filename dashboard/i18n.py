"""The one translation table. Chinese first; English behind the switch.

Every label the app shows goes through t(key). Keys are grouped by page; a page adds its keys
in its own group. Values from the data (county names, statuses) are translated with the
`value` groups below, so a Chinese value never shows in the English view.
"""

from __future__ import annotations

import streamlit as st

ZH, EN = "zh", "en"

TEXT: dict[str, tuple[str, str]] = {
    # -- shell ------------------------------------------------------------------------------------
    "app.title": ("武威市物业服务监管", "Wuwei Property Services Supervision"),
    "app.subtitle": ("物业管理服务提质增效专项行动（2024—2026）",
                     "Special action to raise property-service quality (2024–2026)"),
    "nav.leadership": ("领导驾驶舱", "Leadership"),
    "nav.analysis": ("专题分析", "Analysis"),
    "nav.data": ("数据", "Data"),
    "filter.scope": ("范围", "Scope"),
    "filter.month": ("数据月份", "As of"),
    "filter.language": ("语言", "Language"),
    "footer.as_of": ("数据截至 {month}", "Data as of {month}"),
    "footer.built": ("构建于 {time}", "built {time}"),
    "first_run.title": ("首次启动：正在生成演示城市并构建数据仓库…",
                        "First start: generating the demo city and building the warehouse…"),
    "first_run.failed": ("演示数据构建失败，请查看终端输出。", "The demo build failed; see the terminal."),
    "first_run.done": ("数据仓库已就绪", "Warehouse ready"),
    "common.download_csv": ("下载 CSV", "Download CSV"),
    "common.download_xlsx": ("下载 Excel", "Download Excel"),
    "common.no_data": ("当前筛选条件下没有数据。", "No data for the current filters."),
    "common.month_fmt": ("{y}年{m}月", "{y}-{m:02d}"),
    "common.compounds": ("个小区", "compounds"),
    "common.pp": ("个百分点", "pp"),
    # -- values from the data ----------------------------------------------------------------------
    "value.620600": ("武威市", "Wuwei City"),
    "value.620602": ("凉州区", "Liangzhou"),
    "value.620621": ("民勤县", "Minqin"),
    "value.620622": ("古浪县", "Gulang"),
    "value.620623": ("天祝县", "Tianzhu"),
    "value.已完成": ("已完成", "Achieved"),
    "value.达标": ("达标", "On track"),
    "value.滞后": ("滞后", "At risk"),
    "value.严重滞后": ("严重滞后", "Off track"),
    "value.未完成": ("未完成", "Missed"),
    "value.专业物业": ("专业物业", "Professional firm"),
    "value.社区托管": ("社区托管", "Community-hosted"),
    "value.业主自管": ("业主自管", "Owner-managed"),
    "value.单位自管": ("单位自管", "Employer-managed"),
    "value.无物业": ("无物业", "No management"),
    "metric.coverage": ("专业物业覆盖率", "Professional coverage"),
    "metric.committee_coverage": ("业委会（物管会）覆盖率", "Owners' committee coverage"),
    "metric.complaint_rate_ratio": ("投诉率（较基准年）", "Complaint rate vs baseline"),
    # -- pages: each page adds its group below -----------------------------------------------------
    # 覆盖地图 · 目标进度 (dashboard/pages/coverage_map.py, targets.py)
    "page.coverage_map": ("覆盖地图", "Coverage map"),
    "map.metric": ("地图指标", "Map metric"),
    "map.metric.coverage": ("专业物业覆盖率", "Professional coverage"),
    "map.metric.committee_coverage": ("业委会（物管会）覆盖率", "Owners' committee coverage"),
    "map.metric.complaint_rate": ("投诉率（每千户·近12个月）", "Complaints per 1,000 households (12 months)"),
    "map.unit.coverage": ("专业物业服务小区 ÷ 小区总数", "Compounds with a professional firm ÷ all compounds"),
    "map.unit.committee_coverage": ("已成立业委会或物管会的小区 ÷ 小区总数",
                                    "Compounds with an established committee ÷ all compounds"),
    "map.unit.complaint_rate": ("近12个月投诉（投诉+举报）÷ 户数 × 1000；分级对所有月份相同",
                                "Complaints (投诉 + 举报) in 12 months per 1,000 households; same classes in every month"),
    "map.detail_coverage": ("{covered} / {compounds} 个小区", "{covered} of {compounds} compounds"),
    "map.detail_committee": ("{with_committee} / {compounds} 个小区", "{with_committee} of {compounds} compounds"),
    "map.detail_complaints": ("近12个月投诉 {rolling12_complaints} 件", "{rolling12_complaints} complaints in 12 months"),
    "map.status": ("状态：{status}", "Status: {status}"),
    "map.no_data": ("无数据", "No data"),
    "map.compound_detail": ("{town} · {households} 户\n{mode}\n{firm}", "{town} · {households} households\n{mode}\n{firm}"),
    "map.show_points": ("显示小区点位", "Show compounds"),
    "map.points_legend": ("小区（按管理方式）", "Compounds by management mode"),
    "map.caption": ("各县区{metric}（{month}）；圆点为小区，颜色表示管理方式，大小表示户数。",
                    "{metric} by county ({month}); dots are compounds, coloured by management mode, sized by households."),
    "map.click_hint": ("点击县区即把所有页面切换到该县区；再次点击同一县区恢复全市。",
                       "Click a county to scope every page to it; click it again to return to the whole city."),
    "map.note": ("坐标为 GCJ-02（国内网络地图所用坐标系），地图不加载底图、不访问外网。县区边界：cnmaps 1.1.9"
                 "（BSD-3-Clause 许可），源自高德地图公开行政区划边界。",
                 "Coordinates are GCJ-02 (the datum of Chinese web maps), drawn without a base map and without "
                 "any outside request. County boundaries: cnmaps 1.1.9 (BSD 3-Clause licence), derived from AMap's "
                 "public district boundaries."),
    "map.col_county": ("县区", "County"),
    "map.col_status.coverage": ("覆盖率状态", "Coverage status"),
    "map.col_status.committee_coverage": ("业委会状态", "Committee status"),
    "map.col_status.complaint_rate": ("投诉率状态（较基准年）", "Complaint status (vs baseline)"),
    "map.table": ("各县区指标", "Counties"),
    "map.file": ("县区地图指标", "county_map_metrics"),
    # (end of 覆盖地图 · 目标进度)
    "page.overview": ("总览", "Overview"),
    "overview.no_target": ("方案实施前（2024年11月起考核）", "Before the plan's start (measured from 2024-11)"),
    "overview.status_line": ("{status}：实际 {actual}，按进度应达 {expected}；{deadline} 目标 {target}，"
                             "剩 {months} 个月，每月需提高 {required}",
                             "{status}: {actual} against {expected} expected on the line to {target} by "
                             "{deadline}; {months} months left, {required} a month needed"),
    "overview.status_ratio": ("{status}：近12个月投诉率为基准年的 {actual}，按进度应不高于 {expected}；"
                              "{deadline} 目标不高于 {target}",
                              "{status}: the 12-month rate is {actual} of the baseline against {expected} "
                              "expected; target at most {target} by {deadline}"),
    "overview.coverage_help": ("专业物业服务小区数 ÷ 小区总数（当月快照）。状态按基线（2024年11月）到期限的直线进度判定。",
                               "Compounds served by a professional firm ÷ all compounds (that month's snapshot). "
                               "Status compares with the straight line from the 2024-11 baseline to the deadline."),
    "overview.committee_help": ("已成立业主委员会或物业管理委员会的小区数 ÷ 小区总数。",
                                "Compounds with an established owners' or management committee ÷ all compounds."),
    "overview.complaint_rate": ("投诉率（每千户·近12个月）", "Complaints per 1,000 households (12 months)"),
    "overview.complaint_note": ("基准年 {year}：{base}；当前为基准的 {ratio}（默认目标：降低20%）",
                                "Baseline {year}: {base}; now {ratio} of it (default target: 20% lower)"),
    "overview.complaint_help": ("近12个月投诉（投诉+举报）数 ÷ 平均户数 × 1000。方案仅要求“显著降低”，"
                                "降低20%为可修改的默认目标。",
                                "Complaints (投诉 + 举报) in the last 12 months per 1,000 households. The plan only "
                                "says 'markedly lower'; 20% lower is a default the city can change."),
    "overview.remaining": ("尚无专业物业的小区", "Compounds without professional service"),
    "overview.remaining_note": ("按期完成需每月新增约 {n} 个", "About {n} a month needed to meet the deadline"),
    "overview.remaining_help": ("社区托管、业主自管、单位自管和无物业小区：方案要求2026年底清零。",
                                "Community-hosted, owner- or employer-managed and unmanaged compounds: to be "
                                "cleared by end-2026."),
    "overview.overdue": ("逾期整改事项", "Overdue rectification items"),
    "overview.overdue_note": ("在办事项共 {n} 项", "{n} items open in all"),
    "overview.overdue_help": ("月末未销号且已超过整改期限的问题。", "Items not closed and past their deadline at the month end."),
    "overview.ranking": ("县区排名", "County ranking"),
    "overview.ranking_caption": ("按专业物业覆盖率排名；状态为当月适用期限的进度判定，趋势为近12个月覆盖率。",
                                 "Ranked by professional coverage; status against the deadline in force; "
                                 "trend: coverage over the last 12 months."),
    "overview.ranking_file": ("县区排名", "county_ranking"),
    "overview.col_rank": ("排名", "Rank"),
    "overview.col_county": ("县区", "County"),
    "overview.col_status": ("状态", "Status"),
    "overview.col_trend": ("近12个月", "Last 12 months"),
    "overview.alerts": ("预警", "Alerts"),
    "overview.no_alerts": ("当月没有预警。", "No alerts this month."),
    "overview.more_alerts": ("另有 {n} 条预警未显示。", "{n} more alerts not shown."),
}


def language() -> str:
    return EN if st.session_state.get("lang") == EN else ZH


def t(key: str, **fmt) -> str:
    zh, en = TEXT[key]
    text = en if language() == EN else zh
    return text.format(**fmt) if fmt else text


def v(value) -> str:
    """A value from the data, translated when the table knows it."""
    if value is None:
        return "—"
    pair = TEXT.get(f"value.{value}")
    if pair is None:
        return str(value)
    return pair[1] if language() == EN else pair[0]


def month_label(d) -> str:
    return t("common.month_fmt", y=d.year, m=d.month)
