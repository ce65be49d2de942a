-- zh: 投诉明细（投诉+举报；已脱敏：不含诉求人、电话、地址与诉求内容），含小区匹配方式、企业信用扣分及来源文件与行号
-- en: Complaint list (投诉 + 举报; de-identified: no caller, phone, address or content), with the compound match, credit points and the source file and row
-- column compound_name: 小区名称（已匹配的取小区台账名称，未匹配的取工单所写名称） | Compound name (the ledger's when matched, as written when not)
-- column reported_compound_name: 工单所写小区名称 | Compound name as written in the work order
-- column credit_points: 该工单导致的企业信用分变化 | Credit points this complaint cost its firm
-- column source_file: 来源文件 | Source file
-- column source_row: 来源文件行号 | Row in the source file
with points as (
    select ref_id, sum(points) as credit_points
    from core_credit_deductions
    where ref_type = 'complaint'
    group by all
)
select
    c.ticket_id,
    c.received_at,
    c.month,
    c.county_code,
    c.town,
    c.compound_id,
    coalesce(k.compound_name, c.compound_name) as compound_name,
    c.compound_name as reported_compound_name,
    c.match_method,
    c.match_confidence,
    c.firm_credit_code,
    f.firm_name,
    c.channel,
    c.appeal_type,
    c.category,
    c.handling_unit,
    c.resolved_level,
    c.status,
    c.due_at,
    c.closed_at,
    c.closed_on_time,
    c.closed_late,
    c.substantiated,
    c.satisfaction,
    c.is_repeat,
    coalesce(p.credit_points, 0) as credit_points,
    c._file as source_file,
    c._row as source_row
from core_complaints c
left join core_compounds k on k.compound_id = c.compound_id
left join core_firms f on f.firm_credit_code = c.firm_credit_code
left join points p on p.ref_id = c.ticket_id
where c.is_complaint
