"""The indicator catalogue: each app declares, in its own `indicators.py`, what it counts.

The stats app never imports another app's models by name. An app registers a `Source` (one model, the
field holding the area path, the date fields) with its `Indicator`s, and stats counts them into rollup
rows. Two kinds of indicator:

- **flow**: events in a period (tips received, incidents, outreach sessions); each record adds its value
  on the day of `date_field`.
- **stock**: things that exist at a date (active schemes, members, cameras); each record adds its value
  on the day of `date_field` and takes it away on the day of `end_field` (when set). The value at a date
  is the running sum, so "members at the end of the period" needs no snapshot table.

Values are integers; an indicator with `scale` = 1000 stores thousandths (kilograms of explosives).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Q
from django.utils.functional import Promise

Label = str | Promise  # plain text or a lazy translation

FLOW = "flow"
STOCK = "stock"


@dataclass(frozen=True)
class Indicator:
    code: str  # stable identifier, also the DHIS2 data element code (e.g. "incidents")
    name: Label  # lazy translatable label (Vietnamese first)
    unit: Label = ""  # lazy label of the unit ("vụ", "người", "kg")
    kind: str = FLOW
    date_field: str = ""  # defaults to the source's date field
    end_field: str = ""  # stocks: the field of the day the record stops counting
    end_filter: Q | None = None  # stocks: only rows matching this stop counting on end_field
    filter: Q | None = None  # which records count
    value_field: str = ""  # empty: each record counts 1; else the sum of this field
    scale: int = 1  # stored value = real value × scale
    subgroup: str = ""  # a field that breaks the figure down (category code)
    subgroup_labels: Callable[[], dict[str, str]] | None = None
    group: Label = ""  # section of the catalogue ("Tin báo", "Vụ việc"...)
    # Builds the URL of the records this figure counts: (area_path, start, end, subgroup) -> url.
    drill: Callable[..., str] | None = None
    description: Label = ""


@dataclass
class Source:
    key: str  # "incidents"
    model: type[Model]
    date_field: str  # default date/datetime field of its indicators
    path_field: str = "area_path"
    indicators: list[Indicator] = field(default_factory=list)

    def date_fields(self) -> set[str]:
        names = {i.date_field or self.date_field for i in self.indicators}
        names |= {i.end_field for i in self.indicators if i.end_field}
        return names


_sources: dict[str, Source] = {}
_indicators: dict[str, tuple[Source, Indicator]] = {}
_derived: dict[str, Derived] = {}


@dataclass(frozen=True)
class Derived:
    """A ratio of two indicators (cleared / incidents), computed from their figures, never stored."""

    code: str
    name: Label
    numerator: str
    denominator: str
    group: Label = ""
    percent: bool = True


def register(source: Source) -> Source:
    for ind in source.indicators:
        if ind.code in _indicators and _indicators[ind.code][0].key != source.key:
            raise ValueError(f"indicator {ind.code} already registered by {_indicators[ind.code][0].key}")
        _indicators[ind.code] = (source, ind)
    _sources[source.key] = source
    return source


def register_derived(derived: Derived) -> Derived:
    _derived[derived.code] = derived
    return derived


_figure_providers: list[Callable[..., list[Any]]] = []


def register_figures(provider: Callable[..., list[Any]]) -> None:
    """An app that states figures no indicator describes (data set elements) gives a function
    (path, period) -> list[query.Figure]; summaries add them, so dashboards and reports show them alike."""
    if provider not in _figure_providers:
        _figure_providers.append(provider)


def figure_providers() -> list[Callable[..., list[Any]]]:
    return list(_figure_providers)


def sources() -> list[Source]:
    return list(_sources.values())


def source(key: str) -> Source:
    return _sources[key]


def sources_for_model(model: type[Model]) -> list[Source]:
    return [s for s in _sources.values() if s.model is model]


def indicator(code: str) -> Indicator:
    return _indicators[code][1]


def source_of(code: str) -> Source:
    return _indicators[code][0]


def indicators() -> list[Indicator]:
    return [ind for _, ind in _indicators.values()]


def derived() -> list[Derived]:
    return list(_derived.values())


def derived_one(code: str) -> Derived:
    return _derived[code]


def known(code: str) -> bool:
    return code in _indicators or code in _derived


def attr_path(instance: Any, dotted: str) -> Any:
    """Follow a Django lookup path ("organisation__area_path") on an instance."""
    value = instance
    for part in dotted.split("__"):
        if value is None:
            return None
        value = getattr(value, part)
    return value
