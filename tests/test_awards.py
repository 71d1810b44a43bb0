"""Award proposals: validation, scoping, the approval flow and its permissions, counts, API, web pages,
import (rejected rows) and export."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest

from binhyen.areas import domain as areas
from binhyen.audit.models import AuditEvent
from binhyen.awards import domain, imports
from binhyen.awards.models import AwardProposal
from tests.conftest import DUC_TRONG, HIEP_THANH, HOAN_KIEM, LAM_DONG

pytestmark = pytest.mark.django_db

DECISION = domain.Decision("1234/QĐ-UBND", datetime.date(2022, 1, 10), "Chủ tịch UBND tỉnh Lâm Đồng")


def new(**kw: Any) -> domain.ProposalInput:
    base: dict[str, Any] = {
        "nominee_kind": "collective",
        "nominee_name": "Tổ bảo vệ ANTT thôn Phú Thạnh",
        "commune": DUC_TRONG,
        "award_kind": "province_merit",
        "year": 2021,
        "proposed_on": datetime.date(2021, 12, 15),
        "achievement": "Phát hiện, tố giác 3 vụ trộm cắp; tuần tra đêm suốt năm.",
    }
    base.update(kw)
    return domain.ProposalInput(**base)


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user("commune_officer", DUC_TRONG)


@pytest.fixture
def leader(make_user: Any) -> Any:
    return make_user("commune_leader", DUC_TRONG)


@pytest.fixture
def analyst(make_user: Any) -> Any:
    return make_user("province_analyst", LAM_DONG)


def login(client: Any, user: Any) -> None:
    client.force_login(user, backend="binhyen.accounts.backends.LockoutModelBackend")


@pytest.mark.parametrize(
    ("kw", "field", "words"),
    [
        ({"award_kind": "Huân chương Sao Vàng"}, "award_kind", "không có trong danh mục"),
        ({"award_kind": "medal_1"}, "award_kind", "chỉ đề nghị cho cá nhân"),
        ({"nominee_kind": "individual", "nominee_name": "Nguyễn Văn A", "award_kind": "emulation_flag"},
         "award_kind", "chỉ đề nghị cho tập thể"),
        ({"nominee_kind": "nhóm"}, "nominee_kind", "cá nhân hoặc tập thể"),
        ({"nominee_name": " "}, "nominee_name", "tên tập thể"),
        ({"achievement": "tốt"}, "achievement", "thành tích"),
        ({"year": 2099}, "year", "Năm thành tích"),
        ({"commune": HOAN_KIEM}, "", "quyền"),
    ],
)  # fmt: skip
def test_validation(officer: Any, kw: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(domain.AwardError) as e:
        domain.create_proposal(officer, new(**kw))
    assert e.value.field == field
    assert words in e.value.message
    assert not AwardProposal.objects.exists()


def test_flow_and_who_may_do_what(officer: Any, leader: Any, analyst: Any, make_user: Any) -> None:
    p = domain.create_proposal(officer, new(award_kind="Bằng khen UBND tỉnh"))
    assert (p.status, p.award_kind) == ("draft", "province_merit")
    with pytest.raises(domain.AwardConflict):
        domain.approve(leader, p)  # the leader may approve, but not a draft
    p = domain.submit(officer, p)
    with pytest.raises(domain.AwardConflict):
        domain.update_proposal(officer, p, new(nominee_name="Khác"))
    with pytest.raises(domain.AwardForbidden):
        domain.approve(officer, p)  # officers propose, leaders approve
    with pytest.raises(domain.AwardForbidden):
        domain.approve(analyst, p)
    with pytest.raises(domain.AwardForbidden):
        domain.approve(make_user("commune_leader", HIEP_THANH), p)
    p = domain.approve(leader, p)
    assert p.status == "approved" and p.approved_by == leader
    with pytest.raises(domain.AwardConflict):
        domain.submit(officer, p)
    with pytest.raises(domain.AwardForbidden):
        domain.decide(leader, p, DECISION)
    with pytest.raises(domain.AwardError) as e:
        domain.decide(analyst, p, domain.Decision("", DECISION.date, DECISION.authority))
    assert e.value.field == "decision_number"
    with pytest.raises(domain.AwardError) as e:
        domain.decide(analyst, p, domain.Decision("12/QĐ", datetime.date(2021, 1, 1), "UBND tỉnh"))
    assert e.value.field == "decision_date"
    p = domain.decide(analyst, p, DECISION)
    assert (p.status, p.decision_number, p.decided_by) == ("decided", "1234/QĐ-UBND", analyst)
    with pytest.raises(domain.AwardConflict):
        domain.reject(analyst, p, "Không đủ tiêu chuẩn")


def test_reject_at_approval_and_at_decision(officer: Any, leader: Any, analyst: Any) -> None:
    a = domain.submit(officer, domain.create_proposal(officer, new()))
    with pytest.raises(domain.AwardError) as e:
        domain.reject(leader, a, "")
    assert e.value.field == "reason"
    a = domain.reject(leader, a, "Thành tích chưa đủ tiêu chuẩn")
    assert (a.status, a.rejected_stage) == ("rejected", "submitted")
    b = domain.approve(leader, domain.submit(officer, domain.create_proposal(officer, new(year=2020))))
    with pytest.raises(domain.AwardForbidden):
        domain.reject(leader, b, "Đổi ý")  # after approval only the deciding level may reject
    b = domain.reject(analyst, b, "Đã khen thưởng cùng thành tích")
    assert (b.status, b.rejected_stage) == ("rejected", "approved")


def test_scoping(officer: Any, make_user: Any) -> None:
    other = make_user("commune_officer", HIEP_THANH)
    theirs = domain.create_proposal(other, new(commune=HIEP_THANH))
    with pytest.raises(domain.AwardNotFound):
        domain.get_proposal(officer, theirs.pk)
    with pytest.raises(domain.AwardForbidden):
        domain.update_proposal(officer, theirs, new(commune=HIEP_THANH))
    with pytest.raises(domain.AwardForbidden):
        domain.delete_proposal(officer, theirs)
    with pytest.raises(domain.AwardForbidden):
        domain.submit(officer, theirs)


def test_counts(officer: Any, leader: Any, analyst: Any) -> None:
    for i in range(3):
        p = domain.create_proposal(
            officer, new(nominee_kind="individual", nominee_name=f"Nguyễn Văn {i}", award_kind="medal_3")
        )
        if i < 2:
            domain.decide(analyst, domain.approve(leader, domain.submit(officer, p)), DECISION)
    domain.create_proposal(officer, new(award_kind="ministry_merit"))
    domain.create_proposal(officer, new(proposed_on=datetime.date(2020, 12, 1), year=2020))
    c = domain.counts(areas.get_area(LAM_DONG), datetime.date(2021, 1, 1), datetime.date(2021, 12, 31))
    by = {r.code: r for r in c.by_kind}
    assert (c.total, c.individuals, c.collectives, c.medals_decided) == (4, 3, 1, 2)
    assert by["medal_3"].by_status == {"draft": 1, "submitted": 0, "approved": 0, "decided": 2, "rejected": 0}
    assert (by["ministry_merit"].total, by["province_merit"].total) == (1, 0)
    assert c.by_status["decided"] == 2


def test_api_flow(client: Any, officer: Any, leader: Any, analyst: Any, api_token: Any) -> None:
    tokens = {u: {"HTTP_AUTHORIZATION": f"Bearer {api_token(u)}"} for u in (officer, leader, analyst)}
    body = {"nominee_kind": "individual", "nominee_name": "Trần Thị Bình", "commune": DUC_TRONG,
            "award_kind": "medal_2", "year": 2021, "proposed_on": "2021-12-01",
            "achievement": "Nhiều năm làm tổ trưởng tổ tự quản, vận động giao nộp vũ khí."}  # fmt: skip
    r = client.post("/api/v1/awards/proposals", body, content_type="application/json", **tokens[officer])
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    base = f"/api/v1/awards/proposals/{pid}"
    bad = {**body, "award_kind": "xyz"}
    r = client.post("/api/v1/awards/proposals", bad, content_type="application/json", **tokens[officer])
    assert r.status_code == 422 and "xyz" in r.json()["detail"]
    assert client.post(f"{base}/approve", **tokens[leader]).status_code == 409
    assert client.post(f"{base}/submit", **tokens[officer]).status_code == 200
    assert client.post(f"{base}/approve", **tokens[officer]).status_code == 403
    assert (
        client.patch(base, {"year": 2020}, content_type="application/json", **tokens[officer]).status_code
        == 409
    )
    assert client.post(f"{base}/approve", **tokens[leader]).json()["status"] == "approved"
    decision = {
        "decision_number": "88/QĐ-BCA",
        "decision_date": "2022-01-10",
        "issuing_authority": "Bộ Công an",
    }
    assert (
        client.post(f"{base}/decide", decision, content_type="application/json", **tokens[leader]).status_code
        == 403
    )
    r = client.post(f"{base}/decide", decision, content_type="application/json", **tokens[analyst])
    assert r.status_code == 200 and r.json()["status"] == "decided"
    r = client.get(f"{base}", **tokens[analyst])
    assert r.json()["nominee_name"] == "Trần Thị Bình"
    assert AuditEvent.objects.filter(action="read", object_type="awards.awardproposal").exists()
    r = client.get(f"/api/v1/awards/counts?area={DUC_TRONG}", **tokens[officer])
    assert r.json()["medals_decided"] == 1 and r.json()["by_status"]["decided"] == 1
    r = client.get(
        f"/api/v1/awards/proposals?area={DUC_TRONG}&status=decided&award_kind=medal_2", **tokens[officer]
    )
    assert r.json()["count"] == 1
    assert client.delete(base, **tokens[officer]).status_code == 409


def test_web_flow(client: Any, officer: Any, leader: Any, analyst: Any) -> None:
    login(client, officer)
    data = {"nominee_kind": "collective", "nominee_name": "Tổ tự quản số 3", "commune": DUC_TRONG,
            "award_kind": "commendation", "year": "2021", "proposed_on": "2021-12-01",
            "achievement": "Giữ vững an ninh trật tự, không có tội phạm trên địa bàn."}  # fmt: skip
    assert client.post("/khen-thuong/moi/", {**data, "award_kind": "medal_1"}).status_code == 422
    assert client.post("/khen-thuong/moi/", data).status_code == 302
    p = AwardProposal.objects.get()
    assert client.get(f"/khen-thuong/{p.pk}/sua/").status_code == 200
    assert client.post(f"/khen-thuong/{p.pk}/trinh/").status_code == 302
    assert client.get(f"/khen-thuong/{p.pk}/sua/").status_code == 302  # no longer a draft
    assert client.post(f"/khen-thuong/{p.pk}/duyet/").status_code == 403
    login(client, leader)
    assert client.post(f"/khen-thuong/{p.pk}/duyet/").status_code == 302
    login(client, analyst)
    decision = {"decision_number": "", "decision_date": "2022-01-10", "issuing_authority": "UBND xã"}
    r = client.post(f"/khen-thuong/{p.pk}/quyet-dinh/", decision)
    assert r.status_code == 422 and "số quyết định" in r.content.decode()
    r = client.post(f"/khen-thuong/{p.pk}/quyet-dinh/", {**decision, "decision_number": "15/QĐ-UBND"})
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.status == "decided"
    r = client.get(f"/khen-thuong/?area={DUC_TRONG}")
    assert r.status_code == 200 and "15/QĐ-UBND" in r.content.decode()


def _upload(text: str, name: str = "kt.csv") -> io.BytesIO:
    f = io.BytesIO(text.encode())
    f.name = name
    return f


def test_import_all_or_nothing_names_rejected_rows(client: Any, officer: Any) -> None:
    login(client, officer)
    header = "Đối tượng,Tên cá nhân tập thể,Hình thức khen thưởng,Năm thành tích,Thành tích\n"
    good = "Tập thể,Tổ tự quản số 1,Giấy khen,2021,Giữ vững an ninh trật tự cả năm.\n"
    text = (
        header + good
        + "Cá nhân,Nguyễn Văn B,Cờ thi đua,2021,Giữ vững an ninh trật tự cả năm.\n"
        + "Tập thể,Tổ 2,Huân chương Lao động,2021,Giữ vững an ninh trật tự cả năm.\n"
        + "Nhóm,Tổ 3,Giấy khen,2021,Giữ vững an ninh trật tự cả năm.\n"
        + "Tập thể,Tổ 4,Giấy khen,năm ngoái,Giữ vững an ninh trật tự cả năm.\n"
        + good
    )  # fmt: skip
    r = client.post(f"/khen-thuong/nhap/{DUC_TRONG}/", {"file": _upload(text)})
    assert r.status_code == 422
    assert "Huân chương Lao động" in r.content.decode()
    assert not AwardProposal.objects.exists()
    report = imports.import_proposals(
        officer, areas.get_area(DUC_TRONG), imports.read(text.encode(), "kt.csv")
    )
    assert sorted({e.row for e in report.errors}) == [3, 4, 5, 6, 7]
    assert client.post(f"/khen-thuong/nhap/{DUC_TRONG}/", {"file": _upload(header + good)}).status_code == 200
    p = AwardProposal.objects.get()
    assert (p.status, p.award_kind, p.nominee_kind) == ("draft", "commendation", "collective")
    assert client.post(f"/khen-thuong/nhap/{DUC_TRONG}/", {"file": _upload(header + good)}).status_code == 422
    assert client.post(f"/khen-thuong/nhap/{HIEP_THANH}/", {"file": _upload(text)}).status_code == 403
    assert client.get("/khen-thuong/mau-nhap.csv").status_code == 200
    template = imports.read(imports.template_csv().encode(), "mau.csv")
    assert imports.import_proposals(officer, areas.get_area(HIEP_THANH), template).errors  # not their commune


def test_export_xlsx(client: Any, officer: Any) -> None:
    from openpyxl import load_workbook

    domain.create_proposal(officer, new())
    login(client, officer)
    r = client.get(f"/khen-thuong/xuat.xlsx?area={DUC_TRONG}")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    rows = list(wb["Khen thưởng"].values)
    assert rows[1][7] == "Tổ bảo vệ ANTT thôn Phú Thạnh" and rows[1][9] == "Dự thảo"
    assert list(wb["Tổng hợp"].values)[-1][:3] == ("Tổng cộng", 1, 1)
    assert AuditEvent.objects.filter(action="export", object_type="awards.awardproposal").exists()


def test_pages_for_readers(client: Any, officer: Any, make_user: Any) -> None:
    p = domain.create_proposal(officer, new())
    analyst = make_user("province_analyst", LAM_DONG)
    login(client, analyst)
    r = client.get("/khen-thuong/")
    assert r.status_code == 200 and "Tổ bảo vệ ANTT thôn Phú Thạnh" in r.content.decode()
    assert client.get("/khen-thuong/?status=draft&award_kind=province_merit&year=2021").status_code == 200
    assert client.get("/khen-thuong/?year=abc").status_code == 200  # a bad filter is a message, not a 500
    assert client.get(f"/khen-thuong/{p.pk}/").status_code == 200
    assert client.get("/khen-thuong/moi/").status_code == 403
    login(client, officer)
    assert client.get(f"/khen-thuong/nhap/{DUC_TRONG}/").status_code == 200
    r = client.post(f"/khen-thuong/{p.pk}/tu-choi/", {"reason": "x"})
    assert r.status_code == 409  # a draft is not rejected: it is deleted or submitted
