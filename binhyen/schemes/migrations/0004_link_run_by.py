"""Link the free text «run by» of existing schemes to the organisations it names.

A part of the text is linked when it is exactly (after Unicode NFC and collapsing spaces) the name of one
organisation of the same commune: the managing commune, or for a province's scheme the communes where it has
sites. Parts are separated by «;» or new lines, and by commas, except that a comma may be part of a name
(«Tổ bảo vệ an ninh, trật tự …»): the longest run of comma-separated parts that names an organisation wins.
What is linked leaves the text; whatever matched nothing stays there as «other runners». A name shared by
two organisations of those communes is not linked. Reversing puts the linked names back into the text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from django.db import migrations

from binhyen.core.text import fold

VILLAGE = 3  # areas.Level.VILLAGE
MAX_RUN_BY = 500


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def match_runners(text: str, lookup: Callable[[str], int | None]) -> tuple[list[int], str]:
    """The organisations `text` names (ids, in order) and what is left of it; ([], text) when none."""
    found: list[int] = []
    rest: list[str] = []
    for group in re.split(r"[;\n]+", text):
        parts = [p.strip() for p in group.split(",") if p.strip()]
        leftovers: list[str] = []
        i = 0
        while i < len(parts):
            for j in range(len(parts), i, -1):
                org = lookup(", ".join(parts[i:j]))
                if org is not None:
                    if org not in found:
                        found.append(org)
                    i = j
                    break
            else:
                leftovers.append(parts[i])
                i += 1
        if leftovers:
            rest.append(", ".join(leftovers))
    if not found:
        return [], text
    return found, "; ".join(rest)


def _search_text(name: str, run_by: str, description: str) -> str:
    return fold(" ".join(p for p in (name, run_by, description) if p))


def link(apps, schema_editor):  # type: ignore[no-untyped-def]
    Scheme = apps.get_model("schemes", "Scheme")
    SchemeSite = apps.get_model("schemes", "SchemeSite")
    Link = apps.get_model("schemes", "SchemeOrganisation")
    Organisation = apps.get_model("organisations", "Organisation")
    for scheme in Scheme.objects.exclude(run_by="").order_by("pk").iterator():
        if scheme.level == "commune":
            communes = {scheme.managing_area_id}
        else:
            communes = {
                parent if level == VILLAGE else area
                for area, level, parent in SchemeSite.objects.filter(scheme_id=scheme.pk).values_list(
                    "area_id", "area__level", "area__parent_id"
                )
            }
        names: dict[str, list[int]] = {}
        for pk, name in Organisation.objects.filter(commune_id__in=communes).values_list("pk", "name"):
            names.setdefault(normalise(name), []).append(pk)

        def lookup(text: str, names: dict[str, list[int]] = names) -> int | None:
            ids = names.get(normalise(text), [])
            return ids[0] if len(ids) == 1 else None

        found, rest = match_runners(scheme.run_by, lookup)
        if not found:
            continue
        for pk in found:
            Link.objects.get_or_create(scheme_id=scheme.pk, organisation_id=pk)
        Scheme.objects.filter(pk=scheme.pk).update(
            run_by=rest, search_text=_search_text(scheme.name, rest, scheme.description)
        )


def unlink(apps, schema_editor):  # type: ignore[no-untyped-def]
    Scheme = apps.get_model("schemes", "Scheme")
    Link = apps.get_model("schemes", "SchemeOrganisation")
    by_scheme: dict[int, list[str]] = {}
    for scheme_id, name in Link.objects.order_by("pk").values_list("scheme_id", "organisation__name"):
        by_scheme.setdefault(scheme_id, []).append(name)
    for scheme in Scheme.objects.filter(pk__in=list(by_scheme)):
        run_by = "; ".join([*by_scheme[scheme.pk], *([scheme.run_by] if scheme.run_by else [])])[:MAX_RUN_BY]
        Scheme.objects.filter(pk=scheme.pk).update(
            run_by=run_by, search_text=_search_text(scheme.name, run_by, scheme.description)
        )


class Migration(migrations.Migration):
    dependencies = [("schemes", "0003_organisations"), ("organisations", "0002_seed_types")]

    operations = [migrations.RunPython(link, unlink)]
