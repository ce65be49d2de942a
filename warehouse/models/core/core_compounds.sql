-- zh: 小区维表（各小区最新一期快照的属性）
-- en: Compounds (attributes from each compound's latest snapshot)
-- column first_month: 首次出现的快照月份 | First snapshot month
-- column last_month: 最近出现的快照月份 | Latest snapshot month
-- column name_key: 名称匹配键（去空格、县区前缀与“小区”后缀） | Name key for matching (no spaces, county prefix or 小区 suffix)
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
with latest as (
    select * from stg_compounds
    qualify row_number() over (partition by compound_id order by as_of desc) = 1
),
firsts as (
    select compound_id, min(as_of) as first_month from stg_compounds group by compound_id
),
name_keys as (
    -- the name without spaces, its longest county prefix (core_county_prefixes) or 小区 suffix
    select n.compound_id,
        regexp_replace(substr(n.name, coalesce(max(length(p.prefix)), 0) + 1), '(住宅小区|小区)$', '') as name_key
    from (select compound_id, replace(compound_name, ' ', '') as name from latest) n
    left join core_county_prefixes p on starts_with(n.name, p.prefix)
    group by n.compound_id, n.name
)
select
    l.* exclude (as_of, _file, _row),
    f.first_month,
    l.as_of as last_month,
    k.name_key
from latest l
join firsts f using (compound_id)
join name_keys k using (compound_id)
