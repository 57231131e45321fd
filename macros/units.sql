{#- How a unit's printed name is compared across documents (int_unit_matches): no whitespace, brackets
    of either width and 【】 as (), no quotes. Traditional script is already simplified when the text is
    read (loaders/textnorm.py), so 財政局 and 财政局 arrive the same. -#}
{% macro unit_name_key(column) -%}
regexp_replace(
    translate({{ column }}, '（）【】［］〔〕', '()()()()'),
    '[\s　“”"''‘’]+', '', 'g')
{%- endmacro %}
