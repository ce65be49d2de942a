-- zh: 数据质量规则通过率（每次构建，按全市/县区与台账）：没有任何一行未通过的规则占所检查规则的比例
-- en: Quality-rule pass rate of every build, by scope and ledger: the share of the rules checked that no row failed
-- column validated_at: 该次构建的质量检查时间 | When that build's quality checks ran
-- column is_latest: 是否最新一次构建 | The latest build
-- column scope_code: 范围代码（全市或县区行政区划代码） | Scope adcode (city or county)
-- column ledger: 台账（“全部”为合计；unidentified 为无法识别台账的文件） | Ledger (全部: all; unidentified: files of no known ledger)
-- column rules_checked: 检查的规则数（全市：规则在任一县区未通过即为未通过） | Rules checked (city-wide a rule fails if it fails anywhere)
-- column rules_passed: 通过的规则数 | Rules passed
-- column rules_failed_critical: 未通过的严重规则数（整份文件拒收） | Critical rules failed (files rejected)
-- column rules_failed_error: 未通过的错误规则数（行被隔离） | Error rules failed (rows quarantined)
-- column rules_failed_cell: 未通过的单元格规则数（单元格置空，行入库） | Cell rules failed (cells nulled, rows loaded)
-- column rules_failed_warning: 未通过的警告规则数（行入库并标注） | Warning rules failed (rows loaded and flagged)
-- column findings: 未通过的次数合计（行；文件规则为文件） | Failures found (rows; files for the file rules)
-- column pass_rate: 规则通过率（通过 ÷ 检查） | Pass rate (rules passed ÷ rules checked)
with results as (
    select validated_at, coalesce(ledger, suite) as ledger, county_code, rule, expectation, "column" as checked_column,
           severity, success, unexpected_count
    from audit_validation_history
),
per_rule as (
    select validated_at, county_code as scope_code, ledger, rule, expectation, checked_column, severity,
           bool_and(success) as passed, sum(unexpected_count) as findings
    from results
    where county_code is not null
    group by all
    union all
    select validated_at, (select city_code from core_settings) as scope_code, ledger, rule, expectation,
           checked_column, severity, bool_and(success) as passed, sum(unexpected_count) as findings
    from results
    group by all
),
final as (
    select
        validated_at,
        scope_code,
        case when grouping(ledger) = 1 then '全部' else ledger end as ledger,
        count(*) as rules_checked,
        count(*) filter (where passed) as rules_passed,
        count(*) filter (where not passed and severity = 'critical') as rules_failed_critical,
        count(*) filter (where not passed and severity = 'error') as rules_failed_error,
        count(*) filter (where not passed and severity = 'cell') as rules_failed_cell,
        count(*) filter (where not passed and severity = 'warning') as rules_failed_warning,
        sum(findings)::bigint as findings,
        count(*) filter (where passed) / count(*) as pass_rate
    from per_rule
    group by validated_at, scope_code, rollup (ledger)
)
select
    validated_at,
    validated_at = (select max(validated_at) from audit_validation_history) as is_latest,
    * exclude (validated_at)
from final
