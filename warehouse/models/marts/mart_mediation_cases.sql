-- zh: 人民调解案件明细（含小区、县区、街道/乡镇；调解结果为空即调解中）
-- en: Mediation cases with compound, county and town (no outcome yet: in progress)
-- column month: 受理月份（月末） | Month opened (month end)
-- column outcome: 调解结果（调解成功 / 调解失败 / 转诉讼 / 调解中） | Outcome (调解中: in progress)
-- column case_id: 案件编号 | Case id
-- column opened_on: 受理日期 | Opened on
-- column compound_id: 小区编码 | Compound id
-- column compound_name: 小区名称 | Compound name
-- column county_code: 县区行政区划代码 | County adcode
-- column town: 街道/乡镇 | Town or street office
-- column dispute_type: 纠纷类型（“全部”为合计；空为未填写） | Dispute type (全部: all; 未填写: blank)
-- column source_file: 来源文件 | Source file
-- column source_row: 来源文件行号 | Row in the source file
select
    m.case_id,
    m.opened_on,
    last_day(m.opened_on) as month,
    m.compound_id,
    c.compound_name,
    c.county_code,
    c.town,
    coalesce(m.dispute_type, '未填写') as dispute_type,
    coalesce(m.outcome, '调解中') as outcome,
    m._file as source_file,
    m._row as source_row
from stg_mediations m
left join core_compounds c using (compound_id)
