"""CAP 1.2 and Atom feeds of public alerts: every CAP document the site produces is validated against the
official OASIS CAP 1.2 schema (binhyen/alerts/data/CAP-v1.2.xsd); the Atom feeds are checked against
RFC 4287's rules (there is no normative XML Schema for Atom)."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from tests.conftest import DUC_TRONG, HOAN_KIEM, LAM_DONG

lxml_etree = pytest.importorskip("lxml.etree")

pytestmark = pytest.mark.django_db

XSD = Path(__file__).resolve().parent.parent / "binhyen" / "alerts" / "data" / "CAP-v1.2.xsd"
CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"
ATOM = "{http://www.w3.org/2005/Atom}"
CAP_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$")


@pytest.fixture(scope="module")
def schema() -> Any:
    return lxml_etree.XMLSchema(lxml_etree.parse(str(XSD)))


@pytest.fixture(autouse=True)
def commit_at_once(monkeypatch: Any) -> None:
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture
def w(make_user: Any) -> dict[str, Any]:
    from binhyen.alerts import domain
    from binhyen.areas import domain as areas

    v1 = areas.create_village(areas.get_area(DUC_TRONG), areas.VillageInput("Thôn Đa Thọ", "thôn"))
    far = areas.create_village(areas.get_area(HOAN_KIEM), areas.VillageInput("Tổ dân phố 5", "tổ dân phố"))
    resident = make_user("resident", v1.code, username="dan")
    domain.subscribe(resident, domain.SubscriptionInput(area_codes=[v1.code], channels=["web"], consent=True))
    hanoi = make_user("resident", far.code, username="hanoi")
    domain.subscribe(hanoi, domain.SubscriptionInput(area_codes=[far.code], channels=["web"], consent=True))
    return {
        "v1": v1,
        "far": far,
        "officer": make_user("commune_officer", DUC_TRONG, username="congan"),
        "hanoi_officer": make_user("commune_officer", HOAN_KIEM, username="conganhn"),
    }


def send(user: Any, village: Any, **extra: Any) -> Any:
    from binhyen.alerts import domain

    data: dict[str, Any] = {
        "kind": "security",
        "severity": "Severe",
        "headline": "Trộm xe máy ở chợ",
        "text": "Hai đối tượng đi xe không biển số.",
        "expires_at": timezone.now() + datetime.timedelta(hours=3),
        "area_codes": [village.code],
    }
    data.update(extra)
    alert = domain.compose(user, domain.AlertInput(**data))
    alert.refresh_from_db()
    return alert


def valid(schema: Any, body: bytes) -> Any:
    doc = lxml_etree.fromstring(body)
    if not schema.validate(doc):
        raise AssertionError(f"not valid CAP 1.2: {schema.error_log}\n{body.decode()}")
    return doc


def text(doc: Any, path: str) -> str:
    return str(doc.findtext(path.replace("cap:", CAP)))


def test_the_vendored_schema_is_the_official_one() -> None:
    body = XSD.read_text()
    assert 'targetNamespace="urn:oasis:names:tc:emergency:cap:1.2"' in body
    assert "Copyright OASIS Open 2010" in body
    assert (XSD.parent / "README.md").exists()


def test_an_alert_is_a_valid_cap_document(client: Any, w: dict[str, Any], schema: Any) -> None:
    alert = send(
        w["officer"],
        w["v1"],
        instruction="Khoá xe & báo công an <ngay>.",
        urgent=True,
        latitude=11.7352,
        longitude=108.3741,
        radius_m=1500,
    )
    assert alert.status == "sent"
    r = client.get(f"/alerts/{alert.identifier}.xml")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/cap+xml")
    doc = valid(schema, r.content)
    assert doc.tag == f"{CAP}alert"
    assert text(doc, "cap:identifier") == alert.identifier
    assert text(doc, "cap:sender").startswith("binhyen@")
    assert CAP_TIME.match(text(doc, "cap:sent"))
    assert (text(doc, "cap:status"), text(doc, "cap:msgType"), text(doc, "cap:scope")) == (
        "Actual",
        "Alert",
        "Public",
    )
    info = doc.find(f"{CAP}info")
    assert text(info, "cap:language") == "vi-VN"
    assert text(info, "cap:category") == "Security"
    assert text(info, "cap:event") == "Sự cố an ninh, trật tự"
    assert text(info, "cap:urgency") == "Immediate"
    assert text(info, "cap:severity") == "Severe"
    assert text(info, "cap:certainty") == "Observed"
    assert CAP_TIME.match(text(info, "cap:expires"))
    assert text(info, "cap:senderName") == "Bình Yên · Xã Đức Trọng"
    assert text(info, "cap:headline") == "Trộm xe máy ở chợ"
    assert text(info, "cap:description") == "Hai đối tượng đi xe không biển số."
    assert text(info, "cap:instruction") == "Khoá xe & báo công an <ngay>."
    assert text(info, "cap:web").endswith(f"/alerts/{alert.identifier}/")
    area = info.find(f"{CAP}area")
    assert text(area, "cap:areaDesc").startswith("Thôn Đa Thọ, Xã Đức Trọng, Lâm Đồng; bán kính 1500 m")
    assert text(area, "cap:circle") == "11.735200,108.374100 1.5"
    geocode = area.find(f"{CAP}geocode")
    assert (text(geocode, "cap:valueName"), text(geocode, "cap:value")) == ("VN-ADMIN", w["v1"].code)
    # The public page it links to.
    page = client.get(urlsplit(text(info, "cap:web")).path)
    assert page.status_code == 200 and "Trộm xe máy ở chợ" in page.content.decode()


@pytest.mark.parametrize(
    ("kind", "category"),
    [
        ("security", "Security"),
        ("fire", "Fire"),
        ("missing", "Rescue"),
        ("disaster", "Env"),
        ("drill", "Safety"),
        ("other", "Safety"),
    ],
)
def test_every_kind_maps_to_a_cap_category(
    client: Any, w: dict[str, Any], schema: Any, kind: str, category: str
) -> None:
    alert = send(w["officer"], w["v1"], kind=kind, severity="Minor")
    doc = valid(schema, client.get(f"/alerts/{alert.identifier}.xml").content)
    assert text(doc, "cap:info/cap:category") == category
    assert text(doc, "cap:status") == ("Exercise" if kind == "drill" else "Actual")
    assert text(doc, "cap:info/cap:urgency") == "Expected"
    assert doc.find(f"{CAP}info/{CAP}area/{CAP}circle") is None


def test_a_cancelled_alert_is_a_cap_cancel_referring_to_the_original(
    client: Any, w: dict[str, Any], schema: Any
) -> None:
    from binhyen.alerts.models import Alert, AlertStatus

    alert = send(w["officer"], w["v1"])
    original = valid(schema, client.get(f"/alerts/{alert.identifier}.xml").content)
    Alert.objects.filter(pk=alert.pk).update(status=AlertStatus.CANCELLED)
    doc = valid(schema, client.get(f"/alerts/{alert.identifier}.xml").content)
    assert text(doc, "cap:msgType") == "Cancel"
    assert text(doc, "cap:identifier") != alert.identifier
    assert text(doc, "cap:references") == ",".join(
        [text(original, "cap:sender"), alert.identifier, text(original, "cap:sent")]
    )


def test_only_published_alerts_have_a_cap_document(client: Any, w: dict[str, Any]) -> None:
    from binhyen.alerts.models import Alert, AlertStatus

    private = send(w["officer"], w["v1"], public=False)
    assert client.get(f"/alerts/{private.identifier}.xml").status_code == 404
    assert client.get(f"/alerts/{private.identifier}/").status_code == 404
    pending = send(w["officer"], w["v1"], area_codes=[DUC_TRONG])
    assert pending.status == AlertStatus.PENDING
    assert client.get(f"/alerts/{pending.identifier}.xml").status_code == 404
    assert client.get("/alerts/khongco.xml").status_code == 404
    assert Alert.objects.count() == 2


def check_atom(body: bytes) -> Any:
    """RFC 4287: the feed and each entry have exactly one id (an absolute IRI), title and updated (a
    date-time); an author for the feed or every entry; entries have an alternate link or content; at most
    one alternate link per type and language; a self link."""
    feed = lxml_etree.fromstring(body)
    assert feed.tag == f"{ATOM}feed"

    def one(el: Any, tag: str) -> Any:
        found = el.findall(f"{ATOM}{tag}")
        assert len(found) == 1, (tag, len(found))
        return found[0]

    def date(el: Any) -> None:
        datetime.datetime.fromisoformat(el.text)
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$", el.text)

    for tag in ("id", "title"):
        assert one(feed, tag).text
    date(one(feed, "updated"))
    assert urlsplit(one(feed, "id").text).scheme in ("http", "https", "tag", "urn")
    feed_author = feed.find(f"{ATOM}author")
    assert feed.find(f"{ATOM}link[@rel='self']") is not None
    for entry in feed.findall(f"{ATOM}entry"):
        assert urlsplit(one(entry, "id").text).scheme in ("http", "https", "tag", "urn")
        assert one(entry, "title").text
        date(one(entry, "updated"))
        assert feed_author is not None or entry.find(f"{ATOM}author/{ATOM}name") is not None
        alternates = entry.findall(f"{ATOM}link[@rel='alternate']")
        assert alternates or entry.find(f"{ATOM}content") is not None
        kinds = [(a.get("type"), a.get("hreflang")) for a in alternates]
        assert len(kinds) == len(set(kinds))
        for link in entry.findall(f"{ATOM}link"):
            assert link.get("href")
    ids = [e.findtext(f"{ATOM}id") for e in feed.findall(f"{ATOM}entry")]
    assert len(ids) == len(set(ids))
    return feed


def test_the_cap_feed_of_a_province_links_valid_cap_documents(
    client: Any, w: dict[str, Any], schema: Any
) -> None:
    mine = [send(w["officer"], w["v1"], headline=f"Cảnh báo {i}") for i in range(3)]
    theirs = send(w["hanoi_officer"], w["far"], headline="Ở Hà Nội")
    send(w["officer"], w["v1"], headline="Không công khai", public=False)

    r = client.get(f"/alerts/cap.xml?province={LAM_DONG}")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/atom+xml")
    feed = check_atom(r.content)
    entries = feed.findall(f"{ATOM}entry")
    assert {e.findtext(f"{ATOM}title") for e in entries} == {a.headline for a in mine}
    for entry in entries:
        link = entry.find(f"{ATOM}link[@rel='alternate']")
        assert link.get("type") == "application/cap+xml"
        doc = valid(schema, client.get(urlsplit(link.get("href")).path).content)
        assert text(doc, "cap:info/cap:headline") == entry.findtext(f"{ATOM}title")

    everywhere = check_atom(client.get("/alerts/cap.xml").content)
    assert theirs.headline in {e.findtext(f"{ATOM}title") for e in everywhere.findall(f"{ATOM}entry")}
    assert client.get("/alerts/cap.xml?province=99").status_code == 404
    assert client.get(f"/alerts/cap.xml?province={DUC_TRONG}").status_code == 404  # a commune, not a province


def test_the_atom_feed_is_valid_and_links_the_public_pages(client: Any, w: dict[str, Any]) -> None:
    send(w["officer"], w["v1"], headline="Người lạ & xe <không biển>")
    empty = check_atom(client.get(f"/alerts/atom.xml?province={LAM_DONG}").content)
    assert empty.find(f"{ATOM}entry") is not None
    feed = check_atom(client.get("/alerts/atom.xml").content)
    entry = feed.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Người lạ & xe <không biển>"
    alternate = entry.find(f"{ATOM}link[@rel='alternate']")
    assert alternate.get("type") == "text/html"
    assert client.get(urlsplit(alternate.get("href")).path).status_code == 200
    assert entry.find(f"{ATOM}content").text.startswith("Hai đối tượng")
    # A feed with nothing in it is still a valid feed.
    check_atom(client.get("/alerts/atom.xml?province=01").content)
