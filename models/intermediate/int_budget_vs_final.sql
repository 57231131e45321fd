{{ config(materialized='table') }}
-- one row per scope of one final-accounts document (决算) that states it, or that the budget
-- disclosure (预算公开) of the same unit-year publishes: the budget published (from the matched budget
-- document: its table figure before its 说明's; among several matched budget documents — a 说明 file
-- and a 报表 file — the table's figure, then the best match), the 年初预算 the 决算 restates, and the
-- amount spent. budget_doc_id is NULL when the matched budget documents (budget_doc_ids) do not
-- publish the scope; budget_doc_ids is NULL when no budget document of the unit-year is in the warehouse.
-- Rebuilt whole on every build from the two doc-keyed models: a budget document landed today pairs
-- with a final-accounts document landed long before.
with matches as (select * from {{ ref('int_unit_matches') }}),
published as (
    select m.final_doc_id, m.match_quality, p.*
    from matches m
    join {{ ref('int_budget_published') }} p on p.doc_id = m.budget_doc_id
    qualify row_number() over (
        partition by m.final_doc_id, p.scope, p.subject_code
        order by case p.amounts_from when 'budget table' then 0 else 1 end,
                 case m.match_quality when 'code' then 0 when 'name' then 1 else 2 end, p.doc_id) = 1
),
final_side as (
    select r.*, d.source_name as final_source_name
    from {{ ref('int_final_restated') }} r
    join {{ ref('int_documents') }} d using (doc_id)
)
select
    coalesce(f.doc_id, p.final_doc_id) as doc_id,
    fd.fiscal_year, fd.unit_id, fd.unit_name, fd.source_name as final_source_name,
    coalesce(f.scope, p.scope) as scope,
    s.scope_zh, s.ord as scope_ord,
    coalesce(f.subject_code, p.subject_code) as subject_code,
    coalesce(f.subject_name, p.subject_name) as subject_name,
    p.doc_id as budget_doc_id,
    bd.source_name as budget_source_name,
    bd.unit_name as budget_unit_name,
    p.match_quality,
    p.amount_wan as budget_published_wan,
    p.half_unit_wan as budget_published_half_unit_wan,
    p.printed_text as budget_published_printed,
    p.source_ref as budget_published_ref,
    p.amounts_from as budget_published_from,
    f.budget_restated_wan, f.budget_restated_half_unit_wan, f.budget_restated_printed, f.budget_restated_ref, f.budget_restated_from,
    f.actual_wan, f.actual_half_unit_wan, f.actual_printed, f.actual_ref, f.actual_from,
    hb.budget_doc_ids,
    f.page, f.line,
    coalesce(f.budget_restated_ref, f.actual_ref) as source_ref
from final_side f
full join published p
  on p.final_doc_id = f.doc_id and p.scope = f.scope and p.subject_code is not distinct from f.subject_code
join {{ ref('int_documents') }} fd on fd.doc_id = coalesce(f.doc_id, p.final_doc_id)
left join {{ ref('int_documents') }} bd on bd.doc_id = p.doc_id
join {{ ref('budget_vs_final_scopes') }} s on s.scope = coalesce(f.scope, p.scope)
left join (select final_doc_id, {{ sorted_string_agg('budget_doc_id', "','") }} as budget_doc_ids
           from matches group by final_doc_id) hb on hb.final_doc_id = coalesce(f.doc_id, p.final_doc_id)
