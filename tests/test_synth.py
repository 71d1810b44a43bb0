"""`binhyen generate`: commune scale end to end, determinism, refusal, --force, validity of the rows."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.conftest import DUC_TRONG, HIEP_THANH

pytestmark = pytest.mark.django_db

LAST_DAY = datetime.date(2025, 12, 31)


def generate(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("generate", "--scale", "commune", "--commune", DUC_TRONG, *args, verbosity=0, stdout=out)
    return out.getvalue()


def digest() -> str:
    """Everything generate wrote, ids made relative to the run's first id, personal data decrypted."""
    from binhyen.core import crypto
    from binhyen.synth import rows
    from binhyen.synth.models import SynthRun

    run = SynthRun.objects.get()
    h = hashlib.sha256()
    encrypted = {"contact_name_enc", "contact_phone_enc", "name_enc", "phone_enc", "email_enc",
                 "phone_encrypted"}  # fmt: skip
    with connection.cursor() as c:
        for table, (low, high) in sorted(run.ranges.items()):
            columns = rows.COLUMNS[table]
            c.execute(
                f'SELECT {", ".join(columns)} FROM "{table}" WHERE id BETWEEN %s AND %s ORDER BY id',
                [low, high],
            )
            for row in c.fetchall():
                values = [
                    crypto.decrypt(v) if col in encrypted else str(v - low) if col == "id" else str(v)
                    for col, v in zip(columns, row, strict=True)
                    if col != "username" and col != "password"
                ]
                h.update(repr((table, values)).encode())
    return h.hexdigest()


def test_columns_cover_every_field() -> None:
    """Every column of every table generate writes is filled (none left to a default it cannot see)."""
    from django.apps import apps

    from binhyen.synth import rows

    by_table = {m._meta.db_table: m for m in apps.get_models(include_auto_created=True)}
    for table, columns in rows.COLUMNS.items():
        model = by_table[table]
        assert sorted(columns) == sorted(f.column for f in model._meta.concrete_fields), table


def test_commune_end_to_end_and_valid() -> None:
    from binhyen.areas.models import Area
    from binhyen.audit.models import AuditEvent
    from binhyen.cameras.models import Camera
    from binhyen.core.text import fold
    from binhyen.incidents.models import Incident
    from binhyen.organisations.models import Membership, Organisation, Person
    from binhyen.schemes.models import Scheme
    from binhyen.stats import query
    from binhyen.synth.models import SynthRun
    from binhyen.tips import search
    from binhyen.tips.domain import _search_text
    from binhyen.tips.models import Reporter, Tip, TipEvent

    audit_before = AuditEvent.objects.count()
    out = generate()
    assert "incidents_incident" in out
    run = SynthRun.objects.get()
    commune = Area.objects.get(code=DUC_TRONG)
    # Never degenerate: a few villages, dozens of tips, hundreds of incidents.
    assert commune.village_count == Area.objects.filter(parent=commune).count() >= 4
    assert Tip.objects.count() >= 40 and Incident.objects.count() >= 300 and Camera.objects.count() >= 40
    assert Organisation.objects.exists() and Membership.objects.exists() and Scheme.objects.exists()
    assert run.counts["incidents_incident"] == Incident.objects.count()
    # One audit event for the run, not one per row.
    assert AuditEvent.objects.count() == audit_before + 1

    # Denormalised columns as the domain code fills them.
    for incident in Incident.objects.select_related("category", "village", "commune")[:200]:
        place = incident.village or incident.commune
        assert incident.area_path == place.path
        parts = [incident.category.name, incident.summary, incident.address]
        if incident.village:
            parts.append(incident.village.name)
        assert incident.search_text == fold(" ".join(p for p in parts if p))
    for tip in Tip.objects.select_related("category", "village")[:200]:
        assert tip.search_text == _search_text(tip, tip.category)
        assert tip.area_path == (tip.village or tip.commune).path
        assert TipEvent.objects.filter(tip=tip, kind="received", public=True).exists()
    for org in Organisation.objects.select_related("commune")[:50]:
        assert org.area_path == org.commune.path and org.search_text == fold(org.name)
    for person in Person.objects.select_related("village", "commune")[:50]:
        assert person.search_text == fold(person.full_name)
        assert person.area_path == (person.village or person.commune).path
    reporter = Reporter.objects.select_related("tip").first()
    assert reporter is not None and reporter.tip.anonymous is False
    from binhyen.core import crypto

    assert crypto.decrypt(reporter.name_enc).count(" ") >= 2

    # Search by unaccented text finds a tip (FTS5 on SQLite, pg_trgm LIKE on PostgreSQL).
    tip = Tip.objects.exclude(address="").first()
    assert tip is not None
    words = fold(tip.address)
    assert tip in search.search(Tip.objects.all(), words)
    assert search.search(Tip.objects.all(), tip.tracking_code).get() == tip

    # Statistics after the rebuild equal counts of the records.
    first, last = run.first_day, run.last_day
    figures = query.values(["incidents", "incidents_cleared", "tips", "cameras"], commune.path, first, last)
    assert figures["incidents"] == Incident.objects.count()
    assert figures["incidents_cleared"] == Incident.objects.filter(cleared=True).count()
    assert figures["tips"] == Tip.objects.count()
    year = query.value("incidents", "", datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    assert 0 < year < Incident.objects.count()


def test_pages_and_api_on_generated_commune(client: Any, make_user: Any) -> None:
    from binhyen.tips.models import Tip

    generate("--no-rollups")
    officer = make_user("commune_officer", DUC_TRONG)
    client.force_login(officer, backend="binhyen.accounts.backends.LockoutModelBackend")
    tip = Tip.objects.order_by("-received_at").first()
    assert tip is not None
    r = client.get("/tips/")
    assert r.status_code == 200
    assert client.get(f"/tips/{tip.pk}/").status_code == 200
    r = client.get("/incidents/")
    assert r.status_code == 200
    assert client.get("/camera/").status_code == 200
    assert client.get("/to-chuc/").status_code == 200
    assert client.get("/mo-hinh/").status_code == 200
    assert client.get(f"/theo-doi/{tip.tracking_code}/").status_code == 200


def test_same_seed_same_records_other_seed_differs() -> None:
    generate("--no-rollups")
    first = digest()
    # The same generation again: nothing to do, and nothing changes.
    assert "nothing to do" in generate("--no-rollups") or "không" in generate("--no-rollups").lower()
    assert digest() == first
    generate("--no-rollups", "--force")
    assert digest() == first
    generate("--no-rollups", "--force", "--seed", "2")
    assert digest() != first


def test_refuses_real_data_and_says_why(make_user: Any) -> None:
    from binhyen.areas.models import Area
    from binhyen.incidents.models import CrimeCategory, Incident
    from binhyen.synth.models import SynthRun

    make_user("commune_officer", DUC_TRONG)
    commune = Area.objects.get(code=HIEP_THANH)
    Incident.objects.create(category=CrimeCategory.objects.first(), commune=commune, summary="Vụ việc thật",
                            occurred_at=datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC))  # fmt: skip
    with pytest.raises(CommandError) as e:
        generate("--no-rollups")
    message = str(e.value)
    assert "--force" in message and "1" in message
    assert not SynthRun.objects.exists() and Incident.objects.count() == 1

    # --force generates next to them, and a second --force replaces only its own rows.
    generate("--no-rollups", "--force")
    n = Incident.objects.count()
    assert n > 1
    generate("--no-rollups", "--force", "--seed", "3")
    assert Incident.objects.filter(summary="Vụ việc thật").count() == 1
    assert SynthRun.objects.count() == 1


def test_other_generation_refused_without_force() -> None:
    generate("--no-rollups")
    with pytest.raises(CommandError) as e:
        generate("--no-rollups", "--seed", "5")
    assert "--force" in str(e.value)


def test_fast_fernet_tokens_decrypt_as_core_crypto() -> None:
    """synth.fernet writes Fernet tokens that core.crypto (and cryptography's Fernet) read back."""
    from cryptography.fernet import Fernet
    from django.conf import settings

    from binhyen.core import crypto
    from binhyen.synth.fernet import Encryptor

    encrypt = Encryptor()
    reference = Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode())
    values = ["", "x", "0912345678", "a" * 15, "a" * 16, "Nguyễn Thị Hồng Nhung", "an.nguyen12345@example.vn"]
    for value in values:
        token = encrypt(value)
        assert crypto.decrypt(token) == value
        if value:
            assert reference.decrypt(token.encode()).decode() == value
            assert token != encrypt(value)  # a fresh IV each time
