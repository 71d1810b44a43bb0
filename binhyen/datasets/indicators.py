"""What data sets add to the statistics (read by binhyen.stats; see stats/registry.py).

Data elements are edited by administrators, so they cannot each be an indicator declared here. Instead
every APPROVED data value is one record: `dataset_value` sums the values and `dataset_reports` counts
them, both broken down by subgroup = the element's code, on the day the value's period starts. Read one
element with `datasets.domain.element_value(code, path, start, end)`, i.e.
`query.values(["dataset_value"], path, start, end, subgroup=code)`. The total without a subgroup adds up
unlike figures and is not meant to be read.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from binhyen.datasets.models import DataElement, DataValue, ValueType
from binhyen.stats.registry import Indicator, Source, register, register_figures


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


def entered_figures(path: str, period: Any) -> list[Any]:
    """The data set elements with an approved figure in the period or the same period last year, as
    dashboard and report figures (sums; the average for percentages). Six rollup queries in all."""
    from binhyen.stats import query

    def read(p: Any) -> dict[str, float]:
        sums = query.breakdown("dataset_value", path, p.start, p.end)
        counts = query.breakdown("dataset_reports", path, p.start, p.end)
        return {
            code: (value / counts[code] if code in percent and counts.get(code) else value)
            for code, value in sums.items()
        }

    elements = {e.code: e for e in DataElement.objects.all()}
    percent = {c for c, e in elements.items() if e.value_type == ValueType.PERCENTAGE}
    now, before, last = read(period), read(period.previous()), read(period.same_period_last_year())
    shown = [c for c in elements if now.get(c) or last.get(c)]
    return [
        query.Figure(
            code,
            elements[code].name,
            elements[code].unit,
            now.get(code, 0.0),
            before.get(code, 0.0),
            last.get(code, 0.0),
            percent=code in percent,
            group=str(_("Entered in data sets")),
            drill=reverse("datasets:index"),
        )
        for code in shown
    ]


register_figures(entered_figures)
