-- zh: 数据质量概况（最新一次构建，按全市/县区）：规则通过率、拒收文件、隔离行与警告
-- en: Data-quality overview of the latest build, by scope: rule pass rate, rejected files, quarantined rows, warnings
-- column scope_code: 范围代码（全市或县区行政区划代码；县区只含该县区的文件和行） | Scope adcode (a county: its own files and rows)
-- column rules_checked: 检查的规则数 | Rules checked
-- column rules_passed: 通过的规则数 | Rules passed
-- column pass_rate: 规则通过率 | Rule pass rate
-- column files: 收到的文件数 | Files received
-- column files_rejected: 整份拒收的文件数 | Files rejected whole
-- column rows_quarantined: 隔离的行数 | Rows quarantined
-- column cells_nulled: 置空的单元格数（该行照常入库） | Cells nulled (their rows loaded)
-- column warnings: 警告次数（入库并标注的问题） | Warnings (problems in rows loaded and flagged)
with per_scope_files as (
    select
        case when grouping(county_code) = 1 then (select city_code from core_settings) else county_code end
            as scope_code,
        count(*) as files,
        count(*) filter (where status = 'rejected') as files_rejected
    from audit_source_files
    group by rollup (county_code)
),
per_scope_quarantine as (
    select
        case when grouping(county_code) = 1 then (select city_code from core_settings) else county_code end
            as scope_code,
        count(*) as rows_quarantined
    from audit_quarantine
    group by rollup (county_code)
),
per_scope_cells as (
    select
        case when grouping(county_code) = 1 then (select city_code from core_settings) else county_code end
            as scope_code,
        count(distinct (_file, _row, "column")) as cells_nulled
    from audit_cell_findings
    where severity = 'cell'
    group by rollup (county_code)
),
per_scope_warnings as (
    select
        case when grouping(county_code) = 1 then (select city_code from core_settings) else county_code end
            as scope_code,
        sum(unexpected_count)::bigint as warnings
    from audit_validation
    where severity = 'warning'
    group by rollup (county_code)
)
select
    s.scope_code,
    coalesce(p.rules_checked, 0) as rules_checked,
    coalesce(p.rules_passed, 0) as rules_passed,
    p.pass_rate,
    coalesce(f.files, 0) as files,
    coalesce(f.files_rejected, 0) as files_rejected,
    coalesce(q.rows_quarantined, 0) as rows_quarantined,
    coalesce(c.cells_nulled, 0) as cells_nulled,
    coalesce(w.warnings, 0) as warnings
from core_scopes s
left join mart_quality_pass_rate p on p.scope_code = s.scope_code and p.is_latest and p.ledger = '全部'
left join per_scope_files f on f.scope_code = s.scope_code
left join per_scope_quarantine q on q.scope_code = s.scope_code
left join per_scope_cells c on c.scope_code = s.scope_code
left join per_scope_warnings w on w.scope_code = s.scope_code
