"""What this app counts for statistics (read by binhyen.stats; see stats/registry.py)."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from binhyen.organisations.models import MediationCase, Membership, Organisation, OrganisationType
from binhyen.organisations.models import Outcome as MediationOutcome
from binhyen.stats.registry import STOCK, Derived, Indicator, Source, register, register_derived


def _drill(area: str, start: datetime.date, end: datetime.date, subgroup: str = "", **extra: str) -> str:
    params = {"area": area, "type": subgroup}
    params.update(extra)
    return reverse("organisations:list") + "?" + urlencode({k: v for k, v in params.items() if v})


def _types() -> dict[str, str]:
    return dict(OrganisationType.objects.values_list("code", "name"))


register(
    Source(
        key="organisations",
        model=Organisation,
        date_field="founded_on",
        indicators=[
            Indicator(
                "organisations",
                _("Organisations"),
                _("organisations"),
                kind=STOCK,
                end_field="dissolved_on",
                subgroup="type__code",
                subgroup_labels=_types,
                group=_("Organisations"),
                drill=_drill,
            ),
        ],
    )
)
register(
    Source(
        key="memberships",
        model=Membership,
        date_field="joined_on",
        path_field="organisation__area_path",
        indicators=[
            Indicator(
                "members",
                _("Members of organisations"),
                _("people"),
                kind=STOCK,
                end_field="left_on",
                subgroup="organisation__type__code",
                subgroup_labels=_types,
                group=_("Organisations"),
                drill=_drill,
            ),
        ],
    )
)
register(
    Source(
        key="mediation",
        model=MediationCase,
        date_field="received_on",
        indicators=[
            Indicator(
                "mediation_cases",
                _("Mediation cases"),
                _("cases"),
                subgroup="outcome",
                group=_("Organisations"),
            ),
            Indicator(
                "mediation_successful",
                _("Mediation cases settled"),
                _("cases"),
                filter=Q(outcome=MediationOutcome.SUCCESSFUL),
                group=_("Organisations"),
            ),
        ],
    )
)
register_derived(
    Derived(
        "mediation_successful_pct",
        _("Share of mediation cases settled"),
        "mediation_successful",
        "mediation_cases",
        group=_("Organisations"),
    )
)
