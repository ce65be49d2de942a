-- zh: 小区档案（每月一行）：管理方式、物业企业、服务等级与收费、业委会、投诉、检查与在办整改
-- en: Compound profile, one row a month: management mode, firm, grade and fee, committee, complaints, inspections and open rectification items
-- column firm_name: 物业企业名称（以企业台账为准，缺失时取小区台账所填） | Firm name (from the firms ledger, else as the compounds ledger gives it)
-- column management_changed: 管理方式或物业企业较上月变化 | Management mode or firm changed since the previous month
-- column committee_status: 业委会（物管会）状态（无记录为“未组建”） | Committee status (未组建: none)
-- column assessed_grade: 最近一次考评核定等级 | Grade at the latest assessment
-- column assessment_score: 最近一次考评得分 | Score at the latest assessment
-- column fee_above_cap: 质价不符（当月收费高于在用等级上限，见 mart_grade_assessments_monthly） | Fee above the cap of the grade in force that month (see mart_grade_assessments_monthly)
-- column complaints: 当月投诉数 | Complaints in the month
-- column complaints_12m: 近12个月投诉数 | Complaints in the last 12 months
-- column per_100_households_12m: 近12个月每百户投诉数 | Complaints per 100 households, last 12 months
-- column inspections_to_date: 截至月末累计检查次数 | Inspections up to the month end
-- column open_rectifications: 月末在办整改事项数 | Rectification items open at the month end
-- column overdue_rectifications: 月末逾期未销号事项数 | Items open and past their deadline at the month end
-- column month: 月份（月末） | Month (month end)
-- column compound_id: 小区编码 | Compound id
-- column compound_name: 小区名称 | Compound name
-- column county_code: 县区行政区划代码 | County adcode
-- column town: 街道/乡镇 | Town or street office
-- column community: 社区 | Community
-- column address: 地址 | Address
-- column households: 总户数 | Households
-- column built_year: 建成年份 | Year built
-- column is_old_compound: 老旧小区 | Old compound
-- column management_mode: 管理方式 | Management mode
-- column is_professional: 专业物业服务 | Served by a professional firm
-- column firm_credit_code: 物业企业统一社会信用代码 | Firm's unified social credit code
-- column contract_start: 合同开始日期 | Contract start
-- column contract_end: 合同结束日期 | Contract end
-- column project_manager: 项目经理 | Project manager
-- column service_grade: 服务等级 | Service grade
-- column fee_per_m2_month: 收费标准（元/㎡·月） | Fee (yuan per m² per month)
-- column fee_collection_rate: 收缴率 | Fee collection rate
-- column disclosure_posted: 公示 | Disclosure board posted
-- column snapshot_month: 所用快照月份 | Snapshot month used
-- column is_carried_forward: 当月未报送、沿用上期快照 | No snapshot this month: the previous one is carried forward
-- column committee_type: 组织类型（业主委员会 / 物业管理委员会） | Type (owners' committee / property-management committee)
-- column committee_term_end: 业委会任期届满日期 | Committee term ends
with assessed as (
    select compound_id, month, grade as assessed_grade, score as assessment_score, fee_above_cap
    from mart_grade_assessments_monthly
),
inspected as (
    select cm.compound_id, cm.month, count(*) as inspections_to_date
    from core_compound_months cm
    join core_inspections i on i.compound_id = cm.compound_id and i.inspected_on <= cm.month
    group by all
),
rectifying as (
    select compound_id, month,
        count(*) filter (where open_at_month) as open_rectifications,
        count(*) filter (where overdue_at_month) as overdue_rectifications
    from core_rectification_months
    group by all
)
select
    cm.month,
    cm.compound_id,
    cm.compound_name,
    cm.county_code,
    cm.town,
    cm.community,
    cm.address,
    cm.households,
    cm.built_year,
    cm.is_old_compound,
    cm.management_mode,
    cm.is_professional,
    cm.firm_credit_code,
    coalesce(f.firm_name, cm.firm_name) as firm_name,
    cm.contract_start,
    cm.contract_end,
    cm.project_manager,
    cm.service_grade,
    cm.fee_per_m2_month,
    cm.fee_collection_rate,
    cm.disclosure_posted,
    cm.snapshot_month,
    cm.is_carried_forward,
    coalesce(
        cm.management_mode is distinct from lag(cm.management_mode) over w
        or cm.firm_credit_code is distinct from lag(cm.firm_credit_code) over w, false)
        and lag(cm.month) over w is not null as management_changed,
    k.committee_type,
    coalesce(k.status, '未组建') as committee_status,
    k.term_end as committee_term_end,
    a.assessed_grade,
    a.assessment_score,
    a.fee_above_cap,
    coalesce(h.complaints, 0) as complaints,
    coalesce(h.complaints_12m, 0) as complaints_12m,
    h.per_100_households_12m,
    coalesce(i.inspections_to_date, 0) as inspections_to_date,
    coalesce(r.open_rectifications, 0) as open_rectifications,
    coalesce(r.overdue_rectifications, 0) as overdue_rectifications
from core_compound_months cm
left join core_firms f using (firm_credit_code)
left join core_committee_months k on k.compound_id = cm.compound_id and k.month = cm.month
left join assessed a on a.compound_id = cm.compound_id and a.month = cm.month
left join mart_compound_complaints_monthly h on h.compound_id = cm.compound_id and h.month = cm.month
left join inspected i on i.compound_id = cm.compound_id and i.month = cm.month
left join rectifying r on r.compound_id = cm.compound_id and r.month = cm.month
window w as (partition by cm.compound_id order by cm.month)
