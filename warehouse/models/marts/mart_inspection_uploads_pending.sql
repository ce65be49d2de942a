-- zh: 尚未上传两个平台的检查记录（甘肃省互联网+监管系统、武威市信用信息共享平台），供经办人逐条补传
-- en: Inspection records not yet uploaded to one or both platforms (Gansu's Internet + Supervision system, Wuwei's credit-sharing platform), for an officer to work through
-- column month: 检查月份（月末） | Month of the inspection (month end)
-- column pending_platforms: 待上传平台 | Platforms still to upload to
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
-- column uploaded_supervision: 已上传甘肃省互联网+监管系统 | Uploaded to Gansu's Internet + Supervision system
-- column uploaded_credit: 已上传武威市信用信息共享平台 | Uploaded to Wuwei's credit-sharing platform
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
        case when not uploaded_supervision then '甘肃省互联网+监管系统' end,
        case when not uploaded_credit then '武威市信用信息共享平台' end) as pending_platforms,
    source_file,
    source_row
from mart_inspection_records
where not (uploaded_supervision and uploaded_credit)
