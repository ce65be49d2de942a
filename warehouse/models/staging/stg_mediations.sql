-- zh: 人民调解案件
-- en: Mediation cases (人民调解)
select case_id, opened_on, compound_id, dispute_type, outcome, _file, _row
from raw_mediations
qualify row_number() over (partition by case_id order by _file desc, _row desc) = 1
