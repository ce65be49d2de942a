-- zh: 企业信用扣分与加减分明细（每一条可追溯到工单、检查、整改事项或信用记录）
-- en: Every credit deduction and event behind a firm's score, each traceable to its complaint, inspection, rectification item or credit event
-- column rule: 计分规则（见参考数据 credit_rules.csv） | Scoring rule (reference credit_rules.csv)
-- column ref_type: 来源类型 complaint / inspection / rectification / credit_event | Source type
-- column ref_id: 来源编号（工单编号、检查编号、问题编号或记录编号） | Source id
-- column points: 分值（负数为扣分） | Points (negative: deduction)
-- column firm_credit_code: 物业企业统一社会信用代码 | Firm's unified social credit code
-- column occurred_on: 发生日期 | Date
-- column year: 计分年度 | Scoring year
-- column quarter: 季度（如 2025Q3） | Quarter (e.g. 2025Q3)
-- column detail: 扣分或加减分的依据 | What the points are for
-- column detail_en: 扣分或加减分的依据（英文；{term} 处为 detail_term 的译文） | What the points are for, in English ({term}: detail_term, translated)
-- column detail_term: 依据中的分类、检查事项或信用事项（原值） | The category, inspection items or credit-event kind in the detail, as stored
with rules as (
    select rule, points from ref_credit_rules
),
settings as (select data_month from core_settings),
events as (
    select firm_credit_code, received_at::date as occurred_on, 'substantiated_complaint' as rule,
           'complaint' as ref_type, ticket_id as ref_id, 1 as units,
           '属实投诉：' || coalesce(category, '') as detail,
           'Substantiated complaint: {term}' as detail_en, category as detail_term
    from core_complaints
    where is_complaint and substantiated and firm_credit_code is not null
    union all
    select firm_credit_code, closed_at::date, 'late_closed_complaint', 'complaint', ticket_id, 1,
           '超期办结：时限 ' || strftime(due_at, '%Y-%m-%d %H:%M') || '，办结 ' || strftime(closed_at, '%Y-%m-%d %H:%M'),
           'Closed late: due ' || strftime(due_at, '%Y-%m-%d %H:%M') || ', closed ' || strftime(closed_at, '%Y-%m-%d %H:%M'),
           null
    from core_complaints
    where is_complaint and closed_late and firm_credit_code is not null
    union all
    select firm_credit_code, inspected_on, 'inspection_finding', 'inspection', inspection_id, findings,
           '检查发现问题 ' || findings || ' 项：' || coalesce(items, ''),
           findings || (case when findings = 1 then ' problem' else ' problems' end) || ' found: {term}', items
    from core_inspections
    where findings > 0 and firm_credit_code is not null
    union all
    select firm_credit_code, inspected_on, 'penalty_case', 'inspection', inspection_id, 1,
           '立案处罚，罚款 ' || penalty_cny || ' 元',
           'Penalty case, fine ' || penalty_cny || ' yuan', null
    from core_inspections
    where result = '立案处罚' and firm_credit_code is not null
    union all
    -- an item counts as overdue the day after its deadline, whether closed late or still open
    select r.firm_credit_code, r.deadline + 1, 'overdue_rectification', 'rectification', r.issue_id, 1,
           '整改逾期：期限 ' || r.deadline::varchar || coalesce('，销号 ' || r.closed_on::varchar, '，尚未销号'),
           'Overdue: deadline ' || r.deadline::varchar || coalesce(', closed ' || r.closed_on::varchar, ', not yet closed'),
           null
    from core_rectifications r, settings s
    where r.firm_credit_code is not null
      and (r.closed_late or (not r.is_closed and r.deadline < s.data_month))
)
select
    e.firm_credit_code,
    e.occurred_on,
    year(e.occurred_on) as year,
    strftime(e.occurred_on, '%Y') || 'Q' || quarter(e.occurred_on) as quarter,
    e.rule,
    e.ref_type,
    e.ref_id,
    r.points * e.units as points,
    e.detail,
    e.detail_en,
    e.detail_term
from events e
join rules r using (rule)
union all
select
    firm_credit_code,
    occurred_on,
    year(occurred_on),
    strftime(occurred_on, '%Y') || 'Q' || quarter(occurred_on),
    'credit_event',
    'credit_event',
    event_id,
    points,
    kind || coalesce('：' || note, '') || coalesce('（' || source_unit || '）', ''),
    '{term}' || coalesce(': ' || note, '') || coalesce(' (' || source_unit || ')', ''),
    kind
from stg_credit_events
