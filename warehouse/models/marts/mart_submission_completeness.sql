-- zh: 报送完成度：各范围、各月到期的应报台账中已收到（按时或逾期）的比例；全市含各县区和市本级报送的台账
-- en: Submission completeness: per scope and month, the share of the ledgers due that arrived (on time or late); the city counts every county's and its own
-- column scope_code: 范围（全市或县区） | Scope (the city or a county)
-- column month: 报送期结束的月份（月末） | The month the periods end in (month end)
-- column deadline: 报送截止日 | Deadline
-- column expected: 应报项数（报送方 × 台账） | Submissions due (sender × ledger)
-- column received: 已收到（按时或逾期） | Received (on time or late)
-- column on_time: 按时 | On time
-- column late: 逾期 | Late
-- column rejected: 只有拒收文件 | Only rejected files
-- column missing: 缺报（截止日已过） | Missing (the deadline has passed)
-- column not_due: 未收到、未到截止日 | Not received, not yet due
-- column completeness: 完成度（已收到 ÷ 应报） | Completeness (received ÷ due)
-- column is_current: 当前报送月 | The month now being reported
with due as (
    select * from mart_submissions where expected
),
in_scope as (
    select scope_code as in_scope, * from due
    union all
    select s.city_code as in_scope, d.*
    from due d
    cross join core_settings s
    where d.scope_code <> s.city_code
),
final as (
    select
        in_scope as scope_code,
        period as month,
        max(deadline) as deadline,
        count(*) as expected,
        count(*) filter (where status in ('on_time', 'late')) as received,
        count(*) filter (where status = 'on_time') as on_time,
        count(*) filter (where status = 'late') as late,
        count(*) filter (where status = 'rejected') as rejected,
        count(*) filter (where status = 'missing') as missing,
        count(*) filter (where status = 'not_due') as not_due,
        count(*) filter (where status in ('on_time', 'late')) / count(*) as completeness,
        bool_or(is_current) as is_current
    from in_scope
    group by all
)
select * from final order by scope_code, month
