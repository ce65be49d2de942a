-- zh: 企业信用评价模型（参考数据 credit_rules.csv 的计分规则与 credit_levels.csv 的等级线），供页面写明当前所用的模型
-- en: The firm credit model in use (scoring rules from credit_rules.csv, levels from credit_levels.csv), for the pages to state it
-- column kind: rule 计分规则（start 为年初分） / level 等级线 | rule (start: the score each year starts from) or level
-- column code: 规则代码或等级 | Rule code or level
-- column points: 分值（规则） | Points (rules)
-- column min_score: 等级最低分（等级） | Lowest score of the level (levels)
-- column label_zh: 规则名称或榜单（中文） | Rule name or list (Chinese)
-- column label_en: 规则名称或榜单（英文） | Rule name or list (English)
select 'rule' as kind, rule as code, points::double as points, null::double as min_score, label_zh, label_en
from ref_credit_rules
union all
select 'level', level, null, min_score::double, list_zh, list_en
from ref_credit_levels
