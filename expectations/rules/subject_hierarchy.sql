-- 类 = Σ 款, 款 = Σ 项 (child codes extend the parent's by two digits) and 合计 = Σ 类, column by
-- column, in the tables named by `table_codes` (合计 only with include_total). One instance per
-- parent printed with children.
with lines as (
    select *
    from fct_final_account_lines f
    where aligned and table_code in ({{ table_codes | map('tojson') | join(', ') | replace('"', "'") }})
      and column_code is not null
),
parents as (
    select * from lines
    where {% if include_total %}row_role = 'total' or {% endif %}(subject_code is not null and subject_level < 3)
),
children as (
    select * from lines where subject_code is not null
),
pairs as (
    select p.doc_id, p.table_code, p.source_ref as parent_ref, p.col,
           c.amount_wan, c.half_unit_wan, c.cell_state, c.printed_text, c.subject_code, c.source_ref
    from parents p
    join children c
      on c.doc_id = p.doc_id and c.table_code = p.table_code and c.column_code = p.column_code
     and (
          (p.row_role = 'total' and p.subject_code is null and c.subject_level = 1)
       or (p.subject_code is not null and length(c.subject_code) = length(p.subject_code) + 2
           and starts_with(c.subject_code, p.subject_code))
     )
),
sums as (
    select doc_id, table_code, parent_ref, col,
           sum(amount_wan) as expected,
           coalesce(sum(half_unit_wan), 0) as tol_expected,
           count(*) filter (where cell_state = 'value') as n_expected,
           string_agg(subject_code || ' ' || printed_text || ' (' || source_ref || ')', ' + '
                      order by subject_code) filter (where cell_state = 'value') as operands
    from pairs
    group by doc_id, table_code, parent_ref, col
)
select
    p.doc_id,
    p.unit_id,
    p.fiscal_year,
    p.table_code,
    p.table_title,
    coalesce(p.subject_code || ' ', '') || p.row_label as row_label,
    p.column_label,
    coalesce(p.subject_code, '合计') || ':' || p.column_code as check_key,
    p.amount_wan as actual,
    p.printed_text as actual_printed,
    s.expected,
    coalesce(p.half_unit_wan, 0) + s.tol_expected as tolerance,
    coalesce(s.operands, '(无 none printed)') as operands,
    p.source_ref,
    p.page,
    p.line
from parents p
join sums s on s.doc_id = p.doc_id and s.table_code = p.table_code and s.parent_ref = p.source_ref and s.col = p.col
where p.cell_state = 'value' or s.n_expected > 0
