{#- PE-012 (a judgement, warning): an indicator's score against its own target and actual, for
    quantitative indicators only: target and actual both numeric with the same printed unit, a single
    target (no range), the actual a plain figure (not a bound such as ≥95% or 90%以上), a weight above 0,
    a score printed.
    - target met (≥/＞/≤/＜/= as printed, the direction is clear) -> the score should be the full weight,
      unless the form prints a deviation reason (偏差原因) for it: a deduction the evaluator explains is
      their judgement, not an inconsistency;
    - target missed upward (actual below a ≥/＞/= target) -> the proportional score weight × actual /
      target; below a target printed without a comparator only in a form that shows it scores
      proportionally (another indicator of it scored short of its target at weight × actual / target),
      and not for the 二级指标 of seed eval_cost_levels (a cost printed without ≥/≤ may be a cap); an
      indicator that is the budget execution rate itself (name like `rate_like`) is proportional by
      PE-005's own formula.
      A shortfall against a ≤/＜ target has no proportional reading: left out; a full score on a
      shortfall is PE-008's.
    Tolerance: half a printed digit of the score at the precision the form scores at (score_half_unit)
    plus the effect of rounding the printed actual and target (a percentage printed as a whole number
    is ±0.5; counts printed as whole numbers are exact). Flag 1 beyond it. -#}
{% from '_pe.sql' import evaluations, head, score_decimals, score_half_unit, decimals_of, unit_printed, is_cost_level %}
with ev as ({{ evaluations() }}),
sd as ({{ score_decimals() }}),
ind as (
    select i.*, sd.decimals as form_decimals,
           {{ unit_printed('i.target_text') }} as target_unit,
           {{ unit_printed('i.actual_text') }} as actual_unit,
           case i.comparator when '>=' then 'up' when '>' then 'up' when '<=' then 'down' when '<' then 'down'
                             when '=' then 'exact' end as direction
    from fct_indicator_achievement i
    left join sd using (eval_id)
    where i.aligned and i.weight > 0 and i.score is not null
      and i.placement is null  -- a split placed by the scoring rule cannot test it
      and i.target_value is not null and i.actual_value is not null and i.target_value_high is null
      and regexp_matches(trim(i.actual_text), '^[0-9]') and not regexp_matches(i.actual_text, '以上|以下|以内|左右|不[少低高超]')
),
judged as (
    select *,
        case
            when comparator = '>=' and actual_value >= target_value then 'met'
            when comparator = '>' and actual_value > target_value then 'met'
            when comparator = '<=' and actual_value <= target_value then 'met'
            when comparator = '<' and actual_value < target_value then 'met'
            when comparator = '=' and actual_value = target_value then 'met'
            when direction in ('up', 'exact') and actual_value < target_value and target_value > 0 then 'short'
            -- an indicator that is the budget execution rate itself (name like the check's rate_like) is
            -- scored as PE-005 scores the funds line: weight × min(执行率, 100%)
            when direction is null and actual_value < target_value and target_value > 0
                 and coalesce(indicator_name, '') like '{{ rate_like }}' then 'short'
            when direction is null and actual_value < target_value and target_value > 0 and score < weight
                 and not {{ is_cost_level('level2') }}
                 then 'short_unsigned'
        end as outcome,
        -- a deviation reason printed (无 / - are none)
        coalesce(not regexp_matches(trim(deviation_reason), '^(无|无偏差|/|-|—+)?$'), false) as explained,
        -- half a printed digit of the actual and of the target (rounded figures); whole counts are exact
        case when {{ decimals_of('actual_text') }} > 0 then 0.5 / power(10, {{ decimals_of('actual_text') }})
             when actual_unit like '%\%%' escape '\' then 0.5 else 0 end as h_actual,
        case when {{ decimals_of('target_text') }} > 0 then 0.5 / power(10, {{ decimals_of('target_text') }})
             else 0 end as h_target
    from ind
    where target_unit = actual_unit or (target_unit = '' and actual_unit = coalesce(value_unit, ''))
),
computed as (
    select *,
        cast(case outcome when 'met' then weight else weight * actual_value / target_value end as decimal(20, 6)) as expected,
        cast({{ score_half_unit('score_text', 'form_decimals') }}
             + case outcome when 'met' then 0
                    else weight * (h_actual / target_value + actual_value * h_target / (target_value * target_value)) end
             as decimal(20, 6)) as tolerance
    from judged
    where (outcome = 'met' and not explained) or (outcome like 'short%' and score < weight)  -- full marks on a shortfall: PE-008
),
-- forms whose own figures show proportional scoring: a shortfall scored at weight × actual / target
proportional_forms as (
    select distinct eval_id from computed
    where outcome like 'short%' and score > 0 and abs(score - expected) <= tolerance
),
scored as (
    select * from computed
    where outcome <> 'short_unsigned' or eval_id in (select eval_id from proportional_forms)
)
select
    {{ head() }},
    coalesce(s.indicator_name, s.level2, s.level1) as row_label,
    '得分 score' as column_label,
    'indicator_score:' || s.seq as check_key,
    s.score as actual,
    s.score_text as actual_printed,
    s.expected,
    case s.outcome
        when 'met' then '满分 ' || s.weight_text || '（已达到目标 target met）'
        else cast(round(s.expected, 3) as varchar) || '（分值 ' || s.weight_text || ' × 实际 ' || s.actual_text
             || ' ÷ 目标 ' || s.target_text || '，按完成比例 proportional）'
    end as expected_printed,
    s.tolerance,
    '目标值 target ' || s.target_text || '，实际完成值 actual ' || s.actual_text || '，分值 weight ' || s.weight_text
        || '，得分 score ' || s.score_text || '，四舍五入容差 ±' || cast(cast(s.tolerance as double) as varchar)
        || ' (' || s.source_ref || ')' as operands,
    -- met: only a score below full marks (above is PE-003's); short: either way
    case when s.outcome = 'met' and s.expected - s.score > s.tolerance then 1
         when s.outcome like 'short%' and abs(s.score - s.expected) > s.tolerance then 1 else 0 end as flag,
    s.source_ref, s.page, s.line
from scored s
join ev using (eval_id)
