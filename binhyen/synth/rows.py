"""The generated rows, one pass per table family, commune by commune.

Each commune of each pass draws from its own random stream (seed, pass, commune code), so a commune's
records do not depend on which other communes are generated, and nothing is held in memory beyond the
commune being written. Values are filled exactly as the domain code would: area paths, folded search
text (`core.text.fold`), encrypted personal data (`core.crypto`), keyed contact hashes, lat bands.
Datetimes are naive UTC strings ("YYYY-MM-DD HH:MM:SS"): how Django stores them on SQLite, and what
PostgreSQL reads for timestamptz in Django's UTC sessions.
"""

from __future__ import annotations

import datetime
import json
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from binhyen.core.text import fold
from binhyen.synth import texts
from binhyen.synth.fernet import Encryptor
from binhyen.synth.load import Loader
from binhyen.synth.plan import CATEGORY_MIX, CLEARED_SHARE, HOUR_WEIGHTS, INJURY_CATEGORIES, Commune, Plan
from binhyen.synth.plan import accumulate as cum

# Columns of each table, id first (checked against the models by tests/test_synth.py).
COLUMNS: dict[str, list[str]] = {
    "accounts_user": [
        "id",
        "password",
        "last_login",
        "is_superuser",
        "username",
        "first_name",
        "last_name",
        "email",
        "is_staff",
        "is_active",
        "date_joined",
        "full_name",
        "phone",
    ],
    "areas_area": [
        "id",
        "code",
        "name",
        "type",
        "level",
        "parent_id",
        "path",
        "search_key",
        "codename",
        "population",
        "village_count",
        "created_at",
        "updated_at",
    ],
    "organisations_organisation": [
        "id",
        "type_id",
        "name",
        "commune_id",
        "area_path",
        "founded_on",
        "dissolved_on",
        "note",
        "search_text",
        "created_by_id",
        "created_at",
        "updated_at",
    ],
    "organisations_organisation_villages": ["id", "organisation_id", "area_id"],
    "organisations_person": [
        "id",
        "full_name",
        "search_text",
        "birth_date",
        "birth_year",
        "gender",
        "phone_encrypted",
        "commune_id",
        "village_id",
        "area_path",
        "user_id",
        "created_at",
    ],
    "organisations_membership": [
        "id",
        "organisation_id",
        "person_id",
        "role",
        "joined_on",
        "left_on",
        "age_exception",
        "age_exception_note",
        "created_at",
    ],
    "schemes_scheme": [
        "id",
        "name",
        "type_id",
        "level",
        "managing_area_id",
        "area_path",
        "start_date",
        "status",
        "status_reason",
        "status_changed_at",
        "retired_at",
        "description",
        "run_by",
        "replicated_from_id",
        "search_text",
        "created_by_id",
        "created_at",
        "updated_at",
    ],
    "schemes_schemesite": [
        "id",
        "scheme_id",
        "area_id",
        "area_path",
        "place_name",
        "latitude",
        "longitude",
        "started_on",
        "ended_on",
        "created_at",
    ],
    "schemes_schemeorganisation": ["id", "scheme_id", "organisation_id", "created_at"],
    "cameras_camera": [
        "id",
        "owner_id",
        "owner_kind",
        "contact_name_enc",
        "contact_phone_enc",
        "contact_key",
        "label",
        "commune_id",
        "village_id",
        "area_path",
        "address",
        "latitude",
        "longitude",
        "lat_band",
        "direction_deg",
        "fov_deg",
        "range_m",
        "covers",
        "retention_days",
        "recording",
        "funding",
        "consent_purpose",
        "consent_at",
        "consent_withdrawn_at",
        "status",
        "status_changed_at",
        "last_confirmed_at",
        "created_by_id",
        "created_at",
        "updated_at",
    ],
    "tips_tip": [
        "id",
        "tracking_code",
        "category_id",
        "description",
        "channel",
        "anonymous",
        "occurred_at",
        "occurred_approx",
        "occurred_text",
        "commune_id",
        "village_id",
        "area_path",
        "address",
        "latitude",
        "longitude",
        "location_unknown",
        "attributes",
        "external_id",
        "status",
        "received_at",
        "updated_at",
        "deadline",
        "extensions",
        "entered_by_id",
        "claimed_by_id",
        "claimed_at",
        "decided_by_id",
        "decided_at",
        "decision_reason",
        "duplicate_of_id",
        "outcome",
        "outcome_at",
        "outcome_note",
        "valuable",
        "valuable_reason",
        "valuable_at",
        "deadline_warned_at",
        "search_text",
    ],
    "tips_reporter": ["id", "tip_id", "name_enc", "phone_enc", "email_enc", "address_enc", "created_at"],
    "tips_tipevent": ["id", "tip_id", "at", "actor_id", "actor_label", "kind", "public", "text", "data"],
    "incidents_incident": [
        "id",
        "category_id",
        "occurred_at",
        "commune_id",
        "village_id",
        "area_path",
        "address",
        "latitude",
        "longitude",
        "summary",
        "cleared",
        "cleared_at",
        "suspects",
        "victims",
        "deaths",
        "injuries",
        "property_damage_vnd",
        "source_tip_id",
        "search_text",
        "created_by_id",
        "created_at",
        "updated_at",
    ],
    "alerts_subscription": [
        "id",
        "user_id",
        "name",
        "email_enc",
        "phone_enc",
        "zalo_enc",
        "webhook_url",
        "push",
        "kinds",
        "channels",
        "quiet_start",
        "quiet_end",
        "consent_at",
        "consent_text",
        "active",
        "token",
        "created_at",
        "unsubscribed_at",
    ],
    "alerts_subscriptionarea": ["id", "subscription_id", "area_id", "area_path"],
    "alerts_alert": [
        "id",
        "identifier",
        "kind",
        "severity",
        "urgent",
        "headline",
        "text",
        "instruction",
        "latitude",
        "longitude",
        "radius_m",
        "province_path",
        "to_members",
        "organisation_ids",
        "to_subscribers",
        "to_camera_owners",
        "public",
        "send_at",
        "expires_at",
        "status",
        "wide",
        "created_by_id",
        "created_at",
        "approved_by_id",
        "approved_at",
        "decision_note",
        "fanout_started_at",
        "fanout_done_at",
        "fanout_lease_until",
        "recipients",
        "sent_at",
    ],
    "alerts_alertarea": ["id", "alert_id", "area_id", "area_path"],
    "alerts_delivery": [
        "id",
        "alert_id",
        "channel",
        "recipient",
        "user_id",
        "address_enc",
        "subscription_id",
        "member",
        "status",
        "attempts",
        "next_attempt_at",
        "lease_until",
        "last_error",
        "provider_id",
        "created_at",
        "sent_at",
        "delivered_at",
        "acknowledged_at",
        "responding_at",
    ],
}
# Dependency order: what generate writes first, and deletes last.
TABLES = list(COLUMNS)

TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # tips.domain._ALPHABET
HEX = "0123456789abcdef"
URLSAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
SECURITY_TEAM, MEDIATION = "to-bao-ve-antt", "to-hoa-giai"


def ts(value: datetime.datetime) -> str:
    # str() is several times faster than strftime; every generated time is whole seconds.
    return str(value) if not value.microsecond else value.strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class Context:
    """What the passes share: the plan, the loader, id counters, and small per-commune facts."""

    plan: Plan
    loader: Loader
    next_id: dict[str, int]
    contact_key: Callable[[str], str]
    progress: Callable[[str, int], Any]  # (table, total) -> a callable taking increments
    counts: dict[str, int] = field(default_factory=dict)
    first_id: dict[str, int] = field(default_factory=dict)
    users: tuple[int, int] = (0, 0)  # (officer, leader) of the generated accounts
    # per commune (by index in plan.communes)
    orgs: list[list[tuple[int, str, int | None]]] = field(default_factory=list)  # (id, type code, village id)
    subs: list[list[tuple[int, str, str]]] = field(default_factory=list)  # (id, channel, created_at)
    # Personal data as core.crypto.encrypt writes it, faster (synth.fernet). Names come from a small pool,
    # so each name's token is made once per run and reused (it decrypts the same); contacts are not cached.
    encrypt: Encryptor = field(default_factory=Encryptor)
    name_tokens: dict[str, str] = field(default_factory=dict)
    folded: dict[str, str] = field(default_factory=dict)

    def encrypt_name(self, name: str) -> str:
        token = self.name_tokens.get(name)
        if token is None:
            token = self.name_tokens[name] = self.encrypt(name)
        return token

    def fold(self, text: str) -> str:
        """core.text.fold, remembered (person names and other pooled texts repeat)."""
        found = self.folded.get(text)
        if found is None:
            if len(self.folded) > 200_000:
                self.folded.clear()
            found = self.folded[text] = fold(text)
        return found

    def take(self, table: str) -> int:
        """The next id of `table` (ids are given out in one block per table and run)."""
        n = self.next_id[table]
        self.next_id[table] = n + 1
        self.first_id.setdefault(table, n)
        self.counts[table] = self.counts.get(table, 0) + 1
        return n

    def rng(self, what: str, commune: Commune) -> random.Random:
        return random.Random(f"{what}:{self.plan.seed}:{commune.code}")

    def moment(
        self, day: datetime.date, rng: random.Random, hour_cum: list[float] | None = None
    ) -> datetime.datetime:
        """A local time on `day`, as naive UTC."""
        hour = rng.choices(range(24), cum_weights=hour_cum)[0] if hour_cum else 7 + int(rng.random() * 12)
        local = datetime.datetime.combine(
            day, datetime.time(hour, int(rng.random() * 60), int(rng.random() * 60))
        )
        return local - datetime.timedelta(hours=7)

    def day(self, rng: random.Random) -> datetime.date:
        return rng.choices(self.plan.days, cum_weights=self.plan.day_cum)[0]

    @property
    def end(self) -> datetime.datetime:
        return datetime.datetime.combine(self.plan.last_day, datetime.time(16, 59, 59))  # 23:59:59 local


# --- accounts and villages ------------------------------------------------------------------------------


def users(ctx: Context) -> None:
    """Two accounts that alerts need (a composer and an approver); no password can log in to them."""
    null = ctx.loader.null
    joined = ts(datetime.datetime.combine(ctx.plan.first_day, datetime.time(1)))
    rows = []
    for username, full_name in (
        ("synth-officer", "Cán bộ (dữ liệu tổng hợp)"),
        ("synth-leader", "Lãnh đạo (dữ liệu tổng hợp)"),
    ):
        pk = ctx.take("accounts_user")
        password = "!" + "".join(random.Random(f"pw:{ctx.plan.seed}:{username}").choices(URLSAFE, k=40))
        rows.append(
            (pk, password, null, False, f"{username}-{pk}", "", "", "", False, False, joined, full_name, "")
        )
    ctx.users = (rows[0][0], rows[1][0])
    ctx.loader.write("accounts_user", COLUMNS["accounts_user"], rows)


def village_count(c: Commune, rng: random.Random) -> int:
    base = {"ward": (8, 22), "commune": (6, 18), "special_zone": (3, 6)}.get(c.type, (5, 12))
    return rng.randint(*base)


def village_type(c: Commune) -> tuple[str, str]:
    """(AreaType, name prefix) by the commune's kind and region."""
    if c.type == "ward":
        return "residential_group", "Tổ dân phố"
    province = c.path[:2]
    if province in {"04", "08", "11", "12", "14", "15", "20"}:
        return "ban", "Bản"
    if province in {"79", "80", "82", "86", "91", "92", "96", "75"}:
        return "hamlet", "Ấp"
    return "village", "Thôn"


def villages(ctx: Context, existing: dict[int, list[tuple[int, str, str]]]) -> None:
    """Villages for communes that have none; communes with villages keep theirs (and records use them)."""
    null = ctx.loader.null
    plan = ctx.plan
    made_at = ts(datetime.datetime.combine(plan.first_day, datetime.time(2)))
    total = sum(village_count(c, ctx.rng("villages", c)) for c in plan.communes if c.id not in existing)
    bar = ctx.progress("areas_area", total)
    counts: dict[int, int] = {}

    def rows() -> Iterator[tuple]:
        for c in plan.communes:
            if c.id in existing:
                c.villages = existing[c.id]
                continue
            rng = ctx.rng("villages", c)
            n = village_count(c, rng)
            kind, prefix = village_type(c)
            people = c.weight * 1_000_000 / n
            for number in range(1, n + 1):
                pk = ctx.take("areas_area")
                name = f"{prefix} {number}"
                seg = str(number).zfill(4)
                population = int(people * rng.lognormvariate(0, 0.3))
                c.villages.append((pk, name, c.path + seg))
                yield (
                    pk,
                    f"{c.code}-{seg}",
                    name,
                    kind,
                    3,
                    c.id,
                    c.path + seg,
                    fold(name),
                    "",
                    population,
                    0,
                    made_at,
                    made_at,
                )
            counts[c.id] = n

    if total:
        ctx.loader.prepare("areas_area", total)
        ctx.loader.write("areas_area", COLUMNS["areas_area"], rows(), bar)
    else:
        for c in plan.communes:
            c.villages = existing.get(c.id, [])
    del null
    # Kept by areas.domain.create_villages on every other path.
    from django.db import connection

    with connection.cursor() as cur:
        for commune_id, n in counts.items():
            cur.execute(
                "UPDATE areas_area SET village_count = village_count + %s WHERE id = %s", [n, commune_id]
            )


# --- organisations, people, memberships -------------------------------------------------------------------


def _birth(rng: random.Random, joined: datetime.date, low: int = 20, high: int = 62) -> datetime.date:
    age_days = int((low + rng.random() * (high - low)) * 365.25)
    return joined - datetime.timedelta(days=age_days)


def organisations(ctx: Context, types: dict[str, int], roles: dict[str, list[str]]) -> None:
    loader, plan, null = ctx.loader, ctx.plan, ctx.loader.null
    members = loader.spool("organisations_membership", COLUMNS["organisations_membership"])
    links = loader.spool(
        "organisations_organisation_villages", COLUMNS["organisations_organisation_villages"]
    )
    people = loader.spool("organisations_person", COLUMNS["organisations_person"])
    law_30 = datetime.date(2024, 7, 1)  # security teams exist since Law 30/2023 took effect
    last = plan.last_day
    estimate = sum(len(c.villages) * 40 + 20 for c in plan.communes)
    bar = ctx.progress("organisations_organisation", sum(len(c.villages) * 2 + 2 for c in plan.communes))
    ctx.orgs = []

    # Organisations stream into the table; villages links, people and memberships follow in that order
    # (foreign keys are checked as rows arrive).
    def organisations_rows() -> Iterator[tuple]:
        for c in plan.communes:
            rng = ctx.rng("organisations", c)
            mine: list[tuple[int, str, int | None]] = []
            ctx.orgs.append(mine)
            wanted: list[tuple[str, str, tuple[int, str, str] | None, int]] = []
            for v in c.villages:
                wanted.append((SECURITY_TEAM, f"Tổ bảo vệ ANTT {v[1]}", v, rng.randint(4, 7)))
                if rng.random() < 0.5:
                    wanted.append(("to-tu-quan", f"Tổ tự quản {v[1]}", v, rng.randint(5, 10)))
            for v in c.villages[::2]:
                wanted.append((MEDIATION, f"Tổ hoà giải {v[1]}", v, rng.randint(5, 8)))
            if c.type == "ward":
                wanted.append(("ban-bao-ve-dan-pho", f"Ban bảo vệ dân phố {c.name}", None, rng.randint(5, 9)))
            wanted.append(("doi-pccc", f"Đội dân phòng {c.name}", None, rng.randint(8, 15)))
            reuse: list[tuple[int, datetime.date]] = []  # (person id, birth date): some join two groups
            for code, name, village, size in wanted:
                if code not in types:
                    continue
                pk = ctx.take("organisations_organisation")
                if code == SECURITY_TEAM and plan.first_day <= law_30 <= last:
                    founded = law_30 + datetime.timedelta(days=int(rng.random() * 90))
                else:
                    founded = plan.first_day - datetime.timedelta(days=int(rng.random() * 3650))
                dissolved = null
                made = ts(datetime.datetime.combine(max(founded, plan.first_day), datetime.time(3)))
                yield (
                    (
                        pk,
                        types[code],
                        name,
                        c.id,
                        c.path,
                        founded.isoformat(),
                        dissolved,
                        "",
                        fold(name),
                        null,
                        made,
                        made,
                    )
                )
                mine.append((pk, code, village[0] if village else None))
                if village is not None:
                    links.add((ctx.take("organisations_organisation_villages"), pk, village[0]))
                allowed = roles[code]
                for k in range(size):
                    role = (
                        "leader"
                        if k == 0
                        else "deputy"
                        if k == 1 and "deputy" in allowed
                        else ("secretary" if k == 1 and "secretary" in allowed else "member")
                    )
                    joined = founded if k < 2 else founded + datetime.timedelta(days=int(rng.random() * 400))
                    if joined > last:
                        joined = last
                    if reuse and rng.random() < 0.1:
                        person, born = reuse[int(rng.random() * len(reuse))]
                        age = (joined - born).days / 365.25
                        if not 18 <= age <= 70:
                            person = 0
                    else:
                        person = 0
                    if not person:
                        person = ctx.take("organisations_person")
                        full_name, gender = texts.person_name(
                            rng.random(), rng.random(), rng.random(), rng.random()
                        )
                        born = _birth(rng, joined)
                        home = (
                            village
                            if village is not None
                            else (c.villages[int(rng.random() * len(c.villages))] if c.villages else None)
                        )
                        phone = ctx.encrypt(f"09{rng.randrange(10**8):08d}") if rng.random() < 0.2 else ""
                        people.add(
                            (
                                person,
                                full_name,
                                ctx.fold(full_name),
                                born.isoformat(),
                                born.year,
                                gender,
                                phone,
                                c.id,
                                home[0] if home else null,
                                home[2] if home else c.path,
                                null,
                                made,
                            )
                        )
                        reuse.append((person, born))
                    left = null
                    if k >= 2 and rng.random() < 0.08:
                        left_day = joined + datetime.timedelta(days=30 + int(rng.random() * 700))
                        left = left_day.isoformat() if left_day <= last else null
                    members.add(
                        (
                            ctx.take("organisations_membership"),
                            pk,
                            person,
                            role,
                            joined.isoformat(),
                            left,
                            False,
                            "",
                            ts(datetime.datetime.combine(joined, datetime.time(4))),
                        )
                    )

    for table in ("organisations_membership", "organisations_organisation", "organisations_person"):
        loader.prepare(table, estimate)
    loader.write(
        "organisations_organisation", COLUMNS["organisations_organisation"], organisations_rows(), bar
    )
    for spool in (links, people, members):
        spool.flush(ctx.progress(spool.table, spool.rows))


# --- schemes ------------------------------------------------------------------------------------------


def schemes(ctx: Context, types: list[tuple[int, str, str]]) -> None:
    """About three schemes a commune, each at one to three villages, run by its security teams."""
    loader, plan, null = ctx.loader, ctx.plan, ctx.loader.null
    sites = loader.spool("schemes_schemesite", COLUMNS["schemes_schemesite"])
    runners = loader.spool("schemes_schemeorganisation", COLUMNS["schemes_schemeorganisation"])
    bar = ctx.progress("schemes_scheme", 3 * len(plan.communes))
    statuses = ["active"] * 15 + ["proposed", "under_review"] + ["retired"] * 3

    def rows() -> Iterator[tuple]:
        for ci, c in enumerate(plan.communes):
            rng = ctx.rng("schemes", c)
            teams = {village: pk for pk, code, village in ctx.orgs[ci] if code == SECURITY_TEAM and village}
            for _ in range(1 + int(rng.random() * 5)):
                pk = ctx.take("schemes_scheme")
                type_id, code, type_name = types[int(rng.random() * len(types))]
                places = (
                    rng.sample(c.villages, min(len(c.villages), 1 + int(rng.random() * 3)))
                    if c.villages
                    else []
                )
                name = f"{type_name} {places[0][1] if places else c.name}"
                start = (
                    ctx.day(rng)
                    if rng.random() < 0.5
                    else plan.first_day - datetime.timedelta(days=int(rng.random() * 1500))
                )
                status = statuses[int(rng.random() * len(statuses))]
                made = ts(datetime.datetime.combine(start, datetime.time(3)))
                changed = ts(
                    datetime.datetime.combine(
                        min(plan.last_day, start + datetime.timedelta(days=30 + int(rng.random() * 600))),
                        datetime.time(3),
                    )
                )
                retired = changed if status == "retired" else null
                description = texts.SCHEME_DESCRIPTIONS[int(rng.random() * len(texts.SCHEME_DESCRIPTIONS))]
                yield (
                    pk,
                    name,
                    type_id,
                    "commune",
                    c.id,
                    c.path,
                    start.isoformat(),
                    status,
                    texts.STATUS_REASONS.get(status, ""),
                    changed if status != "proposed" else null,
                    retired,
                    description,
                    "",
                    null,
                    fold(f"{name} {description}"),
                    null,
                    made,
                    changed,
                )
                for v in places or [(c.id, c.name, c.path)]:
                    sites.add(
                        (
                            ctx.take("schemes_schemesite"),
                            pk,
                            v[0],
                            v[2],
                            "",
                            null,
                            null,
                            start.isoformat(),
                            null,
                            made,
                        )
                    )
                    team = teams.get(v[0])
                    if team:
                        runners.add((ctx.take("schemes_schemeorganisation"), pk, team, made))

    loader.write("schemes_scheme", COLUMNS["schemes_scheme"], rows(), bar)
    for spool in (sites, runners):
        spool.flush(ctx.progress(spool.table, spool.rows))


# --- cameras ------------------------------------------------------------------------------------------


def _near(c: Commune, rng: random.Random, km: float) -> tuple[float, float]:
    """A point around the commune's centre: cameras and incidents cluster where people live."""
    sigma = km / 111.195
    lat = min(23.5, max(8.5, rng.gauss(c.lat, sigma)))
    lon = min(117.8, max(102.1, rng.gauss(c.lon, sigma / math.cos(math.radians(c.lat)))))
    return round(lat, 7), round(lon, 7)


def cameras(ctx: Context) -> None:
    loader, plan, null = ctx.loader, ctx.plan, ctx.loader.null
    n_days = len(plan.days)
    kinds = (
        [("household", "residents")] * 12
        + [("shop", "residents")] * 4
        + [("enterprise", "enterprise")] * 2
        + [("agency", "budget"), ("commune", "socialised")]
    )
    bar = ctx.progress("cameras_camera", plan.volumes["cameras"])
    loader.prepare("cameras_camera", plan.volumes["cameras"])

    def rows() -> Iterator[tuple]:
        for ci, c in enumerate(plan.communes):
            n = plan.per_commune["cameras"][ci]
            if not n:
                continue
            rng = ctx.rng("cameras", c)
            spread = 1.0 if c.type == "ward" else 3.0
            left = 0
            owner: tuple[str, str, str, str, str] = ("", "", "", "household", "residents")
            for _ in range(n):
                if left == 0:  # a new owner with one to three cameras
                    left = 1 + (rng.random() < 0.35) + (rng.random() < 0.15)
                    kind, funding = kinds[int(rng.random() * len(kinds))]
                    full_name, _g = texts.person_name(rng.random(), rng.random(), rng.random(), rng.random())
                    phone = f"09{rng.randrange(10**8):08d}"
                    owner = (
                        ctx.encrypt_name(full_name),
                        ctx.encrypt(phone),
                        ctx.contact_key(phone),
                        kind,
                        funding,
                    )
                    home_lat, home_lon = _near(c, rng, spread)
                left -= 1
                pk = ctx.take("cameras_camera")
                # Registrations grow over the years: density rising linearly towards the last day.
                created_day = plan.days[min(n_days - 1, int(n_days * math.sqrt(rng.random())))]
                created = ctx.moment(created_day, rng)
                village = c.villages[int(rng.random() * len(c.villages))] if c.villages else None
                lat = round(home_lat + (rng.random() - 0.5) * 0.0004, 7)
                lon = round(home_lon + (rng.random() - 0.5) * 0.0004, 7)
                label = f"{texts.CAMERA_LABELS[int(rng.random() * len(texts.CAMERA_LABELS))]} {pk}"
                street = texts.STREETS[int(rng.random() * len(texts.STREETS))]
                address = f"Số {1 + int(rng.random() * 300)} {street}"
                r = rng.random()
                status = "active" if r < 0.9 else "offline" if r < 0.96 else "removed"
                confirmed = created + datetime.timedelta(
                    seconds=int(rng.random() * max(1, (ctx.end - created).total_seconds()))
                )
                created_s, confirmed_s = ts(created), ts(confirmed)
                direction = null if rng.random() < 0.2 else int(rng.random() * 360)
                kind, funding = owner[3], owner[4]
                if status == "removed":  # cameras.domain.remove blanks what counts do not need
                    yield (
                        pk,
                        null,
                        kind,
                        "",
                        "",
                        "",
                        "",
                        c.id,
                        village[0] if village else null,
                        village[2] if village else c.path,
                        "",
                        null,
                        null,
                        null,
                        direction,
                        90,
                        30,
                        "",
                        7,
                        "local",
                        funding,
                        texts.CONSENT_PURPOSE,
                        created_s,
                        null,
                        "removed",
                        confirmed_s,
                        confirmed_s,
                        null,
                        created_s,
                        confirmed_s,
                    )
                    continue
                yield (
                    pk,
                    null,
                    kind,
                    owner[0],
                    owner[1],
                    owner[2],
                    label,
                    c.id,
                    village[0] if village else null,
                    village[2] if village else c.path,
                    address,
                    lat,
                    lon,
                    math.floor(lat * 100),
                    direction,
                    90 if rng.random() < 0.7 else 120,
                    30 if rng.random() < 0.6 else 50,
                    texts.CAMERA_COVERS[int(rng.random() * len(texts.CAMERA_COVERS))],
                    (7, 7, 15, 30)[int(rng.random() * 4)],
                    ("local", "local", "cloud", "linked")[int(rng.random() * 4)],
                    funding,
                    texts.CONSENT_PURPOSE,
                    created_s,
                    null,
                    status,
                    confirmed_s if status == "offline" else created_s,
                    confirmed_s,
                    null,
                    created_s,
                    confirmed_s,
                )

    loader.write("cameras_camera", COLUMNS["cameras_camera"], rows(), bar)


# --- tips ---------------------------------------------------------------------------------------------

CHANNELS = (
    ["web"] * 45
    + ["phone"] * 20
    + ["in_person"] * 15
    + ["sms"] * 8
    + ["chat"] * 6
    + ["api"] * 3
    + ["open311"] * 2
    + ["mail"]
)
DECIDED = (
    ["forwarded"] * 25
    + ["administrative"] * 30
    + ["not_violation"] * 20
    + ["duplicate"] * 5
    + ["unfounded"] * 20
)
TIP_MIX = {"trom-cap": 25, "lua-dao-mang": 15, "ma-tuy": 12, "co-bac": 8, "danh-nhau": 8, "giao-thong": 6}


def tips(ctx: Context, categories: list[tuple[int, str, str]]) -> None:
    """Tips as tips.domain.submit writes them (with the public "received" event and, when the reporter
    left a contact, an encrypted Reporter row), then decided as the triage functions would."""
    loader, plan, null = ctx.loader, ctx.plan, ctx.loader.null
    reporters = loader.spool("tips_reporter", COLUMNS["tips_reporter"])
    events = loader.spool("tips_tipevent", COLUMNS["tips_tipevent"])
    n_total = plan.volumes["tips"]
    for table, k in (("tips_tip", 1), ("tips_reporter", 0.3), ("tips_tipevent", 2)):
        loader.prepare(table, int(n_total * k))
    bar = ctx.progress("tips_tip", n_total)
    cat_cum = cum(TIP_MIX.get(code, 2) for _, code, _ in categories)
    cats = [
        (pk, name, fold(name), [(t, fold(t)) for t in texts.TIP_TEXTS.get(code, texts.DEFAULT_TIP_TEXTS)])
        for pk, code, name in categories
    ]
    hour_cum = cum(HOUR_WEIGHTS)
    last = ctx.end
    open_after = last - datetime.timedelta(days=20)
    received_json = {ch: json.dumps({"channel": ch}) for ch in set(CHANNELS)}
    occurred_texts = [(t, fold(t)) for t in texts.OCCURRED_TEXTS]
    streets = [(t, fold(t)) for t in texts.STREETS]

    def rows() -> Iterator[tuple]:
        for ci, c in enumerate(plan.communes):
            n = plan.per_commune["tips"][ci]
            if not n:
                continue
            rng = ctx.rng("tips", c)
            folded_villages = [(v, fold(v[1])) for v in c.villages]
            days = sorted(rng.choices(plan.days, cum_weights=plan.day_cum, k=n))
            previous: tuple[int, str] | None = None
            for day in days:
                pk = ctx.take("tips_tip")
                code = "".join(rng.choices(TRACKING_ALPHABET, k=12))
                code = f"{code[:4]}-{code[4:8]}-{code[8:]}"
                cat_id, cat_name, cat_fold, descriptions = cats[
                    rng.choices(range(len(cats)), cum_weights=cat_cum)[0]
                ]
                description, description_fold = descriptions[int(rng.random() * len(descriptions))]
                channel = CHANNELS[int(rng.random() * len(CHANNELS))]
                received = ctx.moment(day, rng, hour_cum)
                occurred = received - datetime.timedelta(minutes=int(rng.random() * 2880))
                occurred_text, occurred_fold = occurred_texts[int(rng.random() * len(occurred_texts))]
                village = None
                if folded_villages and rng.random() < 0.7:
                    village = folded_villages[int(rng.random() * len(folded_villages))]
                address = address_fold = ""
                if rng.random() < 0.5:
                    street, street_fold = streets[int(rng.random() * len(streets))]
                    number = 1 + int(rng.random() * 300)
                    address, address_fold = f"Số {number} {street}", f"so {number} {street_fold}"
                lat = lon = null
                if rng.random() < 0.3:
                    lat, lon = (round(x, 6) for x in _near(c, rng, 2.0))
                # fold(" ".join(code, category, description, address, occurred text, village)) as
                # tips.domain writes it, from the parts folded once (fold works word by word).
                parts = [
                    code.lower(),
                    cat_fold,
                    description_fold,
                    address_fold,
                    occurred_fold,
                    village[1] if village else "",
                ]
                search = " ".join(p for p in parts if p)
                anonymous = rng.random() < 0.7
                deadline = received + datetime.timedelta(days=20)
                extensions = 0
                status, decided_at, reason, duplicate_of = "received", None, "", null
                outcome, outcome_at, valuable, valuable_at, valuable_reason = "", null, False, null, ""
                if received >= open_after:
                    status = "checking" if rng.random() < 0.5 else "received"
                else:
                    if rng.random() < 0.1:  # extended once (BLTTHS 2015, Điều 147)
                        extensions, deadline = 1, received + datetime.timedelta(days=60)
                    status = DECIDED[int(rng.random() * len(DECIDED))]
                    if status == "duplicate" and previous is None:
                        status = "unfounded"
                    decided_at = received + datetime.timedelta(
                        seconds=int(rng.random() * (deadline - received).total_seconds())
                    )
                    reason = texts.DECISION_REASONS[status]
                    if status == "duplicate" and previous is not None:
                        duplicate_of = previous[0]
                    if status == "forwarded" and rng.random() < 0.6:
                        outcome = ("prosecuted", "prosecuted", "not_prosecuted", "suspended")[
                            int(rng.random() * 4)
                        ]
                        outcome_at = ts(
                            min(last, decided_at + datetime.timedelta(days=10 + int(rng.random() * 60)))
                        )
                    if status in ("forwarded", "administrative") and rng.random() < 0.5:
                        valuable, valuable_at, valuable_reason = True, ts(decided_at), texts.VALUABLE_REASON
                received_s = ts(received)
                decided_s = ts(decided_at) if decided_at else null
                updated = outcome_at if outcome_at is not null else decided_s if decided_at else received_s
                yield (
                    pk,
                    code,
                    cat_id,
                    description,
                    channel,
                    anonymous,
                    ts(occurred),
                    rng.random() < 0.3,
                    occurred_text,
                    c.id,
                    village[0][0] if village else null,
                    village[0][2] if village else c.path,
                    address,
                    lat,
                    lon,
                    False,
                    "{}",
                    "",
                    status,
                    received_s,
                    updated,
                    ts(deadline),
                    extensions,
                    null,
                    null,
                    null,
                    null,
                    decided_s,
                    reason,
                    duplicate_of,
                    outcome,
                    outcome_at,
                    "",
                    valuable,
                    valuable_reason,
                    valuable_at,
                    null,
                    search,
                )
                del description_fold, cat_fold
                if not anonymous:
                    full_name, _g = texts.person_name(rng.random(), rng.random(), rng.random(), rng.random())
                    reporters.add(
                        (
                            ctx.take("tips_reporter"),
                            pk,
                            ctx.encrypt_name(full_name),
                            ctx.encrypt(f"09{rng.randrange(10**8):08d}"),
                            "",
                            "",
                            received_s,
                        )
                    )
                events.add(
                    (
                        ctx.take("tips_tipevent"),
                        pk,
                        received_s,
                        null,
                        "",
                        "received",
                        True,
                        "",
                        received_json[channel],
                    )
                )
                if status == "checking":
                    events.add(
                        (
                            ctx.take("tips_tipevent"),
                            pk,
                            ts(received + datetime.timedelta(hours=2)),
                            null,
                            "",
                            "status",
                            True,
                            "",
                            '{"status": "checking"}',
                        )
                    )
                elif decided_at is not None:
                    data = {"status": status}
                    if status == "duplicate" and previous is not None:
                        data["duplicate_of"] = previous[1]
                    events.add(
                        (
                            ctx.take("tips_tipevent"),
                            pk,
                            decided_s,
                            null,
                            "",
                            "status",
                            True,
                            "",
                            json.dumps(data),
                        )
                    )
                    if outcome:
                        events.add(
                            (
                                ctx.take("tips_tipevent"),
                                pk,
                                outcome_at,
                                null,
                                "",
                                "outcome",
                                True,
                                "",
                                json.dumps({"outcome": outcome}),
                            )
                        )
                previous = (pk, code)

    loader.write("tips_tip", COLUMNS["tips_tip"], rows(), bar)
    for spool in (reporters, events):
        spool.flush(ctx.progress(spool.table, spool.rows))


# --- incidents ----------------------------------------------------------------------------------------


def incident_categories(categories: list[tuple[int, str, str]]) -> tuple[list[tuple], list[float]]:
    """(id, code, folded name, share cleared, injuries possible, [(summary, folded summary)]) and the
    cumulative mix, scaled so that CLEARED_SHARE of all incidents are cleared."""
    mix = {code: CATEGORY_MIX.get(code, (1.0, 0.3)) for _, code, _ in categories}
    total = sum(share for share, _ in mix.values())
    overall = sum(share * cleared for share, cleared in mix.values()) / total
    out = []
    for pk, code, name in categories:
        _share, cleared = mix[code]
        summaries = [(s, fold(s)) for s in texts.INCIDENT_SUMMARIES.get(code, texts.DEFAULT_SUMMARIES)]
        out.append(
            (
                pk,
                code,
                fold(name),
                min(1.0, cleared * CLEARED_SHARE / overall),
                code in INJURY_CATEGORIES,
                summaries,
            )
        )
    return out, cum(mix[code][0] for _, code, _ in categories)


def incidents(ctx: Context, categories: list[tuple[int, str, str]]) -> None:
    """The incidents register: the seasonality of plan.day_weight, evening hours, the category mix of
    CATEGORY_MIX, 40% cleared. The hot loop (10M rows at the nation scale) works on strings: times are a
    day string and a "HH:MM:SS" string from tables, coordinates are formatted, not rounded."""
    loader, plan, null = ctx.loader, ctx.plan, ctx.loader.null
    n_total = plan.volumes["incidents"]
    loader.prepare("incidents_incident", n_total)
    bar = ctx.progress("incidents_incident", n_total)
    cats, cat_cum = incident_categories(categories)
    n_cats = range(len(cats))
    hour_cum = cum(HOUR_WEIGHTS)
    hours = range(24)
    # UTC day strings from the day before the window to 62 days after it (cleared_at, created_at).
    base = plan.first_day - datetime.timedelta(days=1)
    day_str = [str(base + datetime.timedelta(days=k)) for k in range(len(plan.days) + 64)]
    hms = [f"{h:02d}:{m:02d}:{sec:02d}" for h in range(24) for m in range(60) for sec in range(60)]
    day_range = range(len(plan.days))
    streets = [(s, fold(s)) for s in texts.STREETS]
    n_streets = len(streets)
    victim_codes = {"trom-cap", "cuop-giat", "lua-dao-mang", "danh-nhau"}
    damage_codes = {"trom-cap", "cuop-giat", "lua-dao-mang"}
    first = ctx.next_id["incidents_incident"]
    pk = first

    def rows() -> Iterator[tuple]:
        nonlocal pk
        for ci, c in enumerate(plan.communes):
            n = plan.per_commune["incidents"][ci]
            if not n:
                continue
            rng = ctx.rng("incidents", c)
            rand = rng.random
            # place: (village id or null, area path, name, folded name)
            places = [(v[0], v[2], v[1], fold(v[1])) for v in c.villages]
            commune_place = (null, c.path, c.name, fold(c.name))
            n_places = len(places)
            day_idx = sorted(rng.choices(day_range, cum_weights=plan.day_cum, k=n))
            what = rng.choices(n_cats, cum_weights=cat_cum, k=n)
            when = rng.choices(hours, cum_weights=hour_cum, k=n)
            # Points around the commune's centre: a pool of Gaussian offsets plus a small jitter.
            spread = (1.0 if c.type == "ward" else 3.0) / 111.195
            lon_scale = 1 / math.cos(math.radians(c.lat))
            pool = [
                (c.lat + rng.gauss(0, spread), c.lon + rng.gauss(0, spread * lon_scale)) for _ in range(256)
            ]
            for j in range(n):
                cat_id, code, cat_fold, cleared_p, injuring, summaries = cats[what[j]]
                # local time on day_idx[j] (index + 1 in day_str), as UTC: 7 hours earlier
                sec = when[j] * 3600 + int(rand() * 3600) - 25200
                d = day_idx[j] + 1
                if sec < 0:
                    sec += 86400
                    d -= 1
                at_s = f"{day_str[d]} {hms[sec]}"
                cleared = rand() < cleared_p
                if cleared:
                    suspects = 1 + (rand() < 0.35) + (rand() < 0.1)
                    cleared_at = f"{day_str[d + int(rand() * 60)]} {hms[sec]}"
                else:
                    suspects, cleared_at = 0, null
                injuries = 1 + (rand() < 0.3) if injuring and rand() < 0.2 else 0
                deaths = 1 if rand() < 0.003 else 0
                place = places[int(rand() * n_places)] if n_places and rand() < 0.75 else commune_place
                summary, summary_fold = summaries[int(rand() * len(summaries))]
                if rand() < 0.6:
                    number = 1 + int(rand() * 300)
                    street, street_fold = streets[int(rand() * n_streets)]
                    address = f"Số {number} {street}"
                    if place[0] is null:
                        search = f"{cat_fold} {summary_fold} tai {place[3]} so {number} {street_fold}"
                    else:
                        search = (
                            f"{cat_fold} {summary_fold} tai {place[3]} so {number} {street_fold} {place[3]}"
                        )
                else:
                    address = ""
                    if place[0] is null:
                        search = f"{cat_fold} {summary_fold} tai {place[3]}"
                    else:
                        search = f"{cat_fold} {summary_fold} tai {place[3]} {place[3]}"
                if rand() < 0.4:
                    lat, lon = pool[int(rand() * 256)]
                    lat_s = f"{lat + (rand() - 0.5) * 0.002:.6f}"
                    lon_s = f"{lon + (rand() - 0.5) * 0.002:.6f}"
                else:
                    lat_s = lon_s = null
                victims = 1 if code in victim_codes else 0
                damage = int(rand() * 200) * 100_000 if code in damage_codes else null
                late = sec + 3600 + int(rand() * 47) * 3600  # recorded 1 to 48 hours later
                created = f"{day_str[d + late // 86400]} {hms[late % 86400]}"
                pk += 1
                yield (
                    pk - 1,
                    cat_id,
                    at_s,
                    c.id,
                    place[0],
                    place[1],
                    address,
                    lat_s,
                    lon_s,
                    f"{summary} tại {place[2]}",
                    cleared,
                    cleared_at,
                    suspects,
                    victims,
                    deaths,
                    injuries,
                    damage,
                    null,
                    search,
                    null,
                    created,
                    created,
                )

    written = loader.write("incidents_incident", COLUMNS["incidents_incident"], rows(), bar)
    if written:
        ctx.first_id.setdefault("incidents_incident", first)
        ctx.counts["incidents_incident"] = ctx.counts.get("incidents_incident", 0) + written
        ctx.next_id["incidents_incident"] = pk


# --- subscriptions and alerts ---------------------------------------------------------------------------


def subscriptions(ctx: Context) -> None:
    loader, plan, null = ctx.loader, ctx.plan, ctx.loader.null
    areas = loader.spool("alerts_subscriptionarea", COLUMNS["alerts_subscriptionarea"])
    loader.prepare("alerts_subscription", plan.volumes["subscriptions"])
    bar = ctx.progress("alerts_subscription", plan.volumes["subscriptions"])
    ctx.subs = []

    def rows() -> Iterator[tuple]:
        for ci, c in enumerate(plan.communes):
            mine: list[tuple[int, str, str]] = []
            ctx.subs.append(mine)
            rng = ctx.rng("subscriptions", c)
            for _ in range(plan.per_commune["subscriptions"][ci]):
                pk = ctx.take("alerts_subscription")
                full_name, _g = texts.person_name(rng.random(), rng.random(), rng.random(), rng.random())
                created = ts(ctx.moment(ctx.day(rng), rng))
                sms = rng.random() < 0.6
                email = phone = ""
                if sms:
                    phone = ctx.encrypt(f"09{rng.randrange(10**8):08d}")
                else:
                    email = ctx.encrypt(f"{ctx.fold(full_name).replace(' ', '.')}{pk}@example.vn")
                channel = "sms" if sms else "email"
                active = rng.random() < 0.95
                quiet = rng.random() < 0.3
                token = "".join(rng.choices(URLSAFE, k=32))
                yield (
                    pk,
                    null,
                    full_name,
                    email,
                    phone,
                    "",
                    "",
                    "{}",
                    "" if rng.random() < 0.7 else "security,fire",
                    channel,
                    "22:00:00" if quiet else null,
                    "06:00:00" if quiet else null,
                    created,
                    texts.CONSENT_TEXT,
                    active,
                    token,
                    created,
                    null if active else created,
                )
                if active:
                    mine.append((pk, channel, created))
                where = (
                    c.villages[int(rng.random() * len(c.villages))]
                    if c.villages and rng.random() < 0.6
                    else (c.id, c.name, c.path)
                )
                areas.add((ctx.take("alerts_subscriptionarea"), pk, where[0], where[2]))

    loader.write("alerts_subscription", COLUMNS["alerts_subscription"], rows(), bar)
    areas.flush(ctx.progress(areas.table, areas.rows))


def alerts(ctx: Context) -> None:
    """Sent alerts to a whole commune (composed by one account, approved by another), with one delivered
    outbox row per active subscriber of that commune who had subscribed by then."""
    loader, plan, null = ctx.loader, ctx.plan, ctx.loader.null
    areas = loader.spool("alerts_alertarea", COLUMNS["alerts_alertarea"])
    deliveries = loader.spool("alerts_delivery", COLUMNS["alerts_delivery"])
    loader.prepare("alerts_delivery", plan.volumes["alerts"] * 10)
    bar = ctx.progress("alerts_alert", plan.volumes["alerts"])
    kinds = ["security"] * 5 + ["fire"] * 2 + ["missing", "disaster", "disaster", "drill", "other"]
    officer, leader = ctx.users

    def rows() -> Iterator[tuple]:
        for ci, c in enumerate(plan.communes):
            rng = ctx.rng("alerts", c)
            subs = ctx.subs[ci] if ci < len(ctx.subs) else []
            for _ in range(plan.per_commune["alerts"][ci]):
                pk = ctx.take("alerts_alert")
                kind = kinds[int(rng.random() * len(kinds))]
                headline, text, instruction = texts.ALERT_TEXTS[kind]
                created = ctx.moment(ctx.day(rng), rng)
                approved = created + datetime.timedelta(minutes=5 + int(rng.random() * 60))
                done = approved + datetime.timedelta(seconds=30)
                created_s, approved_s, done_s = ts(created), ts(approved), ts(done)
                n = 0
                for sid, channel, since in subs:
                    if since <= created_s:
                        n += 1
                        deliveries.add(
                            (
                                ctx.take("alerts_delivery"),
                                pk,
                                channel,
                                f"sub:{sid}",
                                null,
                                "",
                                sid,
                                False,
                                "delivered" if channel == "sms" else "sent",
                                1,
                                approved_s,
                                null,
                                "",
                                "",
                                approved_s,
                                done_s,
                                done_s if channel == "sms" else null,
                                null,
                                null,
                            )
                        )
                identifier = "".join(rng.choices(HEX, k=16))
                severity = "Severe" if kind in ("fire", "disaster") else "Moderate"
                yield (
                    pk,
                    identifier,
                    kind,
                    severity,
                    kind == "fire",
                    headline,
                    text,
                    instruction,
                    null,
                    null,
                    null,
                    c.path[:2],
                    False,
                    "[]",
                    True,
                    False,
                    True,
                    null,
                    ts(created + datetime.timedelta(days=1)),
                    "sent",
                    True,
                    officer,
                    created_s,
                    leader,
                    approved_s,
                    "",
                    approved_s,
                    done_s,
                    null,
                    n,
                    done_s,
                )
                areas.add((ctx.take("alerts_alertarea"), pk, c.id, c.path))

    loader.write("alerts_alert", COLUMNS["alerts_alert"], rows(), bar)
    for spool in (areas, deliveries):
        spool.flush(ctx.progress(spool.table, spool.rows))


def any_value(value: Any) -> Any:
    return value
