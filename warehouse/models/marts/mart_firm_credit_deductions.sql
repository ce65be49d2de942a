-- zh: 企业信用计分明细（每条扣分或加减分及其来源编号、小区、来源文件与行号，用于解释得分）
-- en: Every deduction or event behind a firm's credit score, with its source id, compound, source file and row (explains the score)
-- column rule_zh: 计分规则名称 | Scoring rule (Chinese)
-- column rule_en: 计分规则名称（英文） | Scoring rule (English)
-- column source_file: 来源文件 | Source file
-- column source_row: 来源文件行号 | Row in the source file
-- column firm_credit_code: 物业企业统一社会信用代码 | Firm's unified social credit code
-- column occurred_on: 发生日期 | Date
-- column year: 计分年度 | Scoring year
-- column quarter: 季度（如 2025Q3） | Quarter (e.g. 2025Q3)
-- column rule: 计分规则（见参考数据 credit_rules.csv） | Scoring rule (reference credit_rules.csv)
-- column ref_type: 来源类型 complaint / inspection / rectification / credit_event | Source type
-- column ref_id: 来源编号（工单编号、检查编号、问题编号或记录编号） | Source id
-- column points: 分值（负数为扣分） | Points (negative: deduction)
-- column detail: 扣分或加减分的依据 | What the points are for
-- column detail_en: 扣分或加减分的依据（英文；{term} 处为 detail_term 的译文） | What the points are for, in English ({term}: detail_term, translated)
-- column detail_term: 依据中的分类、检查事项或信用事项（原值） | The category, inspection items or credit-event kind in the detail, as stored
-- column firm_name: 物业企业名称 | Firm name
-- column compound_id: 小区编码 | Compound id
-- column compound_name: 小区名称 | Compound name
-- column county_code: 县区行政区划代码 | County adcode
with sources as (
    select 'complaint' as ref_type, ticket_id as ref_id, compound_id, _file, _row from core_complaints
    union all
    select 'inspection', inspection_id, compound_id, _file, _row from core_inspections
    union all
    select 'rectification', issue_id, compound_id, _file, _row from core_rectifications
    union all
    select 'credit_event', event_id, null, _file, _row from stg_credit_events
)
select
    d.*,
    f.firm_name,
    coalesce(r.label_zh, '信用信息记录') as rule_zh,
    coalesce(r.label_en, 'Credit event') as rule_en,
    s.compound_id,
    c.compound_name,
    c.county_code,
    s._file as source_file,
    s._row as source_row
from core_credit_deductions d
left join core_firms f using (firm_credit_code)
left join ref_credit_rules r using (rule)
left join sources s using (ref_type, ref_id)
left join core_compounds c on c.compound_id = s.compound_id
