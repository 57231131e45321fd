{#- XD-001: the 年初预算 a 决算 restates (its 说明's 年初预算为X万元, its 三公 table's 预算数) equals the
    budget the unit's 预算公开 of the same year published (int_budget_vs_final: the two documents matched
    by int_unit_matches). actual: the restated figure; expected: the published one. Tolerance: half a
    printed digit of each. An instance whose other side is missing (no budget document of the unit-year
    in the warehouse, the budget does not publish the scope, the 决算 does not restate it) is not
    checkable. match: 'strong' (code / name) or 'weak' (name_weak: a disagreement may be a difference of
    scope, so the check that reads weak pairs carries severity warning). -#}
select
    doc_id, unit_id, fiscal_year,
    cast(null as varchar) as table_code,
    '决算复述的年初预算 vs 预算公开' || coalesce('《' || budget_source_name || '》', '') as table_title,
    scope_zh || coalesce('（' || subject_code || coalesce(' ' || subject_name, '') || '）', '') as row_label,
    '年初预算' as column_label,
    'xd:' || scope || coalesce(':' || subject_code, '') as check_key,
    cast(budget_restated_wan as decimal(20, 6)) as actual,
    budget_restated_printed as actual_printed,
    cast(budget_published_wan as decimal(20, 6)) as expected,
    cast(coalesce(budget_restated_half_unit_wan, 0.005) + coalesce(budget_published_half_unit_wan, 0.005) as decimal(20, 6)) as tolerance,
    '预算公开 ' || coalesce(budget_source_name, '（无）') || ' 所列 ' || coalesce(budget_published_printed, '（未列）')
        || coalesce(' (' || budget_published_ref || ', ' || budget_published_from || ')', '')
        || '；决算 ' || coalesce(budget_restated_printed, '（未复述）') || coalesce(' (' || budget_restated_ref || ')', '')
        || coalesce('；单位匹配 match ' || match_quality, '') as operands,
    budget_restated_wan is not null and budget_published_wan is not null as checkable,
    case when budget_doc_ids is null then '仓库中无该单位该年度的预算公开 no budget disclosure of this unit-year'
         when budget_published_wan is null then '预算公开未列该口径 the budget does not publish this scope'
         when budget_restated_wan is null then '决算未复述该口径的年初预算 the final accounts do not restate this budget' end as not_checkable_reason,
    source_ref, page, line
from int_budget_vs_final
where (budget_restated_wan is not null or budget_published_wan is not null)
  and {% if match == 'weak' %}match_quality = 'name_weak'{% else %}match_quality is distinct from 'name_weak'{% endif %}
