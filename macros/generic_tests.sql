{# Generic tests written here because dbt deps cannot reach the hub (no dbt_utils offline). #}

{% test unique_combination(model, columns) %}
-- rows whose combination of `columns` appears more than once
select {{ columns | join(', ') }}, count(*) as n
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}

{% test accepted_range(model, column_name, min_value=none, max_value=none) %}
-- rows whose value falls outside [min_value, max_value] (NULLs pass: missing is not wrong)
select *
from {{ model }}
where {{ column_name }} is not null
  and (
    {% if min_value is not none %} {{ column_name }} < {{ min_value }} {% else %} false {% endif %}
    or {% if max_value is not none %} {{ column_name }} > {{ max_value }} {% else %} false {% endif %}
  )
{% endtest %}

{% test null_when(model, column_name, condition) %}
-- rows where `column_name` has a value although `condition` says it must be NULL (blank is never 0)
select * from {{ model }} where ({{ condition }}) and {{ column_name }} is not null
{% endtest %}
