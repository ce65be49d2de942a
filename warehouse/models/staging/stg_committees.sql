-- zh: 业主委员会（物业管理委员会）月度快照（每月以最后报送的文件为准）
-- en: Owners' committee monthly snapshots (per county and month, the file sorted last wins)
-- column has_committee: 是否已成立（状态为“已成立”） | Committee established (status 已成立)
with source as (
    select r.*, last_day(r.as_of) as snapshot_month, c.county_code
    from raw_committees r
    left join (select distinct compound_id, county_code from stg_compounds) c using (compound_id)
),
latest_file as (
    select county_code, snapshot_month, max(_file) as _file from source group by all
),
final as (
    select
        s.snapshot_month as as_of,
        s.compound_id,
        s.county_code,
        s.committee_type,
        s.status,
        s.status = '已成立' as has_committee,
        s.established_on,
        s.term_end,
        s.members,
        s.party_members,
        s.filed,
        s.trainings_this_year,
        s._file,
        s._row
    from source s
    join latest_file l
        on l.snapshot_month = s.snapshot_month and l._file = s._file
        and l.county_code is not distinct from s.county_code
)
select * from final
