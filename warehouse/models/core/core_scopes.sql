-- zh: 统计范围：全市与各县区
-- en: Scopes: the city and its counties
-- column scope_code: 行政区划代码 | Adcode
-- column scope_level: 层级（city 市 / county 县区） | Level (city / county)
-- column name_zh: 中文名称 | Name in Chinese
-- column name_en: 英文名称 | Name in English
-- column seat_lon: 政府驻地经度 | Seat longitude
-- column seat_lat: 政府驻地纬度 | Seat latitude
-- column residents: 常住人口 | Residents
-- column sort_order: 排序（全市在前） | Sort order (city first)
select
    adcode as scope_code,
    name_zh,
    name_en,
    level as scope_level,
    seat_lon,
    seat_lat,
    residents,
    case level when 'city' then 0 else 1 end as sort_order
from ref_counties
