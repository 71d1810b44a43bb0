"""`binhyen generate`: the rules. The management command only parses options and prints.

A run: (1) refuse if the database holds records generate did not create, unless forced; (2) with
--force, delete the rows of earlier runs (by their recorded id ranges); (3) in one transaction, lock
the tables, take the next free id of each, and load every table (COPY on PostgreSQL, executemany on
SQLite), dropping and recreating the secondary indexes of tables that receive many rows; record the run
(`SynthRun`: scale, seed, counts, id ranges) and one audit event; (4) ANALYZE; (5) rebuild the statistics
rollups (`binhyen stats rebuild`), unless told not to.

A second run without --force: if the database holds exactly this generation (same scale, area, seed and
days), it does nothing and says so; if it holds another generation, it refuses and names it. --force
deletes every earlier generation's rows and generates again, next to whatever real data there is (real
villages are kept and used); it never touches rows it did not create.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from binhyen.synth import plan as planning
from binhyen.synth import rows
from binhyen.synth.load import loader_for
from binhyen.synth.models import SynthRun


class SynthError(Exception):
    """Why generate will not run; the message is for the operator (translated)."""


@dataclass
class Options:
    scale: str
    seed: int = 1
    province: str = planning.DEFAULT_PROVINCE
    commune: str = planning.DEFAULT_COMMUNE
    last_day: datetime.date = planning.DEFAULT_LAST_DAY
    force: bool = False
    rollups: bool = True


@dataclass
class Result:
    run: SynthRun | None
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    peak_rss_mib: float = 0.0
    skipped: str = ""  # why nothing was done (the same generation is already there)
    deleted: dict[str, int] = field(default_factory=dict)


Progress = Callable[[str, int], Callable[[int], Any]]


def _no_progress(table: str, total: int) -> Callable[[int], Any]:
    return lambda n: None


# --- what counts as real data -----------------------------------------------------------------------------


def _checked() -> list[tuple[str, type[Model], Q]]:
    """(label, model, filter): records whose presence means the database is in real use."""
    from binhyen.accounts.models import User
    from binhyen.alerts.models import Alert, Subscription
    from binhyen.areas.models import Area, Level
    from binhyen.awards.models import AwardProposal
    from binhyen.cameras.models import Camera
    from binhyen.incidents.models import Incident
    from binhyen.organisations.models import Organisation, Person
    from binhyen.outreach.models import OutreachSession
    from binhyen.schemes.models import Scheme
    from binhyen.tips.models import Tip
    from binhyen.weapons.models import WeaponSurrender

    return [
        (_("villages and residential groups"), Area, Q(level=Level.VILLAGE)),
        (_("user accounts (other than administrators)"), User, Q(is_superuser=False)),
        (_("tips"), Tip, Q()),
        (_("incidents"), Incident, Q()),
        (_("cameras"), Camera, Q()),
        (_("schemes"), Scheme, Q()),
        (_("organisations"), Organisation, Q()),
        (_("members"), Person, Q()),
        (_("alerts"), Alert, Q()),
        (_("alert subscriptions"), Subscription, Q()),
        (_("outreach sessions"), OutreachSession, Q()),
        (_("weapons handed in"), WeaponSurrender, Q()),
        (_("award proposals"), AwardProposal, Q()),
    ]


def synthetic_ranges() -> dict[str, list[tuple[int, int]]]:
    found: dict[str, list[tuple[int, int]]] = {}
    for ranges in SynthRun.objects.values_list("ranges", flat=True):
        for table, (low, high) in (ranges or {}).items():
            found.setdefault(table, []).append((int(low), int(high)))
    return found


def real_data() -> list[tuple[str, int]]:
    """What the database holds that no generation created: (label, count) for each kind found."""
    ranges = synthetic_ranges()
    found = []
    for label, model, where in _checked():
        qs = model.objects.filter(where)  # type: ignore[attr-defined]
        for low, high in ranges.get(model._meta.db_table, []):
            qs = qs.exclude(pk__range=(low, high))
        n = qs.count()
        if n:
            found.append((label, n))
    return found


def refusal(found: list[tuple[str, int]]) -> str:
    listed = "; ".join(f"{n:,} {label}" for label, n in found)
    return _(
        "This database already holds records that generate did not create (%(found)s). Generated "
        "records would be mixed with them and counted in the same statistics. Use a fresh database, or "
        "add --force to generate next to them (generate never changes or deletes records it did not create)."
    ) % {"found": listed}


def _same(run: SynthRun, opts: Options, area_code: str) -> bool:
    return (run.scale, run.seed, run.area_code, run.last_day) == (
        opts.scale,
        opts.seed,
        area_code,
        opts.last_day,
    )


def delete_runs() -> dict[str, int]:
    """Delete the rows of every earlier generation, by their id ranges (dependants first)."""
    ranges = synthetic_ranges()
    deleted: dict[str, int] = {}
    with connection.cursor() as c:
        # Villages' communes lose the villages generate added (areas.domain keeps village_count).
        for low, high in ranges.get("areas_area", []):
            c.execute(
                "UPDATE areas_area SET village_count = village_count - (SELECT COUNT(*) FROM areas_area v "
                "WHERE v.parent_id = areas_area.id AND v.id BETWEEN %s AND %s) "
                "WHERE id IN (SELECT parent_id FROM areas_area WHERE id BETWEEN %s AND %s)",
                [low, high, low, high],
            )
        for table in reversed(rows.TABLES):
            for low, high in ranges.get(table, []):
                c.execute(f'DELETE FROM "{table}" WHERE id BETWEEN %s AND %s', [low, high])  # noqa: S608
                deleted[table] = deleted.get(table, 0) + c.rowcount
    SynthRun.objects.all().delete()
    return deleted


# --- the run ------------------------------------------------------------------------------------------------


def resolve_area(opts: Options) -> str:
    from binhyen.areas.models import Area, Level

    if opts.scale == "nation":
        return ""
    if opts.scale == "province":
        if not Area.objects.filter(code=opts.province, level=Level.PROVINCE).exists():
            raise SynthError(_("No province with code %(code)s.") % {"code": opts.province})
        return opts.province
    if not Area.objects.filter(code=opts.commune, level=Level.COMMUNE).exists():
        raise SynthError(_("No commune, ward or special zone with code %(code)s.") % {"code": opts.commune})
    return opts.commune


def contact_key(phone: str) -> str:
    # cameras.domain.contact_key, without the per-call settings lookup.
    return hmac.new(settings.SECRET_KEY.encode(), phone.encode(), hashlib.sha256).hexdigest()


def generate(opts: Options, progress: Progress = _no_progress) -> Result:
    """Fill the database; see the module docstring for the rules."""
    from binhyen.areas.models import Area, Level
    from binhyen.audit import domain as audit
    from binhyen.audit.models import Action

    if opts.scale not in planning.SCALES:
        raise SynthError(_("Unknown scale %(scale)s.") % {"scale": opts.scale})
    seconds: dict[str, float] = {}
    t = time.perf_counter()
    area_code = resolve_area(opts)
    runs = list(SynthRun.objects.filter(finished_at__isnull=False))
    found = real_data()
    if not opts.force:
        if found:
            raise SynthError(refusal(found))
        if runs:
            if len(runs) == 1 and _same(runs[0], opts, area_code):
                return Result(
                    runs[0],
                    runs[0].counts,
                    skipped=_(
                        "This database already holds this generation (run %(id)s, %(when)s); nothing to do. "
                        "Add --force to generate it again."
                    )
                    % {
                        "id": runs[0].pk,
                        "when": timezone.localtime(runs[0].started_at).strftime("%d/%m/%Y %H:%M"),
                    },
                )
            listed = ", ".join(f"{r.scale} {r.area_code} seed={r.seed}".replace("  ", " ") for r in runs)
            raise SynthError(
                _(
                    "This database already holds another generation (%(runs)s). Add --force to replace it: "
                    "its records are deleted first, records generate did not create are kept."
                )
                % {"runs": listed}
            )
    seconds["check"] = time.perf_counter() - t

    started = timezone.now()
    result = Result(None)
    try:
        with transaction.atomic():
            t = time.perf_counter()
            if opts.force:
                result.deleted = delete_runs()
            seconds["delete earlier generations"] = time.perf_counter() - t
            t = time.perf_counter()
            plan = planning.make_plan(opts.scale, opts.seed, area_code, opts.last_day)
            loader = loader_for(connection)
            tables = rows.TABLES
            loader.lock(tables)  # PostgreSQL: LOCK TABLE; SQLite: the transaction's write lock
            ctx = rows.Context(
                plan=plan,
                loader=loader,
                next_id={table: loader.next_id(table) for table in tables},
                contact_key=contact_key,
                progress=progress,
            )
            existing: dict[int, list[tuple[int, str, str]]] = {}
            ids = [c.id for c in plan.communes]
            for pk, name, path, parent in (
                Area.objects.filter(level=Level.VILLAGE, parent_id__in=ids)
                .order_by("path")
                .values_list("pk", "name", "path", "parent_id")
            ):
                existing.setdefault(parent, []).append((pk, name, path))
            seconds["plan"] = time.perf_counter() - t
            _passes(ctx, existing, seconds)
            t = time.perf_counter()
            rebuilding = list(loader.dropped)
            tick = progress("indexes and foreign keys", len(rebuilding))  # minutes at nation scale
            for table in rebuilding:
                loader.restore(table)
                tick(1)
            seconds["indexes and foreign keys"] = time.perf_counter() - t
            t = time.perf_counter()
            loader.finish(tables)
            counts = {table: ctx.counts.get(table, 0) for table in tables}
            ranges = {
                table: [ctx.first_id[table], ctx.first_id[table] + n - 1]
                for table, n in counts.items()
                if n and table in ctx.first_id
            }
            # bulk_create: no save signals, so the run writes exactly one audit event (below).
            (run,) = SynthRun.objects.bulk_create([SynthRun(
                scale=opts.scale, seed=opts.seed, area_code=area_code, first_day=plan.first_day,
                last_day=plan.last_day, started_at=started, finished_at=timezone.now(), counts=counts,
                ranges=ranges, seconds={},
            )])  # fmt: skip
            with audit.acting_as("command: generate"):
                audit.record(
                    Action.COMMAND,
                    object_type_label="synth.synthrun",
                    object_id=str(run.pk),
                    area_path=plan.communes[0].path[: 2 if opts.scale == "province" else 5]
                    if opts.scale != "nation" and plan.communes
                    else "",
                    detail={"command": "generate", "scale": opts.scale, "seed": opts.seed, "area": area_code,
                            "force": opts.force, "deleted": result.deleted, "rows": sum(counts.values())},
                )  # fmt: skip
            seconds["sequences and run record"] = time.perf_counter() - t
            t = time.perf_counter()
        seconds["commit"] = time.perf_counter() - t
    except IntegrityError as e:
        raise SynthError(
            _(
                "The database refused the generated records (%(error)s). If records made after an earlier "
                "generation refer to its rows, --force cannot delete them: use a fresh database."
            )
            % {"error": str(e).strip().splitlines()[0] if str(e).strip() else e.__class__.__name__}
        ) from e

    t = time.perf_counter()
    analyze(tables)
    seconds["analyze"] = time.perf_counter() - t
    if opts.rollups:
        from django.core.management import call_command

        t = time.perf_counter()
        with audit.acting_as("command: generate"):
            call_command("stats", "rebuild", verbosity=0)
        seconds["statistics rollups"] = time.perf_counter() - t
    SynthRun.objects.filter(pk=run.pk).update(seconds=seconds)
    run.seconds = seconds
    result.run, result.counts, result.seconds = run, counts, seconds
    result.peak_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def _passes(
    ctx: rows.Context, existing: dict[int, list[tuple[int, str, str]]], seconds: dict[str, float]
) -> None:
    from binhyen.incidents.models import CrimeCategory
    from binhyen.organisations.models import OrganisationType
    from binhyen.schemes.models import SchemeType
    from binhyen.tips.models import Category

    org_types = dict(OrganisationType.objects.values_list("code", "pk"))
    org_roles = {t.code: t.role_list for t in OrganisationType.objects.all()}
    scheme_types = list(
        SchemeType.objects.filter(active=True).order_by("order", "pk").values_list("pk", "code", "name")
    )
    tip_categories = list(
        Category.objects.filter(active=True).order_by("order", "pk").values_list("pk", "code", "name")
    )
    crime_categories = list(
        CrimeCategory.objects.filter(active=True).order_by("order", "pk").values_list("pk", "code", "name")
    )
    if not (scheme_types and tip_categories and crime_categories and org_types):
        raise SynthError(
            _("The reference lists (categories, organisation and scheme types) are missing: run migrate.")
        )
    passes: list[tuple[str, Callable[[], None]]] = [
        ("accounts", lambda: rows.users(ctx)),
        ("villages", lambda: rows.villages(ctx, existing)),
        ("organisations and members", lambda: rows.organisations(ctx, org_types, org_roles)),
        ("schemes", lambda: rows.schemes(ctx, scheme_types)),
        ("cameras", lambda: rows.cameras(ctx)),
        ("tips", lambda: rows.tips(ctx, tip_categories)),
        ("incidents", lambda: rows.incidents(ctx, crime_categories)),
        ("subscriptions", lambda: rows.subscriptions(ctx)),
        ("alerts", lambda: rows.alerts(ctx)),
    ]
    for name, run_pass in passes:
        t = time.perf_counter()
        run_pass()
        seconds[f"load: {name}"] = time.perf_counter() - t


def analyze(tables: list[str]) -> None:
    """Fresh planner statistics for the loaded tables (the app's queries depend on them)."""
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            for table in tables:
                c.execute(f'ANALYZE "{table}"')
        elif connection.vendor == "sqlite":
            c.execute("PRAGMA analysis_limit = 1000")
            for table in tables:
                c.execute(f'ANALYZE "{table}"')
