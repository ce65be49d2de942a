-- zh: 双随机检查明细（含小区、企业、信用扣分及来源文件与行号）
-- en: Spot-inspection list with compound, firm, credit points and the source file and row
-- column credit_points: 该次检查导致的企业信用分变化 | Credit points this inspection cost its firm
-- column source_file: 来源文件 | Source file
-- column source_row: 来源文件行号 | Row in the source file
-- column inspection_id: 检查编号 | Inspection id
-- column quarter: 季度（如 2025Q3） | Quarter (e.g. 2025Q3)
-- column inspected_on: 检查日期 | Inspection date
-- column county_code: 县区行政区划代码 | County adcode
-- column town: 街道/乡镇 | Town or street office
-- column department: 检查部门 | Inspecting department
-- column compound_id: 小区编码 | Compound id
-- column compound_name: 小区名称 | Compound name
-- column firm_credit_code: 被检查物业企业统一社会信用代码 | Credit code of the firm inspected
-- column firm_name: 物业企业名称 | Firm name
-- column items: 检查事项 | Items inspected
-- column findings: 发现问题数 | Problems found
-- column result: 检查结果（未发现问题 / 责令整改 / 立案处罚） | Result (no problem / rectification ordered / penalty case)
-- column penalty_cny: 罚款金额（元） | Fine (yuan)
-- column uploaded_supervision: 已上传互联网+监管系统 | Uploaded to the Internet + Supervision system
-- column uploaded_credit: 已上传信用信息共享平台 | Uploaded to the credit-sharing platform
with points as (
    select ref_id, sum(points) as credit_points
    from core_credit_deductions
    where ref_type = 'inspection'
    group by all
)
select
    i.inspection_id,
    i.quarter,
    i.inspected_on,
    i.county_code,
    i.town,
    i.department,
    i.compound_id,
    i.compound_name,
    i.firm_credit_code,
    f.firm_name,
    i.items,
    i.findings,
    i.result,
    i.penalty_cny,
    i.uploaded_supervision,
    i.uploaded_credit,
    coalesce(p.credit_points, 0) as credit_points,
    i._file as source_file,
    i._row as source_row
from core_inspections i
left join core_firms f using (firm_credit_code)
left join points p on p.ref_id = i.inspection_id
