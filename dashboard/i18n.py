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
    # 数据探索 (dashboard/pages/explore.py) and 数据表 (dashboard/pages/tables.py)
    "page.explore": ("数据探索", "Explore"),
    "page.tables": ("数据表", "Tables"),
    "explore.intro": ("在当前数据仓库上运行只读 SQL 查询（DuckDB 语法）：每次一条 SELECT 语句，最长 {seconds} 秒，"
                      "最多返回 {rows} 行；不能修改数据，也不能读写文件。表和字段的说明见“数据表”页。",
                      "Run read-only SQL (DuckDB dialect) over the current warehouse: one SELECT at a time, at most "
                      "{seconds} s and {rows} rows; nothing can be changed and no file read or written. The Tables "
                      "page describes every table and column."),
    "explore.examples": ("示例查询", "Example queries"),
    "explore.examples_placeholder": ("选择一个示例，载入编辑器…", "Pick an example to load it into the editor…"),
    "explore.example.heating": ("最近一个供暖季供暖投诉最多的小区", "Compounds with the most heating complaints last winter"),
    "explore.example.downgraded": ("今年服务等级被降级的物业企业", "Firms with compounds downgraded this year"),
    "explore.example.missed_inspections": ("漏检季度的县区（双随机检查）", "Counties that missed an inspection quarter"),
    "explore.sql": ("SQL 查询", "SQL query"),
    "explore.sql_placeholder": ("例如：select * from mart_coverage_monthly order by month desc limit 20",
                                "e.g. select * from mart_coverage_monthly order by month desc limit 20"),
    "explore.run": ("运行", "Run"),
    "explore.summary": ("{rows} 行 · {columns} 列 · 用时 {ms} 毫秒", "{rows} rows · {columns} columns · {ms} ms"),
    "explore.truncated": ("结果已截断：只显示和下载前 {rows} 行。请用 where 条件、聚合或 limit 缩小结果。",
                          "Result truncated: only the first {rows} rows are shown and downloaded. Narrow it with "
                          "where, an aggregate or limit."),
    "explore.no_rows": ("查询没有返回任何行。", "The query returned no rows."),
    "explore.tab_table": ("结果表", "Table"),
    "explore.tab_chart": ("快速图表", "Quick chart"),
    "explore.chart_kind": ("图表类型", "Chart type"),
    "explore.chart.bar": ("柱状图", "Bar"),
    "explore.chart.line": ("折线图", "Line"),
    "explore.chart.scatter": ("散点图", "Scatter"),
    "explore.chart_x": ("横轴", "X axis"),
    "explore.chart_y": ("纵轴（数值列）", "Y axis (a number)"),
    "explore.chart_colour": ("颜色分组", "Colour by"),
    "explore.chart_none": ("（不分组）", "(none)"),
    "explore.chart_needs_number": ("结果中没有数值列，无法作图。", "The result has no numeric column to chart."),
    "explore.chart_caption": ("查询结果：{y} 按 {x}{by}", "Query result: {y} by {x}{by}"),
    "explore.chart_caption_by": ("，按 {colour} 分色", ", coloured by {colour}"),
    "explore.file": ("查询结果", "query_result"),
    "explore.file_sql": ("查询语句 SQL", "SQL"),
    "explore.history": ("本次会话的查询历史", "This session's query history"),
    "explore.history_load": ("载入历史查询", "Load a past query"),
    "explore.history_file": ("查询历史", "query_history"),
    "explore.col_time": ("时间", "Time"),
    "explore.col_sql": ("SQL", "SQL"),
    "explore.col_outcome": ("结果", "Outcome"),
    "explore.col_rows": ("行数", "Rows"),
    "explore.col_ms": ("用时（毫秒）", "Time (ms)"),
    "explore.outcome.ok": ("成功", "OK"),
    "explore.outcome.truncated": ("成功（已截断）", "OK (truncated)"),
    "explore.error_detail": ("数据库返回的信息：", "What the database said:"),
    "explore.error.empty": ("请输入一条 SQL 查询。", "Enter an SQL query."),
    "explore.error.too_long": ("查询语句过长（最多 {detail} 个字符）。", "The query is too long (at most {detail} characters)."),
    "explore.error.syntax": ("SQL 语法错误。", "SQL syntax error."),
    "explore.error.parameters": ("查询中有参数占位符（{detail}），这里无法填值：请直接写入取值。",
                                 "The query has parameter placeholders ({detail}) that cannot be filled here: write "
                                 "the values in."),
    "explore.error.multiple": ("一次只能运行一条语句（收到 {detail} 条），请删去分号后的其他语句。",
                               "Run one statement at a time (got {detail}): remove the statements after the semicolon."),
    "explore.error.statement": ("已拒绝 {detail} 语句：这里只能运行查询（SELECT），不能修改数据、读写文件或更改设置。",
                                "A {detail} statement was refused: only queries (SELECT) run here; nothing can be "
                                "changed, no file read or written, no setting altered."),
    "explore.error.function": ("不允许使用函数 {detail}（它会读取系统设置、暂停或改变会话状态）。",
                               "The function {detail} is not allowed (it reads system settings, sleeps or changes the "
                               "session)."),
    "explore.error.source": ("不允许读取 {detail}：只能查询数据仓库中的表。",
                             "Reading {detail} is not allowed: only the warehouse's tables can be queried."),
    "explore.error.show": ("不允许 SHOW {detail}：请用 SHOW TABLES 或 DESCRIBE 表名。",
                           "SHOW {detail} is not allowed: use SHOW TABLES or DESCRIBE <table>."),
    "explore.error.operator": ("查询包含写入操作（{detail}），已拒绝。", "The query writes ({detail}) and was refused."),
    "explore.error.external": ("不允许访问文件或网络。", "Files and the network cannot be accessed."),
    "explore.error.unsupported": ("无法核查这条查询是否只读，已拒绝；请换一种写法。",
                                  "This query cannot be checked as read-only and was refused; please write it another way."),
    "explore.error.invalid": ("查询无法执行：请检查表名、列名和数据类型。",
                              "The query could not run: check the table names, column names and types."),
    "explore.error.timeout": ("查询超过 {detail} 秒的时间限制，已停止。请加 where 条件或 limit 缩小范围后重试。",
                              "The query passed the {detail}-second limit and was stopped. Narrow it with where or "
                              "limit and try again."),
    "explore.error.memory": ("查询超出内存限制，已停止。请先聚合或缩小范围。",
                             "The query ran out of memory and was stopped. Aggregate or narrow it first."),
    "explore.error.too_large": ("结果过大（{detail}）：请只选需要的列，或加 limit。",
                                "The result is too large ({detail}): select fewer columns or add a limit."),
    "tables.intro": ("数据仓库中的全部表：每张表和每个字段的中英文说明、类型与行数。说明写在 SQL 模型旁，"
                     "导出的 Excel 在“字段说明”页附带这些说明。",
                     "Every table in the warehouse: each table and column with its Chinese and English description, "
                     "type and row count. The descriptions are written next to the SQL models; Excel exports carry "
                     "them on a 字段说明 sheet."),
    "tables.all": ("全部数据表", "All tables"),
    "tables.pick": ("查看数据表", "Show table"),
    "tables.columns": ("字段", "Columns"),
    "tables.preview": ("数据预览（前 {n} 行，共 {total} 行）", "Preview (first {n} of {total} rows)"),
    "tables.col_table": ("表名", "Table"),
    "tables.col_layer": ("层级", "Layer"),
    "tables.col_zh": ("中文说明", "Chinese description"),
    "tables.col_en": ("英文说明", "English description"),
    "tables.col_columns": ("列数", "Columns"),
    "tables.col_rows": ("行数", "Rows"),
    "tables.col_column": ("字段", "Column"),
    "tables.col_type": ("类型", "Type"),
    "tables.layer.mart": ("指标层（mart）", "Mart"),
    "tables.layer.core": ("核心层（core）", "Core"),
    "tables.layer.staging": ("清洗层（staging）", "Staging"),
    "tables.layer.raw": ("原始台账（raw）", "Raw ledger"),
    "tables.layer.reference": ("参考数据（ref）", "Reference"),
    "tables.layer.audit": ("质量审计（audit）", "Audit"),
    "tables.layer.build": ("构建记录", "Build record"),
    "tables.filter_table": ("数据表", "Table"),
    "tables.list_file": ("数据表清单", "tables"),
    "tables.columns_file": ("{table}_字段说明", "{table}_columns"),
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
