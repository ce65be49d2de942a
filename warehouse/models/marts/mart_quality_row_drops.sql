-- zh: 台账行数骤降（每台账、每县区、每月，与该县区上月相比；行数 = 装入与隔离的行，整份拒收的文件不计）
-- en: Sharp drops in a ledger's rows, per ledger, scope and month, against the scope's previous month (rows = loaded and quarantined; files rejected whole do not count)
-- column ledger: 台账 | Ledger
-- column scope_code: 范围代码（文件所属县区；全市文件为城市代码） | Scope adcode (the files' county; the city for city-wide files)
-- column month: 报送月份（月末） | Reporting month (month end)
-- column files: 该月的文件 | The month's files
-- column rows_received: 该月收到的行数 | Rows received in the month
-- column previous_rows: 上月收到的行数 | Rows received in the previous month
-- column drop_share: 较上月减少的比例 | Share of the previous month's rows missing
-- column is_sharp_drop: 是否骤降（减少比例不低于 settings.csv 的 row_drop_share） | A sharp drop (drop_share at least settings.csv's row_drop_share)
with settings as (select * from core_settings),
per_month as (
    select
        f.ledger,
        coalesce(f.county_code, s.city_code) as scope_code,
        f.month,
        list(f.path order by f.path) as files,
        sum(f.rows_loaded + f.rows_quarantined)::bigint as rows_received
    from audit_source_files f
    cross join settings s
    where f.status = 'loaded' and f.month is not null and f.ledger is not null
    group by all
),
compared as (
    select
        m.*,
        p.rows_received as previous_rows
    from per_month m
    left join per_month p
        on p.ledger = m.ledger and p.scope_code = m.scope_code
        and p.month = last_day(m.month - interval 1 month)
),
final as (
    select
        c.ledger,
        c.scope_code,
        c.month,
        c.files,
        c.rows_received,
        c.previous_rows,
        case when c.previous_rows > 0 then 1 - c.rows_received / c.previous_rows end as drop_share,
        coalesce(c.previous_rows > 0 and 1 - c.rows_received / c.previous_rows >= s.row_drop_share, false)
            as is_sharp_drop
    from compared c
    cross join settings s
)
select * from final order by ledger, scope_code, month
