-- 类 = Σ 款, 款 = Σ 项 (child codes extend the parent's by two digits) and 合计 = Σ 类, column by
-- column, in the tables named by `table_codes` (合计 only with include_total). One instance per
-- parent printed with children; a side printed blank makes it not checkable.
with unaligned as (  -- tables with a cell whose column is unknown (aligned = false): their sums are not checkable
    select distinct doc_id, table_code from {{ lines_model }} where not aligned
),
lines as (
    select f.*, u.doc_id is not null as table_unaligned
    from {{ lines_model }} f
    left join unaligned u on u.doc_id = f.doc_id and u.table_code = f.table_code
    where f.table_code in ({{ table_codes | map('tojson') | join(', ') | replace('"', "'") }})
      and f.column_code is not null
),
parents as (
    select * from lines
    where {% if include_total %}row_role = 'total' or {% endif %}(subject_code is not null and subject_level < 3)
),
children as (
    select * from lines where subject_code is not null
),
pair_keys as (  -- parent and child by equal keys (a join on a computed key, not a condition per row pair):
                -- 合计 with the 类, a 类 or 款 with the codes two digits longer that start with its code
    select p.doc_id, p.table_code, p.source_ref as parent_ref, p.col, p.column_code, p.table_unaligned,
           case when p.subject_code is null then '合计' else p.subject_code end as child_of
    from parents p
    where p.subject_code is not null or p.row_role = 'total'
),
child_keys as (
    select c.*, left(c.subject_code, length(c.subject_code) - 2) as child_of from children c where length(c.subject_code) >= 2
    union all
    select c.*, '合计' as child_of from children c where c.subject_level = 1
),
pairs as (
    select p.doc_id, p.table_code, p.parent_ref, p.col,
           c.amount_wan, c.half_unit_wan, c.cell_state, c.printed_text, c.subject_code, c.source_ref,
           p.table_unaligned
    from pair_keys p
    join child_keys c
      on c.doc_id = p.doc_id and c.table_code = p.table_code and c.column_code = p.column_code and c.child_of = p.child_of
),
sums as (
    select doc_id, table_code, parent_ref, col,
           sum(amount_wan) as expected,
           coalesce(sum(half_unit_wan), 0) as tol_expected,
           count(*) filter (where cell_state = 'value') as n_expected,
           count(*) filter (where table_unaligned) as n_unaligned,
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
    p.line,
    -- a parent printed blank (or every child blank) is not checkable, never an error against a blank
    p.cell_state = 'value' and s.n_expected > 0 and s.n_unaligned = 0 as checkable,
    case when p.cell_state <> 'value' then '上级科目空白 the parent is printed blank'
         when s.n_expected = 0 then '下级科目均空白 every child is blank'
         when s.n_unaligned > 0 then '数字未能对齐到列 cells not aligned to columns' end as not_checkable_reason
from parents p
join sums s on s.doc_id = p.doc_id and s.table_code = p.table_code and s.parent_ref = p.source_ref and s.col = p.col
where p.cell_state = 'value' or s.n_expected > 0
