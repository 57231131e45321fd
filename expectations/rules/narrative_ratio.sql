{#- FA-071: a percentage the narrative states (占 share, 完成预算的 completion, 增长/下降 change)
    against the one computed from the figures it names (numerator num_no, denominator den_no, or the
    level minus the change when the base year's figure is not stated), rounded to the printed digits.
    Tolerance: half of the percentage's last printed digit. A zero denominator leaves the instance not checkable. -#}
{% from '_narrative.sql' import figures %}
with f as ({{ figures() }}),
i as (
    select p.*, a.printed_text as num_printed, b.printed_text as den_printed, a.item as num_item, b.item as den_item,
           a.v as num_v,
           case p.den_kind when 'figure' then b.v
                           when 'level_minus_change' then b.v - a.signed end as den_v
    from f p
    join f a on a.doc_id = p.doc_id and a.figure_no = p.num_no
    join f b on b.doc_id = p.doc_id and b.figure_no = p.den_no
    where p.measure in ('share_pct', 'completion_pct', 'change_pct')
)
select
    doc_id, unit_id, fiscal_year,
    cast(null as varchar) as table_code,
    where_printed as table_title,
    coalesce(num_item, '') as row_label,
    measure as column_label,
    measure || ':' || figure_no as check_key,
    value_numeric as actual,
    printed_text as actual_printed,
    -- the computed percentage rounded as printed: a correct figure differs by nothing, a wrong one by
    -- at least one printed digit (truncation, a wrong base)
    {#- the ratios in double, as DuckDB divides decimals (Spark's decimal quotient prints 100.00, not 100.0) #}
    cast(case when den_v <> 0 then round(cast(100 * num_v as double) / cast(den_v as double), coalesce(decimals, 0)) end as decimal(20, 6)) as expected,
    cast(case when den_v <> 0 then cast(100 * num_v as double) / cast(den_v as double) end as decimal(20, 6)) as computed,
    cast(half as decimal(20, 6)) as tolerance,
    num_printed || ' ÷ ' || case den_kind when 'figure' then den_printed
        else '(' || den_printed || case when direction = 'down' then ' + ' else ' − ' end || num_printed
             || ' = ' || cast(round(den_v, 2) as varchar) || ')' end
        || ' × 100% = ' || coalesce(cast(round(cast(100 * num_v as double) / cast(nullif(den_v, 0) as double), 2) as varchar) || '%', '—') as operands,
    den_v is not null and den_v <> 0 as checkable,
    case when den_v = 0 then '分母为0 the base is 0' end as not_checkable_reason,
    sentence,
    source_ref, page, line
from i
