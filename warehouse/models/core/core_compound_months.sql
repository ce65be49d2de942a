-- zh: 小区×月份（每县取当月或之前最近一期快照；缺报月份沿用上期并标注）
-- en: Compound × month (each county's latest snapshot at or before the month; a missing month carries the last one forward, flagged)
-- column snapshot_month: 所用快照月份 | Snapshot month used
-- column is_carried_forward: 当月未报送、沿用上期快照 | No snapshot this month: the previous one is carried forward
-- column month: 月份（月末） | Month (month end)
-- column compound_id: 小区编码 | Compound id
-- column compound_name: 小区名称 | Compound name
-- column county_code: 县区行政区划代码 | County adcode
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
-- column is_professional: 专业物业服务 | Served by a professional property firm
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
select
    p.month,
    p.snapshot_month,
    p.snapshot_month < p.month as is_carried_forward,
    c.* exclude (as_of, _file, _row)
from core_snapshot_months p
join stg_compounds c on c.county_code = p.county_code and c.as_of = p.snapshot_month
where p.ledger = 'compounds'
