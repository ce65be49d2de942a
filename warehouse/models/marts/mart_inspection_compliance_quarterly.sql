-- zh: 各县区每季度双随机检查达标情况（“每季度至少一轮”）：轮次与状态文字
-- en: Each county's spot inspections per quarter against "at least one round a quarter": rounds and the status in words
-- column status: 状态：达标（至少一轮）/ 未完成（季度已结束且未检查）/ 进行中（本季度尚未检查） | Status: 达标 (a round held) / 未完成 (quarter over, none) / 进行中 (quarter under way, none yet)
-- column status_en: 状态（英文） | Status (English)
-- column county_code: 县区行政区划代码 | County adcode
-- column quarter: 季度（如 2025Q3） | Quarter (e.g. 2025Q3)
-- column quarter_end: 季度末日 | Last day of the quarter
-- column quarter_complete: 季度是否已结束 | Quarter completed by the data month
-- column rounds: 检查轮次（同县区同部门同日为一轮） | Inspection rounds (same county, department and day)
-- column inspections: 检查次数 | Inspections
-- column findings: 发现问题数 | Problems found
select
    i.scope_code as county_code,
    i.quarter,
    i.quarter_end,
    i.quarter_complete,
    i.rounds,
    i.inspections,
    i.findings,
    case when i.rounds >= 1 then '达标' when i.quarter_complete then '未完成' else '进行中' end as status,
    case when i.rounds >= 1 then 'met' when i.quarter_complete then 'missed' else 'under way' end as status_en
from mart_inspection_quarterly i
join core_scopes s on s.scope_code = i.scope_code and s.scope_level = 'county'
