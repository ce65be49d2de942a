-- zh: 报送情况：各报送方（县区；全市报送的台账为市）、各台账、各报送期的报送结果，按截止日判定：截止日前收到可用文件为按时，之后为逾期；只有拒收文件为拒收；截止日已过仍未收到为缺报，未到截止日为未到期
-- en: Submissions: per sender (county; the city for ledgers the city sends), ledger and period, judged at the deadline: a usable file by the deadline is on time, after it late; only rejected files is rejected; nothing by a passed deadline is missing, before it not yet due
-- column scope_code: 报送方行政区划代码 | Sender's adcode
-- column ledger: 台账 | Ledger
-- column cadence: 报送周期（空为有变化时报送，不判缺报） | How often it is due (empty: when something changes, never missing)
-- column period: 报送期（期末日） | Reporting period (its last day)
-- column deadline: 报送截止日 | Deadline
-- column expected: 应报（台账声明的周期内） | Due (a period the ledger's declaration makes due)
-- column status: 结果：on_time 按时、late 逾期、rejected 拒收、missing 缺报、not_due 未到期、received 已收到（不定期台账） | Outcome: on_time, late, rejected, missing, not_due, received (a ledger with no cadence)
-- column files: 收到的文件数 | Files received
-- column files_rejected: 拒收的文件数 | Files rejected
-- column files_replaced: 被更正版或后报文件取代的文件数 | Files replaced by a correction or a later file
-- column files_duplicate: 重复报送的文件数 | Files sent twice
-- column received_at: 首个可用文件的收到时间（按此判定按时或逾期） | When the first usable file arrived (on time or late is judged by it)
-- column sender: 首个可用文件的填报单位（空为不明） | Sender of the first usable file (empty: unknown)
-- column first_path: 首个可用文件 | The first usable file
-- column last_received_at: 最后一个文件的收到时间 | When the last file arrived
-- column days_late: 逾期天数（逾期为收到日，缺报为判定日，距截止日） | Days late (received, or for a missing one the day judged, after the deadline)
-- column reasons_zh: 拒收原因 | Why files were rejected (Chinese)
-- column reasons_en: 拒收原因（英文） | Why files were rejected
-- column checked_on: 判定日（构建日期） | Judged on (the build's date)
-- column current_month: 当前报送月（判定日的上一个月） | The month now being reported (the month before the day judged)
-- column is_current: 报送期结束于当前报送月 | The period ends in the month now being reported
with clock as (
    select max(checked_on) as checked_on from audit_receipts
),
now_due as (
    select checked_on, last_day(checked_on - interval 1 month)::date as current_month from clock
),
settings as (
    select reporting_deadline_day from core_settings
),
due_ledgers as (
    select ledger, cadence, reported_by from ref_ledgers where cadence is not null
),
owed as (
    select d.ledger, d.cadence, s.scope_code
    from due_ledgers d
    join core_scopes s on s.scope_level = case d.reported_by when 'city' then 'city' else 'county' end
),
first_period as (
    select ledger, min(period) as first_period
    from mart_submission_files
    where period is not null and scope_code is not null
    group by ledger
),
months as (
    select f.ledger, last_day(t.m)::date as period
    from first_period f
    cross join now_due n
    cross join generate_series(date_trunc('month', f.first_period), n.current_month, interval 1 month) as t(m)
),
grid as (
    select o.scope_code, o.ledger, m.period
    from owed o
    join months m using (ledger)
    where case o.cadence when 'quarter' then month(m.period) % 3 = 0
                         when 'half_year' then month(m.period) % 6 = 0
                         else true end
),
sent as (
    select
        scope_code, ledger, period,
        count(*) as files,
        count(*) filter (where state = 'rejected') as files_rejected,
        count(*) filter (where state = 'replaced') as files_replaced,
        count(*) filter (where state = 'duplicate') as files_duplicate,
        min(received_at) filter (where state <> 'rejected') as received_at,
        arg_min(sender, received_at) filter (where state <> 'rejected') as sender,
        arg_min(path, received_at) filter (where state <> 'rejected') as first_path,
        max(received_at) as last_received_at,
        string_agg(message_zh, '；' order by path) filter (where state = 'rejected') as reasons_zh,
        string_agg(message_en, '; ' order by path) filter (where state = 'rejected') as reasons_en
    from mart_submission_files
    where scope_code is not null and period is not null
    group by all
),
cells as (
    select
        coalesce(g.scope_code, s.scope_code) as scope_code,
        coalesce(g.ledger, s.ledger) as ledger,
        coalesce(g.period, s.period) as period,
        g.ledger is not null as expected,
        s.* exclude (scope_code, ledger, period)
    from grid g
    full join sent s on s.scope_code = g.scope_code and s.ledger = g.ledger and s.period = g.period
),
judged as (
    select
        c.*,
        l.cadence,
        case when l.cadence is not null then c.period + st.reporting_deadline_day end as deadline,
        n.checked_on,
        n.current_month
    from cells c
    join ref_ledgers l using (ledger)
    cross join settings st
    cross join now_due n
),
final as (
    select
        scope_code,
        ledger,
        cadence,
        period,
        deadline,
        expected,
        case
            when received_at is not null and deadline is null then 'received'
            when received_at is not null and received_at::date <= deadline then 'on_time'
            when received_at is not null then 'late'
            when files_rejected > 0 then 'rejected'
            when deadline < checked_on then 'missing'
            else 'not_due'
        end as status,
        coalesce(files, 0) as files,
        coalesce(files_rejected, 0) as files_rejected,
        coalesce(files_replaced, 0) as files_replaced,
        coalesce(files_duplicate, 0) as files_duplicate,
        received_at,
        sender,
        first_path,
        last_received_at,
        case
            when received_at::date > deadline then date_diff('day', deadline, received_at::date)
            when received_at is null and deadline < checked_on then date_diff('day', deadline, checked_on)
        end as days_late,
        reasons_zh,
        reasons_en,
        checked_on,
        current_month,
        period = current_month as is_current
    from judged
)
select f.*
from final f
join core_scopes s using (scope_code)
join ref_ledgers l using (ledger)
order by s.sort_order, f.scope_code, l.sort_order, f.period
