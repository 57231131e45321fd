{#- Narrative figures with their document's unit and year, and the value an identity uses: money in
    万元, other figures as printed; `signed` is a change with its direction (减少 negative). -#}
{% macro figures() -%}
    select n.*, d.unit_id, d.fiscal_year,
           coalesce(n.amount_wan, n.value_numeric) as v,
           case when n.direction = 'down' then -1 else 1 end * coalesce(n.amount_wan, n.value_numeric) as signed,
           coalesce(n.half_unit_wan, 0.5 * power(10, -coalesce(n.decimals, 0))) as half,
           '说明' || coalesce('（' || n.section || '）', '') as where_printed
    from stg_narrative_figures n
    join dim_document d using (doc_id)
{%- endmacro %}
