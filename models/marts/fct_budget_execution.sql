-- one row per budget scope of one evaluation (a project, or the whole department): the printed total line
-- (fund_source 'total'). City project forms print only 预算下达资金 on their total line; their budget and
-- spending are printed by source, so budget_initial_wan / executed_wan fall back to the sum of the sources
-- (amounts_from says which).
-- Unit-level scopes from final accounts (source = 'final_accounts'): the 说明 states 年初预算 and 决算 for
-- the general public budget, the fiscal appropriation and 三公 in one paragraph (completion % as
-- stated); the 三公 table's 合计 预算数 / 决算数 when the narrative does not.
-- Across documents (source = 'budget_vs_final'): a unit-year's budget disclosure (预算公开) against its
-- final accounts (决算), scope by scope (int_budget_vs_final): the budget the 预算公开 published, the
-- amount the 决算 spent, and the 年初预算 the 决算 restates (XD-001 compares the two budgets). These
-- rows pair two documents: each build deletes and re-derives all of them (a new budget document pairs
-- with a final-accounts document landed long before); the other rows are keyed by their document.
{{ config(pre_hook="{% if is_incremental() %}delete from {{ this }} where source = 'budget_vs_final'{% else %}select 1{% endif %}") }}
{#- the budget-vs-final columns, blank in the rows of one document -#}
{% set cross_document_columns_blank -%}
cast(null as {{ type_text() }}) as subject_code,
    cast(null as decimal(20, 6)) as budget_restated_wan,
    cast(null as {{ type_text() }}) as budget_doc_id,
    cast(null as {{ type_text() }}) as final_doc_id,
    cast(null as {{ type_text() }}) as match_quality
{%- endset %}
{#- the evaluation forms' rounding columns: blank in the unit-level rows -#}
{% set half_unit_columns = ['budget_initial_declared', 'budget_initial', 'budget_full_year', 'funds_received', 'executed',
                            'balance', 'carryover_prior', 'adjustment', 'other_adjustment', 'execution_rate', 'execution_score'] %}
with sources as (
    select eval_id,
           sum(budget_initial_wan) as budget_initial_sources_wan,
           sum(executed_wan) as executed_sources_wan,
           count(*) as n_sources
    from {{ ref('stg_eval_funds') }}
    where parent_fund_source = 'total' and {{ fdw_changed() }}
    group by eval_id
),
evaluation as (
select
    e.eval_id,
    e.doc_id,
    e.fiscal_year,
    e.unit_id,
    e.project_id,
    e.scope,
    e.form,
    f.fund_label,
    f.budget_initial_declared_wan,
    coalesce(f.budget_initial_wan, case when e.form = 'city_project' then s.budget_initial_sources_wan end) as budget_initial_wan,
    f.budget_full_year_wan,
    f.funds_received_wan,
    coalesce(f.executed_wan, case when e.form = 'city_project' then s.executed_sources_wan end) as executed_wan,
    f.balance_wan,
    f.carryover_prior_wan,
    f.adjustment_wan,
    f.other_adjustment_wan,
    f.execution_rate_pct,
    f.execution_weight,
    f.execution_score,
    case when f.budget_initial_wan is null and f.executed_wan is null and e.form = 'city_project'
         then 'sum of sources' else 'printed total' end as amounts_from,
    s.n_sources,
    f.budget_initial_declared_half_unit,
    f.budget_initial_half_unit,
    f.budget_full_year_half_unit,
    f.funds_received_half_unit,
    f.executed_half_unit,
    f.balance_half_unit,
    f.carryover_prior_half_unit,
    f.adjustment_half_unit,
    f.other_adjustment_half_unit,
    f.execution_rate_half_unit,
    f.execution_score_half_unit,
    f.source_ref,
    f.page,
    f.line
from {{ ref('stg_eval_funds') }} f
join {{ ref('int_evaluations') }} e using (eval_id)
left join sources s using (eval_id)
where f.fund_source = 'total' and {{ fdw_changed('f.doc_id') }}
),
narrative as (
    select n.doc_id, n.item, n.measure, n.amount_wan, n.value_numeric, n.paragraph_no, n.figure_no, n.source_ref, n.page, n.line
    from {{ ref('stg_narrative_figures') }} n
    where n.item in ('gpb_expenditure', 'fiscal_expenditure', 'three_public_total') and {{ fdw_changed('n.doc_id') }}
),
pairs as (
    select c.doc_id, c.item,
           case c.item when 'gpb_expenditure' then 'general_public_budget' when 'fiscal_expenditure' then 'fiscal_appropriation'
                       else 'three_public' end as scope,
           b.amount_wan as budget_initial_wan, c.amount_wan as executed_wan,
           (select p.value_numeric from narrative p where p.doc_id = c.doc_id and p.item = c.item
              and p.measure = 'completion_pct' and p.paragraph_no = c.paragraph_no order by p.figure_no limit 1) as rate_stated,
           c.source_ref, c.page, c.line
    from narrative c
    join narrative b on b.doc_id = c.doc_id and b.item = c.item and b.paragraph_no = c.paragraph_no and b.measure = 'budget'
    where c.measure = 'current'
    qualify row_number() over (partition by c.doc_id, c.item order by c.figure_no, b.figure_no) = 1
),
three_public_table as (
    select doc_id, 'three_public' as scope,
           max(amount_wan) filter (where column_code = 'budget') as budget_initial_wan,
           max(amount_wan) filter (where column_code = 'actual') as executed_wan,
           min(source_ref) as source_ref, min(page) as page, min(line) as line
    from {{ ref('fct_final_account_lines') }}
    where table_code = 'T_THREE_PUBLIC' and item = 'total' and {{ fdw_changed('doc_id') }}
    group by doc_id
),
final_accounts as (
    select doc_id, scope, budget_initial_wan, executed_wan, rate_stated, 'narrative' as amounts_from, source_ref, page, line
    from pairs
    union all
    select t.doc_id, t.scope, t.budget_initial_wan, t.executed_wan, null, 'three_public table', t.source_ref, t.page, t.line
    from three_public_table t
    where not exists (select 1 from pairs p where p.doc_id = t.doc_id and p.scope = 'three_public')
      and t.budget_initial_wan is not null and t.executed_wan is not null
)
-- every branch lists every column in one order: Spark SQL unions by position (see union_all_by_name)
select *, 'evaluation' as source,
    {{ cross_document_columns_blank }}
from evaluation
{{ union_all_by_name() }}
select
    cast(null as {{ type_text() }}) as eval_id,
    f.doc_id, d.fiscal_year, d.unit_id,
    cast(null as {{ type_text() }}) as project_id,
    f.scope,
    null as form, null as fund_label, null as budget_initial_declared_wan,
    f.budget_initial_wan,
    null as budget_full_year_wan, null as funds_received_wan,
    f.executed_wan,
    null as balance_wan, null as carryover_prior_wan, null as adjustment_wan, null as other_adjustment_wan,
    cast(coalesce(f.rate_stated, round(100 * f.executed_wan / nullif(f.budget_initial_wan, 0), 2)) as decimal(20, 6)) as execution_rate_pct,
    null as execution_weight, null as execution_score,
    f.amounts_from,
    null as n_sources,
    {% for c in half_unit_columns -%}
    null as {{ c }}_half_unit,
    {% endfor -%}
    f.source_ref, f.page, f.line,
    'final_accounts' as source,
    {{ cross_document_columns_blank }}
from final_accounts f
join {{ ref('int_documents') }} d using (doc_id)
{{ union_all_by_name() }}
select
    cast(null as {{ type_text() }}) as eval_id,
    x.doc_id, x.fiscal_year, x.unit_id,
    cast(null as {{ type_text() }}) as project_id,
    x.scope,
    null as form, null as fund_label, null as budget_initial_declared_wan,
    x.budget_published_wan as budget_initial_wan,
    null as budget_full_year_wan, null as funds_received_wan,
    x.actual_wan as executed_wan,
    null as balance_wan, null as carryover_prior_wan, null as adjustment_wan, null as other_adjustment_wan,
    cast(round(100 * x.actual_wan / nullif(x.budget_published_wan, 0), 2) as decimal(20, 6)) as execution_rate_pct,
    null as execution_weight, null as execution_score,
    x.budget_published_from as amounts_from,
    null as n_sources,
    {% for c in half_unit_columns -%}
    null as {{ c }}_half_unit,
    {% endfor -%}
    x.source_ref, x.page, x.line,
    'budget_vs_final' as source,
    x.subject_code,
    x.budget_restated_wan,
    x.budget_doc_id,
    x.doc_id as final_doc_id,
    x.match_quality
from {{ ref('int_budget_vs_final') }} x
where x.budget_doc_id is not null and x.budget_published_wan is not null and x.actual_wan is not null
