-- zh: 被后报文件取代的快照文件：同一县区同一月份有多份小区或业委会台账时，按文件路径排在最后的一份为准（与 stg_compounds、stg_committees 相同），其余文件的行不进入统计
-- en: Snapshot files replaced by a later file: when a county sent several compounds or committees ledgers for one month, the file sorted last counts (as in stg_compounds and stg_committees); the others' rows are not counted
-- column ledger: 台账 | Ledger
-- column county_code: 县区行政区划代码 | County adcode
-- column month: 快照月份（月末） | Snapshot month (month end)
-- column path: 被取代的文件 | The file replaced
-- column rows_replaced: 未计入的行数 | Rows not counted
-- column replaced_by: 取代它的文件（路径排在最后） | The file that counts instead (sorted last)
with compounds as (
    select 'compounds' as ledger, _file, county as county_code, last_day(as_of) as month from raw_compounds
),
committees as (
    select 'committees' as ledger, r._file, c.county_code, last_day(r.as_of) as month
    from raw_committees r
    left join (select distinct compound_id, county_code from stg_compounds) c using (compound_id)
),
snapshot_rows as (
    select * from compounds
    union all
    select * from committees
),
latest as (
    select ledger, county_code, month, max(_file) as replaced_by from snapshot_rows group by all
),
final as (
    select
        s.ledger,
        s.county_code,
        s.month,
        s._file as path,
        count(*)::bigint as rows_replaced,
        l.replaced_by
    from snapshot_rows s
    join latest l
        on l.ledger = s.ledger and l.month = s.month and l.county_code is not distinct from s.county_code
    where s._file <> l.replaced_by
    group by all
)
select * from final order by ledger, county_code, month, path
