-- zh: 业主委员会（物业管理委员会）月度快照（每月以最后报送的文件为准）
-- en: Owners' committee monthly snapshots (per county and month, the file sorted last wins)
-- column has_committee: 是否已成立（状态为“已成立”） | Committee established (status 已成立)
-- column as_of: 快照月份（月末） | Snapshot month (month end)
-- column compound_id: 小区编码 | Compound id
-- column county_code: 县区行政区划代码 | County adcode
-- column committee_type: 组织类型（业主委员会 / 物业管理委员会） | Type (owners' committee / property-management committee)
-- column status: 成立状态（筹备中 / 已成立 / 到期未换届 / 已解散） | Status (being set up, established, term expired, dissolved)
-- column established_on: 成立日期 | Established on
-- column term_end: 任期届满日期 | Term ends
-- column members: 委员人数 | Members
-- column party_members: 其中党员人数 | Party members among them
-- column filed: 已备案 | Filed
-- column trainings_this_year: 本年培训次数 | Trainings this year
-- column _file: 来源文件 | Source file
-- column _row: 来源文件中的行号 | Row number in the source file
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
