-- zh: 企业信用计分明细（每条扣分或加减分及其来源编号，用于解释得分）
-- en: Every deduction or event behind a firm's credit score, with its source id (explains the score)
select d.*, f.firm_name
from core_credit_deductions d
left join core_firms f using (firm_credit_code)
