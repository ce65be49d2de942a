-- zh: 任务清单：方案（武政办发〔2024〕55号）每项重点任务的每条职责，按范围、月份给出衡量指标的数值、目标状态与县区最差排名；无台账数据的职责标为未计量并说明原因
-- en: The plan as a scorecard: every duty of each key task of the plan, per scope and month, with its measure's value, target status and the worst-county rank; a duty no ledger measures is marked not measured, with the reason
-- column task: 重点任务序号（一至五） | Key task number (1 to 5)
-- column duty: 职责序号（任务内） | Duty number within the task
-- column duty_order: 职责在方案中的顺序 | The duty's order in the plan
-- column task_zh: 重点任务（中文） | Key task (Chinese)
-- column task_en: 重点任务（英文） | Key task (English)
-- column duty_zh: 职责（中文，简称） | Duty (Chinese, short title)
-- column duty_en: 职责（英文） | Duty (English)
-- column deadline_zh: 完成时限（中文） | Deadline (Chinese)
-- column deadline_en: 完成时限（英文） | Deadline (English)
-- column lead_zh: 牵头单位（中文） | Lead units (Chinese)
-- column lead_en: 牵头单位（英文） | Lead units (English)
-- column metric: 衡量指标代码（空：未计量） | Measure code (empty: not measured)
-- column page: 指标所在页面（路径） | Page that shows the measure (url path)
-- column measured: 是否有台账数据计量 | Measured from a ledger
-- column reason_zh: 未计量原因（中文） | Why it is not measured (Chinese)
-- column reason_en: 未计量原因（英文） | Why it is not measured (English)
-- column kind: 数值类型 share 比例 / count 个数 | Value kind: share or count
-- column better: 改进方向 higher 越高越好 / lower 越低越好 | Direction of improvement
-- column scope_code: 范围代码（全市或县区行政区划代码） | Scope adcode (city or county)
-- column scope_level: 范围层级 city / county | Scope level
-- column month: 月份（月末） | Month (month end)
-- column value: 指标数值（比例为小数；空：该范围当月无数据） | The measure's value (shares as fractions; empty: no data for the scope and month)
-- column target_value: 当月适用期限的目标值（无量化目标时为空） | Target of the deadline in force (empty: no numeric target)
-- column target_deadline: 当月适用的目标期限 | Deadline in force
-- column target_source: 目标出处（“默认值”为方案未给数值时的默认） | Where the target comes from (默认值: a default where the plan gives no number)
-- column expected: 按直线进度的理想值 | Expected value on the straight line
-- column status: 目标状态 已完成 / 达标 / 滞后 / 严重滞后 / 未完成（无目标时为空） | Status against the target (empty: no target)
-- column status_en: 目标状态（英文） | Status (English)
-- column county_rank_worst: 县区中由差到好的名次（1 为最差；全市及无数据时为空） | Rank among counties from worst (1: the worst; empty for the city or with no data)
with duties as (
    select *, row_number() over (order by task, duty) as duty_order from ref_plan_duties
),
measures as (
    select 'coverage' as metric, 'share' as kind, 'higher' as better, scope_code, month, coverage as value
    from mart_coverage_monthly
    union all
    select 'remaining', 'count', 'lower', scope_code, month, remaining from mart_coverage_monthly
    union all
    select 'carried_forward', 'count', 'lower', scope_code, month, carried_forward from mart_coverage_monthly
    union all
    select 'committee_coverage', 'share', 'higher', scope_code, month, committee_coverage
    from mart_committee_coverage_monthly
    union all
    select 'committee_trained_share', 'share', 'higher', scope_code, month, trained_share
    from mart_committee_governance_monthly
    union all
    select 'disclosure_rate', 'share', 'higher', scope_code, month, disclosure_rate from mart_plan_duties_monthly
    union all
    select 'contract_filing_rate', 'share', 'higher', scope_code, month, contract_filing_rate
    from mart_plan_duties_monthly
    union all
    select 'project_manager_share', 'share', 'higher', scope_code, month, project_manager_share
    from mart_plan_duties_monthly
    union all
    select 'takeover_rate', 'share', 'higher', scope_code, month, takeover_rate from mart_plan_duties_monthly
    union all
    select 'takeover_open_items', 'count', 'lower', scope_code, month, takeover_open_items from mart_plan_duties_monthly
    union all
    select 'graded_share', 'share', 'higher', scope_code, month, graded_share from mart_plan_duties_monthly
    union all
    select 'red_property', 'count', 'higher', scope_code, month, red_property from mart_plan_duties_monthly
    union all
    select 'beautiful_home', 'count', 'higher', scope_code, month, beautiful_home from mart_plan_duties_monthly
    union all
    select 'fee_above_cap', 'count', 'lower', scope_code, month, fee_above_cap from (
        select g.month,
            sm.scope_code,
            count(*) filter (where g.fee_above_cap) as fee_above_cap
        from mart_grade_assessments_monthly g
        join core_scope_members sm on sm.county_code = g.county_code
        group by g.month, sm.scope_code)
    union all
    select 'utilities_billed_rate', 'share', 'higher', scope_code, month, billed_rate
    from mart_utilities_monthly where utility = '全部'
    union all
    select 'rectification_close_rate', 'share', 'higher', scope_code, month, close_rate
    from mart_rectification_monthly where source = '全部'
    union all
    select 'complaint_rate_ratio', 'share', 'lower', scope_code, month, ratio_to_baseline
    from mart_complaint_rate_monthly
    union all
    select 'resolved_within_street', 'share', 'higher', scope_code, month, cumulative_share
    from mart_complaint_resolution_levels where period = '12m' and level = '街道'
    union all
    select 'joint_meetings_12m', 'count', 'higher', scope_code, month, meetings_12m from mart_joint_meetings_monthly
    union all
    select 'mediation_success_rate', 'share', 'higher', scope_code, month, success_rate_12m
    from mart_mediation_monthly where dispute_type = '全部'
    union all
    -- quarterly measures: each month shows its quarter (the quarter in progress so far)
    select 'inspection_compliance', 'share', 'higher', i.scope_code, m.month, i.compliance_to_date
    from mart_inspection_quarterly i
    join core_months m on last_day(date_trunc('quarter', m.month) + interval 2 month) = i.quarter_end
    union all
    select 'inspection_upload_rate', 'share', 'higher', i.scope_code, m.month,
        least(i.upload_supervision_rate, i.upload_credit_rate)
    from mart_inspection_quarterly i
    join core_months m on last_day(date_trunc('quarter', m.month) + interval 2 month) = i.quarter_end
    union all
    select 'black_list_firms', 'count', 'lower', f.scope_code, m.month, f.firms
    from (select scope_code, quarter_end, count(*) filter (where level = 'D') as firms
          from mart_firm_credit_scope_quarterly group by all) f
    join core_months m on last_day(date_trunc('quarter', m.month) + interval 2 month) = f.quarter_end
),
kinds as (
    select distinct metric, kind, better from measures
),
grid as (
    select d.*, d.metric is not null as measured, k.kind, k.better,
        s.scope_code, s.scope_level, m.month
    from duties d
    left join kinds k using (metric)
    cross join core_scopes s
    cross join core_months m
),
valued as (
    select g.*,
        -- a count over items (firms, assessments, meetings) is 0, not empty, where the scope has compounds
        case when g.kind = 'count' and x.value is null and c.compounds is not null then 0 else x.value end as value
    from grid g
    left join measures x on x.metric = g.metric and x.scope_code = g.scope_code and x.month = g.month
    left join mart_coverage_monthly c on c.scope_code = g.scope_code and c.month = g.month
),
final as (
    select v.*,
        t.target_value, t.deadline as target_deadline, t.source as target_source, t.expected, t.status, t.status_en,
        case when v.scope_level = 'county' and v.value is not null then
            rank() over (partition by v.duty_order, v.month, v.scope_level, v.value is null
                         order by case v.better when 'lower' then -v.value else v.value end)
        end as county_rank_worst
    from valued v
    left join mart_target_status t
        on t.scope_code = v.scope_code and t.metric = v.metric and t.month = v.month and t.is_active
)
select
    task, duty, duty_order, task_zh, task_en, duty_zh, duty_en, deadline_zh, deadline_en, lead_zh, lead_en,
    metric, page, measured, reason_zh, reason_en, kind, better, scope_code, scope_level, month, value,
    target_value, target_deadline, target_source, expected, status, status_en, county_rank_worst
from final
