-- zh: 小区月度快照（每县每月以最后报送的文件为准）
-- en: Compound monthly snapshots (per county and month, the file sorted last wins: a re-sent ledger replaces the first)
-- column as_of: 快照月份（月末） | Snapshot month (month end)
-- column county_code: 县区行政区划代码 | County adcode
-- column is_professional: 是否专业物业服务（管理方式不明记为否） | Served by a professional property firm (false when the mode is unknown)
-- column compound_id: 小区编码 | Compound id
-- column compound_name: 小区名称 | Compound name
-- column town: 街道/乡镇 | Town or street office
-- column community: 社区 | Community
-- column address: 地址 | Address
-- column lon: 经度（GCJ-02） | Longitude (GCJ-02)
-- column lat: 纬度（GCJ-02） | Latitude (GCJ-02)
-- column built_year: 建成年份 | Year built
-- column floor_area_m2: 建筑面积（㎡） | Floor area (m²)
-- column buildings: 楼栋数 | Buildings
-- column has_elevator: 有电梯 | Has lifts
-- column households: 总户数 | Households
-- column occupied_households: 入住户数 | Occupied households
-- column is_old_compound: 老旧小区 | Old compound
-- column management_mode: 管理方式（专业物业 / 社区托管 / 业主自管 / 单位自管 / 无物业） | Management mode (professional firm / community-hosted / owner-managed / employer-managed / none)
-- column firm_credit_code: 物业企业统一社会信用代码 | Firm's unified social credit code
-- column firm_name: 物业企业名称 | Firm name
-- column contract_start: 物业服务合同开始日期 | Service contract start
-- column contract_end: 物业服务合同结束日期 | Service contract end
-- column contract_filed: 物业服务合同已备案 | Service contract filed
-- column project_manager: 项目经理 | Project manager
-- column service_grade: 服务等级（未报送记为“未评定”） | Service grade (未评定 when not reported)
-- column fee_per_m2_month: 物业费收费标准（元/㎡·月） | Service fee (yuan per m² a month)
-- column fee_collection_rate: 物业费收缴率 | Fee collection rate
-- column disclosure_posted: 已在小区公示服务内容、等级、收费和投诉电话 | Disclosure board posted (service, grade, fees, complaint line)
-- column takeover_inspected: 已完成承接查验 | Takeover inspection done
-- column red_property: 红色物业项目 | Red-property project
-- column beautiful_home: 美好家园小区 | Beautiful-home compound
-- column _file: 来源文件 | Source file
-- column _row: 来源文件中的行号 | Row number in the source file
with source as (
    select *, last_day(as_of) as snapshot_month from raw_compounds
),
latest_file as (
    -- from the table, not from `source`: read twice, `source` would be materialised whole
    select county, last_day(as_of) as snapshot_month, max(_file) as _file from raw_compounds group by all
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
        coalesce(s.management_mode = '专业物业', false) as is_professional,
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
