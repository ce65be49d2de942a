-- zh: 检查记录（含所属县区与小区名称）
-- en: Inspections (with county and compound name)
-- column round_key: 检查轮次（同县区、同部门、同日为一轮） | Inspection round (same county, department and day)
-- column inspection_id: 检查编号 | Inspection id
-- column quarter: 季度（如 2025Q3） | Quarter (e.g. 2025Q3)
-- column reported_quarter: 台账填报的季度 | Quarter as reported in the ledger
-- column inspected_on: 检查日期 | Inspection date
-- column county_code: 县区行政区划代码 | County adcode
-- column department: 检查部门 | Inspecting department
-- column firm_credit_code: 物业企业统一社会信用代码 | Firm's unified social credit code
-- column compound_id: 小区编码 | Compound id
-- column items: 检查事项 | Items inspected
-- column findings: 发现问题数 | Problems found
-- column result: 检查结果（未发现问题 / 责令整改 / 立案处罚） | Result (no problem / rectification ordered / penalty case)
-- column penalty_cny: 罚款金额（元） | Fine (yuan)
-- column uploaded_supervision: 已上传互联网+监管系统 | Uploaded to the Internet + Supervision system
-- column uploaded_credit: 已上传信用信息共享平台 | Uploaded to the credit-sharing platform
-- column compound_name: 小区名称 | Compound name
-- column town: 小区所在街道/乡镇 | Town of the compound
-- column _file: 来源文件 | Source file
-- column _row: 来源文件中的行号 | Row number in the source file
select
    i.* exclude (_file, _row),
    c.compound_name,
    c.town,
    i.county_code || '|' || coalesce(i.department, '') || '|' || i.inspected_on::varchar as round_key,
    i._file,
    i._row
from stg_inspections i
left join core_compounds c using (compound_id)
