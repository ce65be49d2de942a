-- zh: 整改事项（含县区、是否逾期、逾期天数、销号用时，逾期按数据截至日计算）
-- en: Rectification items (county, overdue status and days, days to close; overdue as of the data date)
-- column is_overdue: 逾期未销号（截至数据截至日超过整改期限） | Overdue: not closed and past its deadline at the data date
-- column days_overdue: 逾期天数 | Days past the deadline
-- column closed_late: 超期销号 | Closed after the deadline
-- column days_to_close: 销号用时（天） | Days from finding to closure
with settings as (select data_month from core_settings)
select
    r.* exclude (_file, _row),
    c.county_code,
    c.town,
    c.compound_name,
    r.status = '已销号' as is_closed,
    r.status <> '已销号' and r.deadline < s.data_month as is_overdue,
    case when r.status <> '已销号' and r.deadline < s.data_month then date_diff('day', r.deadline, s.data_month) end
        as days_overdue,
    r.status = '已销号' and r.closed_on > r.deadline as closed_late,
    case when r.status = '已销号' then date_diff('day', r.found_on, r.closed_on) end as days_to_close,
    r._file,
    r._row
from stg_rectifications r
cross join settings s
left join core_compounds c using (compound_id)
