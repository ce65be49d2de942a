-- zh: 小区月度快照（每县每月以最后报送的文件为准）
-- en: Compound monthly snapshots (per county and month, the file sorted last wins: a re-sent ledger replaces the first)
-- column as_of: 快照月份（月末） | Snapshot month (month end)
-- column county_code: 县区行政区划代码 | County adcode
-- column is_professional: 是否专业物业服务 | Served by a professional property firm
with source as (
    select *, last_day(as_of) as snapshot_month from raw_compounds
),
latest_file as (
    select county, snapshot_month, max(_file) as _file from source group by all
),
final as (
    select
        s.snapshot_month as as_of,
        s.compound_id,
        s.compound_name,
        s.county as county_code,
        s.town,
        s.community,
        s.address,
        s.lon,
        s.lat,
        s.built_year,
        s.floor_area_m2,
        s.buildings,
        s.has_elevator,
        s.households,
        s.occupied_households,
        s.is_old_compound,
        s.management_mode,
        s.management_mode = '专业物业' as is_professional,
        nullif(s.firm_credit_code, '') as firm_credit_code,
        s.firm_name,
        s.contract_start,
        s.contract_end,
        s.contract_filed,
        s.project_manager,
        coalesce(s.service_grade, '未评定') as service_grade,
        s.fee_per_m2_month,
        s.fee_collection_rate,
        s.disclosure_posted,
        s.takeover_inspected,
        s.red_property,
        s.beautiful_home,
        s._file,
        s._row
    from source s
    join latest_file using (county, snapshot_month, _file)
)
select * from final
