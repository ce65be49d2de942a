-- zh: 检查记录（含所属县区与小区名称）
-- en: Inspections (with county and compound name)
-- column round_key: 检查轮次（同县区、同部门、同日为一轮） | Inspection round (same county, department and day)
select
    i.* exclude (_file, _row),
    c.compound_name,
    c.town,
    i.county_code || '|' || coalesce(i.department, '') || '|' || i.inspected_on::varchar as round_key,
    i._file,
    i._row
from stg_inspections i
left join core_compounds c using (compound_id)
