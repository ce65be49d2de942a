-- zh: 人民调解案件
-- en: Mediation cases
-- column case_id: 案件编号 | Case id
-- column opened_on: 受理日期 | Opened on
-- column compound_id: 小区编码 | Compound id
-- column dispute_type: 纠纷类型 | Dispute type
-- column outcome: 调解结果（调解成功 / 调解失败 / 转诉讼） | Outcome (settled / not settled / to court)
-- column _file: 来源文件 | Source file
-- column _row: 来源文件中的行号 | Row number in the source file
select case_id, opened_on, compound_id, dispute_type, outcome, _file, _row
from raw_mediations
qualify row_number() over (partition by case_id order by (_file, _row) desc) = 1
