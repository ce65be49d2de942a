-- zh: 投诉明细（投诉+举报；已脱敏：不含诉求人、电话、地址与诉求内容），含小区匹配方式、企业信用扣分及来源文件与行号
-- en: Complaint list (complaints and reports; de-identified: no caller, phone, address or content), with the compound match, credit points and the source file and row
-- column compound_name: 小区名称（已匹配的取小区台账名称，未匹配的取工单所写名称） | Compound name (the ledger's when matched, as written when not)
-- column reported_compound_name: 工单所写小区名称 | Compound name as written in the work order
-- column credit_points: 该工单导致的企业信用分变化 | Credit points this complaint cost its firm
-- column source_file: 来源文件 | Source file
-- column source_row: 来源文件行号 | Row in the source file
-- column ticket_id: 工单编号 | Work order id
-- column received_at: 受理时间 | Received at
-- column month: 月份（月末） | Month (month end)
-- column county_code: 县区行政区划代码 | County adcode
-- column town: 街道/乡镇 | Town or street office
-- column compound_id: 小区编码 | Compound id
-- column match_method: 小区匹配方式（id 编码 / name 名称 / name_without_town 去掉街镇前缀的名称；空为未匹配） | How the compound was matched (empty: unmatched)
-- column match_confidence: 匹配可信度（1.0 / 0.9 / 0.8） | Match confidence
-- column firm_credit_code: 物业企业统一社会信用代码（未填报时取当月服务该小区的企业） | Firm's credit code (when not reported: the firm serving the compound that month)
-- column firm_name: 物业企业名称 | Firm name
-- column channel: 来源渠道 | Channel
-- column appeal_type: 诉求类型（投诉 / 举报 / 求助 / 咨询 / 建议 / 表扬） | Appeal type (complaint, report, help, enquiry, suggestion, praise)
-- column category: 诉求分类 | Category
-- column handling_unit: 承办单位 | Handling unit
-- column resolved_level: 办结层级（小区 / 社区 / 街道 / 县区部门 / 市级部门） | Level where it was resolved (compound, community, street, county, city)
-- column status: 办理状态（已受理 / 办理中 / 已办结 / 退回） | Status (received, in progress, closed, returned)
-- column due_at: 办理时限 | Due by
-- column closed_at: 办结时间 | Closed at
-- column closed_on_time: 在办理时限内办结 | Closed by its deadline
-- column closed_late: 超过办理时限办结 | Closed after its deadline
-- column substantiated: 诉求属实 | Substantiated
-- column satisfaction: 回访满意度 | Satisfaction at follow-up
-- column is_repeat: 重复件 | Repeat work order
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
