"""Demo schemes: the seeds' figures (Bảo Lộc 2021: 31 schemes at 48 sites, 23 by communes, 8 by the city),
deterministic and idempotent."""

from __future__ import annotations

import random

import pytest

from binhyen.areas.models import Area
from binhyen.demo import seed, seed_schemes
from binhyen.schemes import domain
from binhyen.schemes.models import Scheme, SchemeSite, SchemeStatus

pytestmark = pytest.mark.django_db


def _signature() -> list[tuple[str, str, str, str, int]]:
    return [
        (s.managing_area.code, s.type.code, s.name, s.status, s.sites.count())
        for s in Scheme.objects.select_related("managing_area", "type").order_by("area_path", "name", "pk")
    ]


def test_demo_schemes_match_the_seeds() -> None:
    seed._villages(random.Random(1))
    result = seed_schemes.seed()
    assert result["schemes"] == Scheme.objects.count() == 31 + len(seed_schemes.DUC_TRONG_SCHEMES)
    assert result["sites"] == SchemeSite.objects.count()
    bao_loc = list(Area.objects.filter(code__in=seed_schemes.BAO_LOC))
    c = domain.counts(Scheme.objects.all(), bao_loc)
    assert (c.schemes, c.sites, c.commune_level, c.province_level) == (31, 48, 23, 8)
    duc_trong = domain.counts(Scheme.objects.all(), [Area.objects.get(code="24958")])
    assert duc_trong.schemes == 7 and duc_trong.by_status.get(SchemeStatus.UNDER_REVIEW) == 1
    assert Scheme.objects.filter(status=SchemeStatus.RETIRED, status_reason="Không còn phù hợp").count() == 1
    assert Scheme.objects.filter(replicated_from__isnull=False).count() == 1
    first = _signature()
    assert seed_schemes.seed()["skipped"] == 1  # a second run adds nothing
    Scheme.objects.all().delete()
    seed_schemes.seed()
    assert _signature() == first  # deterministic


def test_demo_schemes_are_run_by_demo_organisations() -> None:
    from binhyen.demo import seed_organisations
    from binhyen.schemes.models import SchemeOrganisation

    seed._villages(random.Random(1))
    seed_organisations.seed()  # seeded before the schemes, as in seed.seed
    result = seed_schemes.seed()
    assert result["runners"] == SchemeOrganisation.objects.count()
    for s in Scheme.objects.select_related("managing_area", "type"):
        runners = domain.runners(s)
        assert 1 <= len(runners) <= seed_schemes.MAX_RUNNERS, s.name
        kind = seed_schemes.RUNNER_KIND.get(s.type.code, seed_schemes.SECURITY_TEAM)
        for org in runners:
            assert org.type.code == kind
            assert s.managing_area.path <= org.area_path < s.managing_area.path + "z"
    # A village's scheme is run by the team covering that village.
    gong = Scheme.objects.get(managing_area__code="24958", type__code="chuong-canh-bao")
    villages = {site.area_id for site in gong.sites.all()}
    assert all(villages & {v.pk for v in org.villages.all()} for org in domain.runners(gong))
    first = sorted(SchemeOrganisation.objects.values_list("scheme__name", "organisation__name"))
    Scheme.objects.all().delete()
    seed_schemes.seed()
    assert sorted(SchemeOrganisation.objects.values_list("scheme__name", "organisation__name")) == first
