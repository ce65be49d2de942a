-- zh: 双随机、一公开检查记录
-- en: Spot inspections
-- column quarter: 季度（如 2025Q3，由检查日期得出） | Quarter (e.g. 2025Q3, from the inspection date)
-- column inspection_id: 检查编号 | Inspection id
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
-- column _file: 来源文件 | Source file
-- column _row: 来源文件中的行号 | Row number in the source file
select
    inspection_id,
    strftime(inspected_on, '%Y') || 'Q' || quarter(inspected_on) as quarter,
    quarter as reported_quarter,
    inspected_on,
    county as county_code,
    department,
    nullif(firm_credit_code, '') as firm_credit_code,
    compound_id,
    items,
    coalesce(findings, 0) as findings,
    result,
    coalesce(penalty_cny, 0) as penalty_cny,
    coalesce(uploaded_supervision, false) as uploaded_supervision,
    coalesce(uploaded_credit, false) as uploaded_credit,
    _file,
    _row
from raw_inspections
qualify row_number() over (partition by inspection_id order by (_file, _row) desc) = 1
