{#- FA-072: the narrative's own arithmetic. Three kinds of instance:
    - list: a total and its 其中 list (list_head_no) — the parts' figures add up to the total;
    - list_change: when the total and every part state their change, the changes add up too;
    - change: a change stated beside both years' (or budget and actual) figures equals their difference;
    - repeat: a figure stated again in the same chapter (same item and measure) is the same figure;
    - set / set_change: a total followed, without a 其中 list, by each part of one complete set of it
      (seed narrative_complete_sets: 三公 = 因公出国 + 公务用车 + 公务接待) stated in turn — in its
      section, or in the sections after a total stated before the first heading — up to the next
      statement of the total: the parts add up to it, and when every part states its change against
      the total's base, the changes add up to the total's change (`比预算数减少1188万元` vs 31 + 850 + 107).
    Signed: 减少/下降 count negative. Tolerance: half a printed digit per printed term. -#}
{% from '_narrative.sql' import figures %}
with f as ({{ figures() }}),
heads as (
    select h.doc_id, h.figure_no, any_value(h.v) as actual, any_value(h.printed_text) as actual_printed,
           any_value(h.half) as h_half, sum(m.v) as expected, sum(m.half) as m_half,
           string_agg(m.printed_text || '（' || coalesce(m.item, '?') || '）', ' + ' order by m.figure_no) as operands,
           count(*) as n_parts
    from f h join f m on m.doc_id = h.doc_id and m.list_head_no = h.figure_no
    group by h.doc_id, h.figure_no
),
changes as (  -- the first change stated for a level figure
    select c.* from f c
    where c.measure = 'change' and c.num_no is not null
    qualify row_number() over (partition by c.doc_id, c.num_no order by c.figure_no) = 1
),
list_changes as (
    select h.doc_id, h.figure_no, any_value(hc.signed) as actual, any_value(hc.printed_text) as actual_printed,
           any_value(hc.half) as h_half, sum(mc.signed) as expected, sum(mc.half) as m_half,
           string_agg(coalesce(case when mc.direction = 'down' then '-' end, '') || mc.printed_text, ' + ' order by mc.figure_no) as operands,
           count(mc.figure_no) as n_changes, count(*) as n_parts, any_value(hc.figure_no) as change_no
    from f h
    join f m on m.doc_id = h.doc_id and m.list_head_no = h.figure_no
    join changes hc on hc.doc_id = h.doc_id and hc.num_no = h.figure_no
    left join changes mc on mc.doc_id = m.doc_id and mc.num_no = m.figure_no
    group by h.doc_id, h.figure_no
),
stated as (
    select c.doc_id, c.figure_no, c.signed as actual, c.printed_text as actual_printed, c.half as h_half,
           a.v - b.v as expected, a.half + b.half as m_half,
           a.printed_text || ' − ' || b.printed_text as operands
    from f c
    join f a on a.doc_id = c.doc_id and a.figure_no = c.num_no
    join f b on b.doc_id = c.doc_id and b.figure_no = c.den_no
    where c.measure = 'change' and c.den_kind = 'figure' and c.direction in ('up', 'down', 'flat')
),
repeats as (  -- the same item and measure stated twice in one chapter of the 说明
    select r.doc_id, r.figure_no, r.v as actual, r.printed_text as actual_printed, r.half as h_half,
           o.v as expected, o.half as m_half, o.printed_text || ' (' || o.source_ref || ')' as operands
    from f r join f o on o.doc_id = r.doc_id and o.figure_no = r.repeat_of
),
tot as (  -- a level figure of a total that opens no 其中 list, and where the next statement of it starts
    select t.*, lead(t.figure_no) over (partition by t.doc_id, t.item order by t.figure_no) as next_no
    from f t
    where t.measure in ('current', 'budget', 'prior_year') and t.amount_wan is not null
      and t.item in (select total_item from narrative_complete_sets)
),
set_parts as (  -- the first figure of each part of each set, after the total and before its next statement
    select t.doc_id, t.figure_no as t_no, s.set_name, s.part_item, min(p.figure_no) as p_no
    from tot t
    join narrative_complete_sets s on s.total_item = t.item
    join f p on p.doc_id = t.doc_id and p.item = s.part_item and p.measure = t.measure and p.amount_wan is not null
            and p.figure_no > t.figure_no and p.figure_no < coalesce(t.next_no, p.figure_no + 1)
            and (p.section = t.section or t.section is null)
    where not exists (select 1 from f m where m.doc_id = t.doc_id and m.list_head_no = t.figure_no)
    group by t.doc_id, t.figure_no, s.set_name, s.part_item
),
set_sizes as (select total_item, set_name, count(*) as n from narrative_complete_sets group by total_item, set_name),
sets as (  -- per total, the first set whose every part is stated
    select sp.doc_id, sp.t_no, sp.set_name
    from set_parts sp
    join f t on t.doc_id = sp.doc_id and t.figure_no = sp.t_no
    join set_sizes z on z.total_item = t.item and z.set_name = sp.set_name
    group by sp.doc_id, sp.t_no, sp.set_name, z.n
    having count(*) = z.n
    qualify row_number() over (partition by sp.doc_id, sp.t_no order by sp.set_name) = 1
),
set_sums as (
    select t.doc_id, t.figure_no, any_value(t.v) as actual, any_value(t.printed_text) as actual_printed,
           any_value(t.half) as h_half, sum(p.v) as expected, sum(p.half) as m_half,
           string_agg(p.printed_text || '（' || p.item || '）', ' + ' order by p.figure_no) as operands
    from sets s
    join set_parts sp using (doc_id, t_no, set_name)
    join f t on t.doc_id = s.doc_id and t.figure_no = s.t_no
    join f p on p.doc_id = sp.doc_id and p.figure_no = sp.p_no
    group by t.doc_id, t.figure_no
),
set_changes as (
    select s.doc_id, any_value(tc.figure_no) as change_no, any_value(tc.signed) as actual,
           any_value(tc.printed_text) as actual_printed, any_value(tc.half) as h_half,
           sum(pc.signed) as expected, sum(pc.half) as m_half,
           string_agg(coalesce(case when pc.direction = 'down' then '-' end, '') || pc.printed_text || '（' || pc.item || '）',
                      ' + ' order by pc.figure_no) as operands,
           count(pc.figure_no) as n_changes, count(*) as n_parts
    from sets s
    join set_parts sp using (doc_id, t_no, set_name)
    join changes tc on tc.doc_id = s.doc_id and tc.num_no = s.t_no
    left join changes pc on pc.doc_id = sp.doc_id and pc.num_no = sp.p_no and pc.base = tc.base
    group by s.doc_id, s.t_no
),
i as (
    select 'repeat' as kind, doc_id, figure_no, actual, actual_printed, expected, h_half + m_half as tol, operands, true as ok from repeats
    union all
    select 'list' as kind, doc_id, figure_no, actual, actual_printed, expected, h_half + m_half as tol, operands, true as ok from heads
    union all
    select 'list_change', doc_id, change_no, actual, actual_printed, expected, h_half + m_half, operands, n_changes = n_parts from list_changes
    union all
    select 'set', doc_id, figure_no, actual, actual_printed, expected, h_half + m_half, operands, true from set_sums
    union all
    select 'set_change', doc_id, change_no, actual, actual_printed, expected, h_half + m_half, operands, n_changes = n_parts from set_changes
    union all
    select 'change', doc_id, figure_no, actual, actual_printed, expected, h_half + m_half, operands, true from stated
)
select
    f.doc_id, f.unit_id, f.fiscal_year,
    cast(null as varchar) as table_code,
    f.where_printed as table_title,
    coalesce(f.item, '') as row_label,
    i.kind as column_label,
    i.kind || ':' || i.figure_no as check_key,
    cast(i.actual as decimal(20, 6)) as actual,
    i.actual_printed,
    cast(i.expected as decimal(20, 6)) as expected,
    cast(i.tol as decimal(20, 6)) as tolerance,
    i.operands,
    i.ok as checkable,
    case when not i.ok then '部分分项未说明增减 a part states no change' end as not_checkable_reason,
    f.sentence,
    f.source_ref, f.page, f.line
from i join f on f.doc_id = i.doc_id and f.figure_no = i.figure_no
