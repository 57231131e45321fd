{# Helpers shared by the evaluation models. #}

{% macro unit_id_sql(name_expr) -%}
{#- Same id as loaders.units.unit_id_of: 'U' + 15 hex of SHA-256 of the printed name with every
    whitespace removed (Python's \s: ASCII and Unicode spaces, the ideographic space included).
    tests/test_pe_marts.py checks the two agree. -#}
{%- set spaces -%}
'[\s\x{1c}-\x{1f}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]+'
{%- endset %}
case when nullif(trim({{ name_expr }}), '') is not null then
    'U' || left({{ sha256_hex(regexp_replace_all(name_expr, spaces, "''")) }}, 15)
end
{%- endmacro %}

{% macro half_unit_sql(text_expr, min_decimals=2) -%}
{#- Half a unit of the last printed digit of a number printed as text: '87.53' -> 0.005, '235.249' ->
    0.0005, '384.4' -> 0.05 (a figure printed with decimals is rounded at its last printed digit). Points
    and 万元 printed as whole numbers (10, 2040) are allotments, not rounded figures: they count as
    `min_decimals` decimals (2: ±0.005). Rates are rounded figures: min_decimals 0 ('100%' -> ±0.5).
    NULL when nothing is printed. -#}
case when {{ regexp_found(text_expr, "'[0-9]'") }} then
    cast(0.5 / power(10, coalesce(nullif(length(regexp_extract(replace({{ text_expr }}, ',', ''), '\.([0-9]+)', 1)), 0),
                                  {{ min_decimals }})) as decimal(20, 6))
end
{%- endmacro %}

{% macro points_columns() -%}
{#- weight and score as printed (points), typed, with half a printed digit each -#}
    cast(weight as decimal(20, 6)) as weight,
    weight_text,
    {{ half_unit_sql('weight_text') }} as weight_half_unit,
    cast(score as decimal(20, 6)) as score,
    score_text,
    {{ half_unit_sql('score_text') }} as score_half_unit,
{%- endmacro %}
