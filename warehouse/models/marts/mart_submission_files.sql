-- zh: 报送文件：落地文件夹中的每个文件属于哪个报送方、台账和报送期，何时收到、谁报送，结果如何（最新一次构建）
-- en: Files received: each file of the landing folder with its sender, ledger and period, when it arrived, who sent it and what became of it (latest build)
-- column path: 文件（落地文件夹中的路径） | File (path in the landing folder)
-- column ledger: 台账 | Ledger
-- column scope_code: 报送方行政区划代码（县区；全市报送的台账为市；空为无法确定） | Sender's adcode (the county; the city for ledgers the city sends; empty: cannot be told)
-- column period: 报送期（期末日：月末、季末或半年末；空为无法确定） | Reporting period (its last day: month, quarter or half-year end; empty: cannot be told)
-- column cadence: 报送周期（空为有变化时报送） | How often the ledger is due (empty: when something changes)
-- column deadline: 报送截止日（期末后次月第 reporting_deadline_day 天） | Deadline (day reporting_deadline_day of the month after the period)
-- column received_at: 收到时间（文件在落地文件夹中的修改时间，北京时间） | Received (the file's modification time in the landing folder, local time)
-- column sender: 填报单位（文件标题所写；空为不明） | Sender (the 填报单位 its title names; empty: unknown)
-- column state: 结果：loaded 已装入、replaced 被更正版或后报文件取代、duplicate 重复报送、rejected 拒收 | Outcome: loaded, replaced (by a correction or a later file), duplicate (sent twice), rejected
-- column on_time: 截止日当天或之前收到 | Received on or before the deadline
-- column reject_rule: 拒收规则 | Rejection rule
-- column message_zh: 拒收原因 | Why it was rejected (Chinese)
-- column message_en: 拒收原因（英文） | Why it was rejected
-- column rows_read: 读取行数 | Rows read
-- column rows_loaded: 入库行数 | Rows loaded
with settings as (
    select city_code, reporting_deadline_day from core_settings
),
files as (  -- placed as audit_receipts places them (a file rejected before it was read, by its title and name)
    select
        f.path, coalesce(r.ledger, f.ledger) as ledger, coalesce(r.county_code, f.county_code) as county_code,
        coalesce(r.month, f.month) as month, f.status, f.reject_rule, f.message, f.rows_read, f.rows_loaded,
        r.sender, r.received_at, l.cadence, l.reported_by, coalesce(l.is_snapshot, false) as is_snapshot
    from audit_source_files f
    left join audit_receipts r using (path)
    left join ref_ledgers l on l.ledger = coalesce(r.ledger, f.ledger)
),
placed as (
    select
        f.*,
        case when f.reported_by = 'city' then coalesce(f.county_code, s.city_code) else f.county_code end as scope_code,
        case f.cadence
            when 'quarter' then last_day(date_trunc('quarter', f.month) + interval 2 month)::date
            when 'half_year' then last_day(make_date(year(f.month), case when month(f.month) <= 6 then 6 else 12 end, 1))
            else f.month
        end as period,
        s.reporting_deadline_day
    from files f
    cross join settings s
),
dated as (
    select *, case when cadence is not null then period + reporting_deadline_day end as deadline from placed
),
-- A snapshot's month is the file sorted last (as in stg_compounds and stg_committees): the others are replaced.
counted as (
    select ledger, scope_code, period, max(path) as counted_path
    from dated
    where status = 'loaded' and is_snapshot
    group by all
),
final as (
    select
        p.path,
        p.ledger,
        p.scope_code,
        p.period,
        p.cadence,
        p.deadline,
        p.received_at,
        p.sender,
        case
            when p.status = 'loaded' and (c.counted_path is null or p.path = c.counted_path) then 'loaded'
            when p.status = 'loaded' or p.reject_rule = 'superseded' then 'replaced'
            when p.reject_rule = 'duplicate_file' then 'duplicate'
            else 'rejected'
        end as state,
        p.received_at::date <= p.deadline as on_time,
        p.reject_rule,
        case when p.status = 'rejected' then
            coalesce(nullif(split_part(p.message, '／File ', 1), ''), p.message) end as message_zh,
        case when p.status = 'rejected' then
            coalesce('File ' || nullif(split_part(p.message, '／File ', 2), ''), p.message) end as message_en,
        p.rows_read,
        p.rows_loaded
    from dated p
    left join counted c
        on c.ledger = p.ledger and c.scope_code = p.scope_code and c.period = p.period and p.is_snapshot
)
select * from final order by scope_code, ledger, period, path
