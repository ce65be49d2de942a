-- zh: 小区×月份的方案职责落实：公示、合同备案与到期、项目经理、承接查验及其在办问题、红色物业、美好家园（未填报为空）
-- en: Plan duties per compound and month: disclosure, contract filing and expiry, project manager, takeover inspection and its open items, red property, beautiful home (blank when not reported)
-- column month: 月份（月末） | Month (month end)
-- column compound_id: 小区编码 | Compound id
-- column compound_name: 小区名称 | Compound name
-- column county_code: 县区行政区划代码 | County adcode
-- column is_professional: 专业物业服务 | Served by a professional firm
-- column service_grade: 服务等级 | Service grade
-- column disclosure_posted: 已公示服务内容、等级、收费和投诉电话（空：未填报） | Disclosure board posted (empty: not reported)
-- column contract_filed: 物业服务合同已备案（空：未填报） | Service contract filed (empty: not reported)
-- column contract_end: 物业服务合同结束日期 | Service contract end
-- column contract_ending_soon: 专业物业小区合同将在 contract_expiry_days 天内到期 | Professional compound whose contract ends within contract_expiry_days after the month end
-- column contract_ended: 专业物业小区合同已到期、台账未见续签 | Professional compound whose contract on file ended before the month end
-- column project_manager: 项目经理（空：未在册） | Project manager (empty: none on file)
-- column takeover_inspected: 已完成承接查验（空：未填报） | Takeover inspection done (empty: not reported)
-- column takeover_open_items: 月末在办的承接查验问题数 | Open takeover-inspection rectification items at the month end
-- column red_property: 红色物业项目 | Red-property project
-- column beautiful_home: 美好家园小区 | Beautiful-home compound
-- column is_carried_forward: 当月未报送、沿用上期快照 | No snapshot this month: the previous one is carried forward
with settings as (select contract_expiry_days from core_settings),
takeover_items as (
    select month, compound_id, count(*) as takeover_open_items
    from core_rectification_months
    where source = '承接查验' and open_at_month
    group by all
)
select
    c.month,
    c.compound_id,
    c.compound_name,
    c.county_code,
    c.is_professional,
    c.service_grade,
    c.disclosure_posted,
    c.contract_filed,
    c.contract_end,
    c.is_professional and c.contract_end >= c.month
        and c.contract_end <= c.month + to_days(s.contract_expiry_days) as contract_ending_soon,
    c.is_professional and c.contract_end < c.month as contract_ended,
    nullif(trim(c.project_manager), '') as project_manager,
    c.takeover_inspected,
    coalesce(i.takeover_open_items, 0) as takeover_open_items,
    c.red_property,
    c.beautiful_home,
    c.is_carried_forward
from core_compound_months c
cross join settings s
left join takeover_items i using (month, compound_id)
