-- zh: 地图上的小区点位（每月、每个小区：位置、户数、管理方式、物业企业）
-- en: Compounds on the map, per month: position, households, management mode and firm
-- column county_code: 县区行政区划代码 | County adcode
-- column firm_name: 物业企业名称（以企业台账为准，缺失时取小区台账所填） | Firm name (from the firms ledger, else as the compounds ledger gives it)
-- column is_carried_forward: 当月未报送、沿用上期快照 | No snapshot this month: the previous one is carried forward
-- column month: 月份（月末） | Month (month end)
-- column compound_id: 小区编码 | Compound id
-- column compound_name: 小区名称 | Compound name
-- column town: 街道/乡镇 | Town or street office
-- column lon: 经度（GCJ-02） | Longitude (GCJ-02)
-- column lat: 纬度（GCJ-02） | Latitude (GCJ-02)
-- column households: 总户数 | Households
-- column management_mode: 管理方式（专业物业 / 社区托管 / 业主自管 / 单位自管 / 无物业） | Management mode (professional firm / community-hosted / owner-managed / employer-managed / none)
select
    c.month,
    c.county_code,
    c.compound_id,
    c.compound_name,
    c.town,
    c.lon,
    c.lat,
    c.households,
    c.management_mode,
    coalesce(f.firm_name, c.firm_name) as firm_name,
    c.is_carried_forward
from core_compound_months c
left join core_firms f using (firm_credit_code)
where c.lon is not null and c.lat is not null
