{#- FA-090: every table the 部门决算 template requires (seed fa_required_tables) is printed in a
    document that prints its tables (at least two found); a table printed with no figure must say why
    (本表无数据 / 无…支出). One instance per required table of such a document; flag 1 when missing
    or empty without a note. -#}
with docs as (
    select t.doc_id, any_value(d.unit_id) as unit_id, any_value(d.fiscal_year) as fiscal_year,
           count(distinct t.table_code) as n_tables, min(t.source_ref) as source_ref, min(t.page) as page,
           min(t.line_start) as line
    from stg_fa_tables t join dim_document d using (doc_id)
    where d.doc_kind = 'final_accounts'  -- a 预算公开 prints another set of tables
    group by t.doc_id
    having count(distinct t.table_code) >= 2
),
i as (
    select d.*, r.table_code, r.title_zh, t.table_title, t.n_values, t.note, t.source_ref as t_ref, t.page as t_page,
           t.line_start as t_line
    from docs d
    cross join fa_required_tables r
    left join stg_fa_tables t on t.doc_id = d.doc_id and t.table_code = r.table_code
    qualify row_number() over (partition by d.doc_id, r.table_code order by t.line_start) = 1
)
select
    doc_id, unit_id, fiscal_year,
    table_code,
    coalesce(table_title, title_zh) as table_title,
    title_zh as row_label,
    cast(null as varchar) as column_label,
    'table:' || table_code as check_key,
    cast(coalesce(n_values, 0) as decimal(20, 6)) as actual,
    case when table_title is null then '未印 not printed' when n_values = 0 and note is null then '印了空表且未说明原因 printed empty, no reason given'
         else '已印 printed' end as actual_printed,
    cast(0 as decimal(20, 6)) as expected,
    '应印出该表（无数据时注明“本表无数据”） the table must be printed (empty with 本表无数据)' as expected_printed,
    cast(0 as decimal(20, 6)) as tolerance,
    cast(null as varchar) as operands,
    case when table_title is null or (coalesce(n_values, 0) = 0 and note is null) then 1 else 0 end as flag,
    coalesce(t_ref, source_ref) as source_ref, coalesce(t_page, page) as page, coalesce(t_line, line) as line
from i
