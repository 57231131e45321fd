{{ config(materialized='table') }}
-- one row per pair of a budget disclosure (预算公开) and a final-accounts document (决算) of the same
-- fiscal year that are about the same unit. How the pair was matched (match_quality):
--   code       both print the unit's code and it is the same (a different printed code never matches);
--   name       the names are the same once spaces, bracket widths and quotes are ignored, or once
--              an affix of strength normal (本级) is dropped from one or both;
--   name_weak  the names agree only after dropping an affix of strength weak (机关, 本部, 汇总):
--              possibly another scope of the same department, so a disagreement is only a warning.
-- Rebuilt whole on every build (a table over dim-sized inputs): a new budget document pairs with a
-- final-accounts document landed long before.
with docs as (
    select doc_id, doc_kind, fiscal_year, unit_id, unit_name, nullif(trim(unit_code), '') as unit_code,
           {{ unit_name_key('unit_name') }} as name_key
    from {{ ref('int_documents') }}
    where doc_kind in ('budget', 'final_accounts') and status = 'parsed'
      and unit_name is not null and fiscal_year is not null
),
stripped as (  -- the name without one affix (trailing, bare or in brackets), when the rest is a name
    select d.doc_id, a.strength,
           regexp_replace(d.name_key, '\(?' || a.affix || '\)?$', '') as core_key
    from docs d
    join {{ ref('unit_name_affixes') }} a on {{ regexp_found('d.name_key', "'\\(?' || a.affix || '\\)?$'") }}
),
keys as (  -- every key a document answers to: its name (strength exact) and its name without an affix
    select doc_id, name_key as k, 'exact' as strength from docs
    union all
    select doc_id, core_key, strength from stripped where length(core_key) >= 3
),
candidates as (
    select b.doc_id as budget_doc_id, f.doc_id as final_doc_id, f.fiscal_year,
           b.unit_code as budget_unit_code, f.unit_code as final_unit_code,
           b.unit_name as budget_unit_name, f.unit_name as final_unit_name,
           b.unit_id as budget_unit_id, f.unit_id as final_unit_id,
           case when b.unit_code is not null and f.unit_code is not null and b.unit_code = f.unit_code then 'code'
                when kb.strength = 'weak' or kf.strength = 'weak' then 'name_weak'
                else 'name' end as match_quality
    from docs b
    join docs f on f.fiscal_year = b.fiscal_year and f.doc_kind = 'final_accounts' and b.doc_kind = 'budget'
    left join keys kb on kb.doc_id = b.doc_id
    left join keys kf on kf.doc_id = f.doc_id and kf.k = kb.k
    where (b.unit_code is not null and f.unit_code is not null and b.unit_code = f.unit_code)
       or ((b.unit_code is null or f.unit_code is null or b.unit_code = f.unit_code) and kf.doc_id is not null)
)
select *
from candidates
qualify row_number() over (partition by budget_doc_id, final_doc_id
                           order by case match_quality when 'code' then 0 when 'name' then 1 else 2 end) = 1
