-- zh: 统计范围成员：每个统计范围（全市、各县区）包含的县区代码；全市包含各县区及县区列为全市本身的行
-- en: Scope members: the county codes each scope (the city, each county) takes in; the city takes in every county and the rows whose county is the city itself
-- column scope_code: 范围代码（全市或县区行政区划代码） | Scope adcode (city or county)
-- column county_code: 计入该范围的县区代码 | County adcode counted in the scope
select s.scope_code, m.scope_code as county_code
from core_scopes s
join core_scopes m on m.scope_code = s.scope_code or s.scope_level = 'city'
