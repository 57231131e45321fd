{#- PE-016: a count a self-evaluation states (直属事业单位10个) agrees with the enumeration printed right
    after it (即A、B、…、I: 9 names). The enumeration's size is a range when a 和 / 及 may join two items
    or belong to one name (住房和城乡建设局): the count must fall inside it (listed_min … listed_max). Counts
    with no enumeration after them (or one left open with 等) have no instance. flag 1 outside the range. -#}
{% from '_pe.sql' import evaluations, head %}
with ev as ({{ evaluations() }})
select
    {{ head() }},
    c.label as row_label,
    '数量 count' as column_label,
    'listed_count:' || cast(c.seq as varchar) as check_key,
    c.count_value as actual,
    c.printed_text as actual_printed,
    cast(case when c.count_value < c.listed_min then c.listed_min else c.listed_max end as decimal(20, 6)) as expected,
    case when c.listed_min = c.listed_max then cast(c.listed_min as varchar)
         else cast(c.listed_min as varchar) || '–' || cast(c.listed_max as varchar) end
        || coalesce(c.count_unit, '') || '（其后列出的名称数 the names listed after it）' as expected_printed,
    cast(0 as decimal(20, 6)) as tolerance,
    '列出 listed：' || c.listed_text as operands,
    case when c.count_value < c.listed_min or c.count_value > c.listed_max then 1 else 0 end as flag,
    c.source_ref, c.page, c.line
from fct_eval_counts c
join ev using (eval_id)
where c.listed_min is not null and c.count_value is not null
