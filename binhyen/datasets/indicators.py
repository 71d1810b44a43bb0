"""What data sets add to the statistics (read by binhyen.stats; see stats/registry.py).

Data elements are edited by administrators, so they cannot each be an indicator declared here. Instead
every APPROVED data value is one record: `dataset_value` sums the values and `dataset_reports` counts
them, both broken down by subgroup = the element's code, on the day the value's period starts. Read one
element with `datasets.domain.element_value(code, path, start, end)`, i.e.
`query.values(["dataset_value"], path, start, end, subgroup=code)`. The total without a subgroup adds up
unlike figures and is not meant to be read.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from binhyen.datasets.models import DataElement, DataValue
from binhyen.stats.registry import Indicator, Source, register


def _labels() -> dict[str, str]:
    return dict(DataElement.objects.values_list("code", "name"))


register(
    Source(
        key="datasets",
        model=DataValue,
        date_field="period_start",
        indicators=[
            Indicator(
                "dataset_value",
                _("Data set figures (by element)"),
                filter=Q(approved=True),
                value_field="value",
                scale=1000,  # numbers and percentages may have decimals (thousandths are kept)
                subgroup="element_code",
                subgroup_labels=_labels,
                group=_("Data sets"),
                description=_("Approved values entered in period data sets; read one element by its code."),
            ),
            Indicator(
                "dataset_reports",
                _("Data set values reported (by element)"),
                filter=Q(approved=True),
                subgroup="element_code",
                subgroup_labels=_labels,
                group=_("Data sets"),
                description=_("How many units' approved values a figure adds up (to average percentages)."),
            ),
        ],
    )
)
