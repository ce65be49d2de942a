-- zh: 双随机检查（按季度、按全市/县区）：轮次、发现问题、处罚、上传率，及“每季度至少一轮”达标情况
-- en: Spot inspections by quarter and scope: rounds, findings, penalties, upload rates, and the at-least-one-round-a-quarter rule
-- column rounds: 检查轮次（同县区同部门同日为一轮） | Inspection rounds
-- column county_quarters: 县区×季度数（县区行为1，全市为县区数） | County-quarters (1 for a county, the number of counties for the city)
-- column compliant_county_quarters: 至少检查一轮的县区×季度数 | County-quarters with at least one round
-- column compliance_to_date: 截至本季度累计达标率（仅计已结束的季度） | Compliance to date (completed quarters only)
-- column quarter_complete: 本季度是否已结束 | Quarter completed by the data month
-- column upload_supervision_rate: 上传互联网+监管系统比例 | Share uploaded to the Internet + Supervision system
-- column upload_credit_rate: 上传信用信息共享平台比例 | Share uploaded to the credit-sharing platform
-- column scope_code: 范围代码（全市或县区行政区划代码） | Scope adcode (city or county)
-- column quarter: 季度（如 2025Q3） | Quarter (e.g. 2025Q3)
-- column quarter_end: 季度末日 | Last day of the quarter
-- column inspections: 检查次数 | Inspections
-- column compounds_inspected: 被检查小区数 | Compounds inspected
-- column findings: 发现问题数 | Problems found
-- column rectification_orders: 责令整改次数 | Rectification orders
-- column penalty_cases: 立案处罚次数 | Penalty cases
-- column penalty_cny: 罚款金额合计（元） | Fines in total (yuan)
-- column uploaded_supervision: 已上传互联网+监管系统的检查数 | Inspections uploaded to the Internet + Supervision system
-- column uploaded_credit: 已上传信用信息共享平台的检查数 | Inspections uploaded to the credit-sharing platform
with quarters as (
    select distinct strftime(month, '%Y') || 'Q' || quarter(month) as quarter,
           max(month) over (partition by year(month), quarter(month)) as quarter_last_month,
           last_day(make_date(year(month), quarter(month) * 3, 1)) as quarter_end
    from core_months
    where month >= (select min(month) from core_compound_months)
),
counties as (
    select scope_code as county_code from core_scopes where scope_level = 'county'
),
county_quarters as (
    select c.county_code, q.quarter, q.quarter_end,
        q.quarter_end <= (select data_month from core_settings) as quarter_complete,
        count(i.inspection_id) as inspections,
        count(distinct i.round_key) as rounds,
        count(distinct i.compound_id) as compounds_inspected,
        coalesce(sum(i.findings), 0) as findings,
        count(i.inspection_id) filter (where i.result = '责令整改') as rectification_orders,
        count(i.inspection_id) filter (where i.result = '立案处罚') as penalty_cases,
        coalesce(sum(i.penalty_cny), 0) as penalty_cny,
        count(i.inspection_id) filter (where i.uploaded_supervision) as uploaded_supervision,
        count(i.inspection_id) filter (where i.uploaded_credit) as uploaded_credit
    from counties c
    cross join quarters q
    left join core_inspections i on i.county_code = c.county_code and i.quarter = q.quarter
    group by all
),
by_scope as (
    select
        sm.scope_code,
        quarter,
        any_value(quarter_end) as quarter_end,
        bool_and(quarter_complete) as quarter_complete,
        sum(inspections) as inspections,
        sum(rounds) as rounds,
        sum(compounds_inspected) as compounds_inspected,
        sum(findings) as findings,
        sum(rectification_orders) as rectification_orders,
        sum(penalty_cases) as penalty_cases,
        sum(penalty_cny) as penalty_cny,
        sum(uploaded_supervision) as uploaded_supervision,
        sum(uploaded_credit) as uploaded_credit,
        count(*) as county_quarters,
        count(*) filter (where rounds >= 1) as compliant_county_quarters
    from county_quarters
    join core_scope_members sm using (county_code)
    group by sm.scope_code, quarter
)
select
    *,
    uploaded_supervision / nullif(inspections, 0) as upload_supervision_rate,
    uploaded_credit / nullif(inspections, 0) as upload_credit_rate,
    sum(compliant_county_quarters) filter (where quarter_complete) over w
        / nullif(sum(county_quarters) filter (where quarter_complete) over w, 0) as compliance_to_date
from by_scope
window w as (partition by scope_code order by quarter rows between unbounded preceding and current row)
