-- zh: 双随机检查结果构成（按季度、按全市/县区、按检查结果）：检查次数、发现问题数、罚款金额
-- en: Spot-inspection results by quarter, scope and result: inspections, findings and fines
-- column result: 检查结果（未发现问题 / 责令整改 / 立案处罚） | Result
-- column inspections: 检查次数 | Inspections
-- column findings: 发现问题数 | Findings
-- column penalty_cny: 罚款金额（元） | Fines (yuan)
-- column scope_code: 范围代码（全市或县区行政区划代码） | Scope adcode (city or county)
-- column quarter: 季度（如 2025Q3） | Quarter (e.g. 2025Q3)
select
    sm.scope_code,
    quarter,
    coalesce(i.result, '未填写') as result,
    count(*) as inspections,
    sum(findings) as findings,
    sum(penalty_cny) as penalty_cny
from core_inspections i
join core_scope_members sm using (county_code)
group by sm.scope_code, i.quarter, i.result
