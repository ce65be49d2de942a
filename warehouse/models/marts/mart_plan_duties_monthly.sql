-- zh: 方案职责落实（按月、按全市/县区）：公示率、合同备案率与合同到期、项目经理在册、承接查验率与其整改事项、服务等级评定、红色物业与美好家园
-- en: Plan duties by month and scope: disclosure, contract filing and expiry, project managers on file, takeover inspection and its rectification items, service grading, red-property and beautiful-home showcases
-- column scope_code: 范围代码（全市或县区行政区划代码） | Scope adcode (city or county)
-- column month: 月份（月末） | Month (month end)
-- column compounds: 小区总数 | Compounds
-- column professional: 专业物业服务小区数（公示、备案、项目经理的分母） | Compounds under professional service (denominator of disclosure, filing, project manager)
-- column disclosure_posted: 已公示的专业物业小区数 | Professional compounds with the disclosure board posted
-- column disclosure_unknown: 公示情况未填报的专业物业小区数（计入分母） | Professional compounds whose disclosure cell is blank or invalid (kept in the denominator)
-- column disclosure_rate: 公示率（已公示 ÷ 专业物业小区；均未填报时为空） | Disclosure rate (posted ÷ professional compounds; empty when none reported)
-- column contracts_filed: 物业服务合同已备案的专业物业小区数 | Professional compounds whose service contract is filed
-- column contract_filed_unknown: 合同备案情况未填报的专业物业小区数（计入分母） | Professional compounds whose filing cell is blank or invalid (kept in the denominator)
-- column contract_filing_rate: 合同备案率（已备案 ÷ 专业物业小区；均未填报时为空） | Contract filing rate (filed ÷ professional compounds; empty when none reported)
-- column contracts_ending_soon: 合同将在设定天数内到期的专业物业小区数（月末之后 contract_expiry_days 天内） | Professional compounds whose contract ends within contract_expiry_days after the month end
-- column contracts_ended: 合同已到期、台账未见续签的专业物业小区数（合同结束日期早于月末） | Professional compounds whose contract on file ended before the month end (no renewal reported)
-- column contract_end_unknown: 未填合同结束日期的专业物业小区数 | Professional compounds with no contract end date
-- column contract_expiry_days: 合同将到期的天数口径（设定 contract_expiry_days） | Days ahead that count as a contract ending soon (setting)
-- column project_manager_on_file: 填报了项目经理的专业物业小区数 | Professional compounds with a project manager on file
-- column project_manager_share: 项目经理在册率（有项目经理 ÷ 专业物业小区） | Project manager on file (named ÷ professional compounds)
-- column takeover_inspected: 已完成承接查验的小区数 | Compounds with a takeover inspection done
-- column takeover_unknown: 承接查验情况未填报的小区数（计入分母） | Compounds whose takeover cell is blank or invalid (kept in the denominator)
-- column takeover_rate: 承接查验率（已查验 ÷ 小区总数；均未填报时为空） | Takeover inspection rate (inspected ÷ all compounds; empty when none reported)
-- column takeover_open_items: 月末在办的承接查验问题数（来源为承接查验、未销号） | Open rectification items from takeover inspections at the month end
-- column takeover_overdue_items: 其中逾期未销号数 | Of which past their deadline
-- column graded: 已评定服务等级的小区数（等级不是“未评定”） | Compounds with a service grade (not 未评定)
-- column graded_share: 服务等级评定率（已评定 ÷ 小区总数） | Service grading (graded ÷ all compounds)
-- column red_property: 红色物业项目数 | Red-property projects
-- column beautiful_home: 美好家园小区数 | Beautiful-home compounds
with settings as (select contract_expiry_days from core_settings),
compounds as (
    select
        c.month,
        sm.scope_code,
        s.contract_expiry_days,
        count(*) as compounds,
        count(*) filter (where c.is_professional) as professional,
        count(*) filter (where c.is_professional and c.disclosure_posted) as disclosure_posted,
        count(*) filter (where c.is_professional and c.disclosure_posted is null) as disclosure_unknown,
        count(*) filter (where c.is_professional and c.contract_filed) as contracts_filed,
        count(*) filter (where c.is_professional and c.contract_filed is null) as contract_filed_unknown,
        count(*) filter (where c.contract_ending_soon) as contracts_ending_soon,
        count(*) filter (where c.contract_ended) as contracts_ended,
        count(*) filter (where c.is_professional and c.contract_end is null) as contract_end_unknown,
        count(*) filter (where c.is_professional and c.project_manager is not null)
            as project_manager_on_file,
        count(*) filter (where c.takeover_inspected) as takeover_inspected,
        count(*) filter (where c.takeover_inspected is null) as takeover_unknown,
        count(*) filter (where c.service_grade <> '未评定') as graded,
        count(*) filter (where c.red_property) as red_property,
        count(*) filter (where c.beautiful_home) as beautiful_home
    from mart_compound_plan_duties_monthly c
    join core_scope_members sm on sm.county_code = c.county_code
    cross join settings s
    group by c.month, sm.scope_code, s.contract_expiry_days
),
takeover_items as (
    select
        r.month,
        sm.scope_code,
        count(*) filter (where r.open_at_month) as takeover_open_items,
        count(*) filter (where r.overdue_at_month) as takeover_overdue_items
    from core_rectification_months r
    join core_scope_members sm on sm.county_code = r.county_code
    where r.source = '承接查验'
    group by r.month, sm.scope_code
)
select
    c.scope_code,
    c.month,
    c.compounds,
    c.professional,
    c.disclosure_posted,
    c.disclosure_unknown,
    case when c.disclosure_unknown < c.professional then c.disclosure_posted / c.professional end as disclosure_rate,
    c.contracts_filed,
    c.contract_filed_unknown,
    case when c.contract_filed_unknown < c.professional then c.contracts_filed / c.professional end
        as contract_filing_rate,
    c.contracts_ending_soon,
    c.contracts_ended,
    c.contract_end_unknown,
    c.contract_expiry_days,
    c.project_manager_on_file,
    c.project_manager_on_file / nullif(c.professional, 0) as project_manager_share,
    c.takeover_inspected,
    c.takeover_unknown,
    case when c.takeover_unknown < c.compounds then c.takeover_inspected / c.compounds end as takeover_rate,
    coalesce(i.takeover_open_items, 0) as takeover_open_items,
    coalesce(i.takeover_overdue_items, 0) as takeover_overdue_items,
    c.graded,
    c.graded / c.compounds as graded_share,
    c.red_property,
    c.beautiful_home
from compounds c
left join takeover_items i using (scope_code, month)
