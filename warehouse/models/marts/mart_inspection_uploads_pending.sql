-- zh: 尚未上传两个平台的检查记录（互联网+监管系统、信用信息共享平台），供经办人逐条补传
-- en: Inspection records not yet uploaded to one or both platforms (the Internet + Supervision system, the credit-sharing platform), for an officer to work through
-- column month: 检查月份（月末） | Month of the inspection (month end)
-- column pending_platforms: 待上传平台（名称取自地区包 region.toml） | Platforms still to upload to (named in the region pack's region.toml)
-- column inspection_id: 检查编号 | Inspection id
-- column quarter: 季度（如 2025Q3） | Quarter (e.g. 2025Q3)
-- column inspected_on: 检查日期 | Inspected on
-- column county_code: 县区行政区划代码 | County adcode
-- column town: 街道/乡镇 | Town or street office
-- column department: 检查部门 | Inspecting department
-- column compound_id: 小区编码 | Compound id
-- column compound_name: 小区名称 | Compound name
-- column firm_credit_code: 物业企业统一社会信用代码 | Firm's unified social credit code
-- column firm_name: 物业企业名称 | Firm name
-- column result: 检查结果 | Result
-- column findings: 发现问题数 | Problems found
-- column penalty_cny: 罚款金额（元） | Fine (yuan)
-- column uploaded_supervision: 已上传互联网+监管系统 | Uploaded to the Internet + Supervision system
-- column uploaded_credit: 已上传信用信息共享平台 | Uploaded to the credit-sharing platform
-- column source_file: 来源文件 | Source file
-- column source_row: 来源文件行号 | Row in the source file
select
    last_day(inspected_on) as month,
    inspection_id,
    quarter,
    inspected_on,
    county_code,
    town,
    department,
    compound_id,
    compound_name,
    firm_credit_code,
    firm_name,
    result,
    findings,
    penalty_cny,
    uploaded_supervision,
    uploaded_credit,
    concat_ws('、',
        case when not uploaded_supervision then s.name_zh end,
        case when not uploaded_credit then c.name_zh end) as pending_platforms,
    source_file,
    source_row
from mart_inspection_records
cross join (select name_zh from ref_region where key = 'platform_supervision') s
cross join (select name_zh from ref_region where key = 'platform_credit') c
where not (uploaded_supervision and uploaded_credit)
