-- zh: 小区名称前可能写的县区前缀（取自地区包 counties.csv 的 variants：县区的各种写法，前面可带全市的写法）
-- en: County prefixes a compound's name may begin with (from counties.csv's variants: each county's spellings, optionally after the city's)
-- column prefix: 前缀 | Prefix
-- column county_code: 县区行政区划代码 | County adcode
with spellings as (
    select adcode, level, unnest(string_split(variants, '|')) as spelling
    from ref_counties
    union
    select adcode, level, name_zh from ref_counties
)
select distinct county.spelling as prefix, county.adcode as county_code
from spellings county
where county.level = 'county'
union
select distinct city.spelling || county.spelling, county.adcode
from spellings county
join spellings city on city.level = 'city'
where county.level = 'county'
