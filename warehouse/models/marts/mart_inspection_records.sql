-- zh: 双随机检查明细（含小区、企业、信用扣分及来源文件与行号）
-- en: Spot-inspection list with compound, firm, credit points and the source file and row
-- column credit_points: 该次检查导致的企业信用分变化 | Credit points this inspection cost its firm
-- column source_file: 来源文件 | Source file
-- column source_row: 来源文件行号 | Row in the source file
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
