"""Patrols in a real Chromium: a commune officer builds the roster on the team's week (a shift, two members),
swaps one of them, logs the patrol with a check-in and two findings, turns one finding into a tip (which
then waits in the commune's tip queue) and records the other as an incident; the hours page counts it all.
Every step is checked on the page and in the database."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest

from tests.conftest import DEMO_PASSWORD, DUC_TRONG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Only the live server answers, as on an office LAN.
OUTSIDE = re.compile(r"^https?://(?!127\.0\.0\.1|localhost)")

SUSPICIOUS = "Hai người lạ đi xe máy không biển số dừng lâu trước kho hàng hợp tác xã."
SUMMARY = "Đánh nhau trước quán nước đầu thôn Đa Thọ, 1 người bị thương nhẹ."
FIGHT = "Nhóm thanh niên đánh nhau trước quán nước đầu thôn, một người bị thương nhẹ ở tay."


def _setup(officer: Any) -> dict[str, Any]:
    """A team covering Thôn Đa Thọ with three members, entered by the commune officer."""
    from binhyen.areas import domain as areas
    from binhyen.organisations import domain as orgs

    village = areas.create_villages(areas.get_area(DUC_TRONG), [areas.VillageInput("Thôn Đa Thọ", "thôn")])[0]
    team = orgs.create_organisation(
        officer,
        orgs.OrganisationInput(
            type="to-bao-ve-antt",
            name="Tổ bảo vệ ANTT thôn Đa Thọ",
            commune=DUC_TRONG,
            villages=[village.code],
        ),
    )
    people = {}
    for key, name in (("an", "Nguyễn Văn An"), ("binh", "Trần Văn Bình"), ("cuong", "Lê Văn Cường")):
        person = orgs.find_or_create_person(
            officer, orgs.PersonInput(full_name=name, commune=DUC_TRONG, birth_date=datetime.date(1985, 1, 1))
        )
        orgs.add_membership(officer, team, person, orgs.MembershipInput(joined_on=datetime.date(2024, 1, 1)))
        people[key] = person
    return {"village": village, "team": team, **people}


def _number(text: str) -> float:
    return float(text.strip().replace(",", "."))  # Vietnamese pages write 8,0


def test_roster_swap_log_finding_to_tip_and_incident(
    live_server: Any, browser_page: Any, units: None, make_user: Any
) -> None:
    from django.utils import timezone

    from binhyen.incidents.models import Incident
    from binhyen.patrols.models import CheckIn, Finding, PatrolLog, Shift, ShiftAssignment
    from binhyen.tips.models import Channel, Tip

    w = _setup(make_user("commune_officer", DUC_TRONG, username="congan.ductrong", full_name="Lê Văn Công"))
    team, an, binh, cuong = w["team"], w["an"], w["binh"], w["cuong"]
    day = timezone.localdate() - datetime.timedelta(days=2)  # the patrol is over: it can be logged

    page = browser_page
    page.route(OUTSIDE, lambda route: route.abort())
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "congan.ductrong")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/$"))

    # The roster: a shift on the team's week calendar.
    page.goto(live_server.url + f"/tuan-tra/to/{team.pk}/?week={day.isoformat()}")
    page.fill("#id_date", day.isoformat())
    page.fill("#id_start", "19:00")
    page.fill("#id_end", "23:00")
    page.fill("#id_note", "Tuần tra khu chợ")
    page.locator("[data-testid=create-shift]").click()
    page.wait_for_url(re.compile(r"/tuan-tra/ca/\d+/$"))
    shift = Shift.objects.get(team=team)
    assert timezone.localtime(shift.starts_at).date() == day and shift.hours == 4.0
    assert shift.note == "Tuần tra khu chợ"

    # Two members on it.
    page.check(f"input[name=person][value='{an.pk}']")
    page.check(f"input[name=person][value='{binh.pk}']")
    page.locator("[data-testid=assign]").click()
    page.wait_for_selector(f"#on-duty li[data-person='{binh.pk}']")
    assert page.locator("#on-duty li").count() == 2
    assert {a.person_id for a in ShiftAssignment.objects.filter(shift=shift)} == {an.pk, binh.pk}

    # Cường takes over An's place.
    page.select_option("#id_out_person", str(an.pk))
    page.select_option("#id_in_person", str(cuong.pk))
    page.locator("[data-testid=swap]").click()
    page.wait_for_selector(f"#on-duty li[data-person='{cuong.pk}']")
    on_duty = page.locator("#on-duty").inner_text()
    assert "Lê Văn Cường" in on_duty and "Nguyễn Văn An" in on_duty  # "… (thay cho Nguyễn Văn An)"
    assert page.locator(f"#on-duty li[data-person='{an.pk}']").count() == 0
    old = ShiftAssignment.objects.get(shift=shift, person=an)
    new = ShiftAssignment.objects.get(shift=shift, person=cuong)
    assert old.replaced_at is not None and new.swapped_from_id == old.pk and new.replaced_at is None

    # The week shows who is on duty now.
    page.locator("[data-testid=back-to-week]").click()
    page.wait_for_url(re.compile(rf"/tuan-tra/to/{team.pk}/\?week="))
    cell = page.locator(f"#roster [data-shift='{shift.pk}']").inner_text()
    assert "Trần Văn Bình" in cell and "Lê Văn Cường" in cell and "Nguyễn Văn An" not in cell

    # Log the patrol of that shift.
    page.locator("[data-testid=log-patrol]").click()
    page.wait_for_url(re.compile(rf"/tuan-tra/to/{team.pk}/nhat-ky-moi/"))
    page.fill("#id_date", day.isoformat())
    page.fill("#id_start", "19:00")
    page.fill("#id_end", "22:30")
    page.select_option("#id_shift", str(shift.pk))
    page.fill("#id_route", "Chợ Đa Thọ – trường tiểu học – cầu treo")
    page.check(f"input[name=villages][value='{w['village'].code}']")
    page.select_option("#id_led_by", str(binh.pk))
    page.check(f"input[name=members][value='{cuong.pk}']")
    page.locator("[data-testid=save-log]").click()
    page.wait_for_url(re.compile(r"/tuan-tra/nhat-ky/\d+/$"))
    log = PatrolLog.objects.get(team=team)
    assert log.shift_id == shift.pk and log.led_by_id == binh.pk and log.hours == 3.5
    assert {p.pk for p in log.members.all()} == {binh.pk, cuong.pk}
    assert [v.code for v in log.villages.all()] == [w["village"].code]
    assert "Chợ Đa Thọ – trường tiểu học – cầu treo" in page.locator("main").inner_text()

    # A check-in with a GPS point.
    page.fill("#id_at", "20:15")
    page.fill("#id_latitude", "11.7352")
    page.fill("#id_longitude", "108.3731")
    page.fill("#id_ci_note", "Cổng chợ")
    page.locator("[data-testid=check-in]").click()
    page.wait_for_selector("#check-ins li")
    check_ins = page.locator("#check-ins").inner_text()
    assert "20:15" in check_ins and "11.7352" in check_ins.replace(",", ".") and "Cổng chợ" in check_ins
    check_in = CheckIn.objects.get(log=log)
    assert timezone.localtime(check_in.at).strftime("%H:%M") == "20:15"
    assert (check_in.latitude, check_in.longitude) == (11.7352, 108.3731)

    # Two findings.
    for kind, text in (("suspicious", SUSPICIOUS), ("disturbance", FIGHT)):
        page.select_option("#id_kind", kind)
        page.fill("#id_text", text)
        page.locator("[data-testid=add-finding]").click()
        page.locator("article.finding", has_text=text).wait_for()
    suspicious = Finding.objects.get(log=log, kind="suspicious")
    fight = Finding.objects.get(log=log, kind="disturbance")
    assert suspicious.text == SUSPICIOUS and fight.text == FIGHT

    # The first finding becomes a tip in one step.
    tip_form = page.locator(f"#finding-{suspicious.pk} [data-testid=to-tip]")
    tip_form.locator("select").select_option("trom-cap")
    tip_form.locator("button").click()
    page.wait_for_selector(f"#finding-{suspicious.pk} [data-testid=became-tip]")
    assert page.locator(f"#finding-{suspicious.pk} [data-testid=to-tip]").count() == 0
    tip = Tip.objects.get()
    suspicious.refresh_from_db()
    assert suspicious.became_tip_id == tip.pk
    assert tip.description == SUSPICIOUS and tip.category.code == "trom-cap"
    assert tip.channel == Channel.IN_PERSON and tip.commune.code == DUC_TRONG
    assert tip.village_id == w["village"].pk

    # The second is recorded as an incident, with a summary written by the officer.
    incident_form = page.locator(f"#finding-{fight.pk} [data-testid=to-incident]")
    assert incident_form.locator("textarea").input_value() == FIGHT  # starts from the finding's text
    incident_form.locator("select").select_option("danh-nhau")
    incident_form.locator("textarea").fill(SUMMARY)
    incident_form.locator("button").click()
    link = page.locator(f"#finding-{fight.pk} [data-testid=became-incident] a")
    link.wait_for()
    incident = Incident.objects.get()
    fight.refresh_from_db()
    assert fight.became_incident_id == incident.pk and fight.became_tip_id is None
    assert incident.category.code == "danh-nhau" and incident.village_id == w["village"].pk
    assert incident.summary == SUMMARY
    assert incident.occurred_at == log.ended_at and incident.source_tip_id is None
    # The first finding keeps its own forms: it can still become an incident, but only that one.
    assert page.locator(f"#finding-{suspicious.pk} [data-testid=to-incident]").count() == 1
    assert page.locator(f"#finding-{fight.pk} [data-testid=to-incident]").count() == 0

    link.click()
    page.wait_for_url(re.compile(rf"/incidents/{incident.pk}/$"))
    assert page.locator(".summary-text").inner_text().strip() == SUMMARY

    # The tip waits in the commune's queue, with the finding's text.
    page.goto(live_server.url + "/tips/")
    row = page.locator(f"tr[data-tip='{tip.tracking_code}']")
    row.wait_for()
    assert "Thôn Đa Thọ" in row.inner_text()
    row.locator("a").first.click()
    page.wait_for_url(re.compile(rf"/tips/{tip.pk}/$"))
    assert SUSPICIOUS in page.locator("[data-testid=description]").inner_text()

    # Hours: 4 h booked for Bình and Cường each (An swapped out), 3.5 h patrolled by both.
    page.goto(live_server.url + f"/tuan-tra/gio/?team={team.pk}&from={day.isoformat()}&to={day.isoformat()}")
    section = page.locator(f"section[data-team='{team.pk}']")
    section.wait_for()
    for person, rostered, patrolled in ((binh, 4.0, 3.5), (cuong, 4.0, 3.5)):
        cells = section.locator(f"tr[data-person='{person.pk}'] td").all_inner_texts()
        assert (_number(cells[2]), _number(cells[4])) == (rostered, patrolled), cells
    assert section.locator(f"tr[data-person='{an.pk}']").count() == 0
