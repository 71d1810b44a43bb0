"""Period data sets: definitions, validation rules, the entry → submit → approve / return flow,
completeness and timeliness, statistics from approved values, and the pages."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import DUC_TRONG, HIEP_THANH, HOAN_KIEM, LAM_DONG

pytestmark = pytest.mark.django_db

MONTH = "2025P03"  # police month 15/02/2025 – 14/03/2025
QUARTER = "2025PQ1"


def _ds(code: str = "antq_thang") -> Any:
    from binhyen.datasets import domain

    return domain.get_dataset(code)


def _area(code: str) -> Any:
    from binhyen.areas.models import Area

    return Area.objects.select_related("parent").get(code=code)


def _period(period_id: str = MONTH, code: str = "antq_thang") -> Any:
    from binhyen.datasets import domain

    return domain.get_period(_ds(code), period_id)


GOOD = {
    "plans_issued": "3",
    "steering_meetings": "1",
    "mass_tips_received": "12",
    "mass_tips_valuable": "7",
    "offenders_assigned": "2",
    "offenders_progressed": "1",
}


def _fill(user: Any, area: str = DUC_TRONG, period: str = MONTH, values: dict[str, str] | None = None) -> Any:
    from binhyen.datasets import domain

    return domain.submit_form(user, _ds(), _area(area), _period(period), values or GOOD)


# --- definitions --------------------------------------------------------------------------------------


def test_seeded_data_sets() -> None:
    from binhyen.datasets import domain

    monthly = _ds()
    assert monthly.period_kind == "police_month" and monthly.level == 2
    assert [e.code for e in domain.elements_of(monthly)] == list(GOOD)
    assert {r.left for r in domain.rules_of(monthly)} == {"mass_tips_valuable", "offenders_progressed"}
    half = _ds("antq_so_ket")
    assert half.level == 1 and half.period_kind == "police_half_year"
    assert "safe_communes_pct" in [e.code for e in domain.elements_of(half)]


def test_expressions() -> None:
    from binhyen.datasets import domain

    tree = domain.parse_expression("(a + b) * 2 - c / 4")
    assert domain.expression_codes(tree) == {"a", "b", "c"}
    values = {"a": Decimal(1), "b": Decimal(2), "c": Decimal(8)}
    assert domain.evaluate(tree, values) == Decimal(4)
    assert domain.evaluate(domain.parse_expression("-a + 3"), values) == Decimal(2)
    assert domain.evaluate(domain.parse_expression("a / (b - 2)"), values) is None  # division by zero
    assert domain.evaluate(tree, {"a": Decimal(1)}) is None  # a missing value skips the rule
    for bad in ("", "a +", "(a + b", "a b", "a % b", "a )"):
        with pytest.raises(domain.DataSetError):
            domain.parse_expression(bad)


def test_rule_definitions_are_checked() -> None:
    from binhyen.datasets import domain

    domain.check_rule("mass_tips_valuable", "<=", "mass_tips_received", "Sai.")
    with pytest.raises(domain.DataSetError, match="không có: khong_co"):
        domain.check_rule("khong_co", "<=", "mass_tips_received", "Sai.")
    with pytest.raises(domain.DataSetError) as e:
        domain.check_rule("plans_issued", "=<", "1", "Sai.")
    assert e.value.field == "operator"
    with pytest.raises(domain.DataSetError) as e:
        domain.check_rule("plans_issued", "<=", "1", "  ")
    assert e.value.field == "message"


def test_broken_rules_use_the_rule_message() -> None:
    from binhyen.datasets import domain

    rules = domain.rules_of(_ds())
    broken = domain.broken_rules(rules, {"mass_tips_received": Decimal(3), "mass_tips_valuable": Decimal(5)})
    assert [b.message for b in broken] == [
        "Số tin có giá trị không thể nhiều hơn số tin quần chúng cung cấp."
    ]
    assert domain.broken_rules(rules, {"mass_tips_valuable": Decimal(5)}) == []  # skipped: a value missing


def test_element_codes() -> None:
    from binhyen.datasets import domain
    from binhyen.datasets.models import DataElement

    assert domain.check_element_code("new_code_1") == "new_code_1"
    for bad in ("1abc", "mã", "a-b", "x" * 49):
        with pytest.raises(domain.DataSetError):
            domain.check_element_code(bad)
    with pytest.raises(domain.DataSetError, match="chỉ tiêu thống kê"):
        domain.check_element_code("dataset_value")  # an indicator's code
    element = DataElement.objects.get(code="plans_issued")
    assert domain.check_element_code("plans_issued_2", element) == "plans_issued_2"  # no values yet


def test_an_element_is_in_one_data_set_per_level_and_period_kind() -> None:
    from binhyen.datasets import domain
    from binhyen.datasets.models import DataElement, DataSet

    other = DataSet.objects.create(code="khac", name="Biểu khác", period_kind="police_month", level=2)
    with pytest.raises(domain.DataSetError, match="nhập hai lần"):
        domain.check_membership(other, DataElement.objects.get(code="plans_issued"))
    yearly = DataSet.objects.create(code="nam", name="Biểu năm", period_kind="police_year", level=2)
    domain.check_membership(yearly, DataElement.objects.get(code="plans_issued"))


# --- values -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value_type", "text", "expected"),
    [
        ("integer", "12", Decimal(12)),
        ("integer", " 1.234 ", Decimal(1234)),
        ("integer", "1,234,567", Decimal(1234567)),
        ("number", "12,5", Decimal("12.5")),
        ("number", "12.5", Decimal("12.5")),
        ("number", "1.234,5", Decimal("1234.5")),
        ("number", "1.234.567", Decimal(1234567)),
        ("percentage", "94,8", Decimal("94.8")),
        ("integer", "", None),
    ],
)
def test_values_as_people_type_them(value_type: str, text: str, expected: Decimal | None) -> None:
    from binhyen.datasets import domain
    from binhyen.datasets.models import DataElement

    element = DataElement(code="x", name="X", value_type=value_type)
    assert domain.parse_value(element, text) == expected


@pytest.mark.parametrize(
    ("value_type", "text", "message"),
    [
        ("integer", "abc", "không phải là số nguyên"),
        ("integer", "12,5", "phải là số nguyên"),
        ("integer", "-3", "không được là số âm"),
        ("percentage", "101", "từ 0 đến 100"),
        ("number", "1,2345", "tối đa 3 chữ số"),
        ("integer", "2000000000", "quá lớn"),
    ],
)
def test_bad_values_are_refused_clearly(value_type: str, text: str, message: str) -> None:
    from binhyen.datasets import domain
    from binhyen.datasets.models import DataElement

    element = DataElement(code="x", name="X", value_type=value_type)
    with pytest.raises(domain.DataSetError, match=message) as e:
        domain.parse_value(element, text)
    assert e.value.field == "x"


def test_strict_values_for_the_exchange() -> None:
    from binhyen.datasets import domain
    from binhyen.datasets.models import DataElement

    element = DataElement(code="x", name="X", value_type="number")
    assert domain.parse_value(element, "1234.5", strict=True) == Decimal("1234.5")
    assert domain.parse_value(element, 7, strict=True) == Decimal(7)
    for bad in ("1.234,5", "12,5", "1e3", True):
        with pytest.raises(domain.DataSetError):
            domain.parse_value(element, bad, strict=True)
    assert domain.format_value(Decimal("12.500")) == "12.5"
    assert domain.format_value(Decimal("3.000")) == "3"


# --- periods and units --------------------------------------------------------------------------------


def test_periods_must_be_of_the_data_set_kind_and_started() -> None:
    from binhyen.datasets import domain

    monthly = _ds()
    assert domain.get_period(monthly, "2025P03").start == datetime.date(2025, 2, 15)
    with pytest.raises(domain.DataSetError, match="không thuộc loại đó"):
        domain.get_period(monthly, "202503")
    with pytest.raises(domain.DataSetError, match="chưa bắt đầu"):
        domain.get_period(monthly, "2099P01")
    with pytest.raises(domain.DataSetError):
        domain.get_period(monthly, "2025P13")
    assert domain.due_date(monthly, domain.get_period(monthly, MONTH)) == datetime.date(2025, 3, 19)


def test_level_is_checked() -> None:
    from binhyen.datasets import domain

    with pytest.raises(domain.DataSetError, match="cấp xã"):
        domain.check_level(_ds(), _area(LAM_DONG))


# --- the flow -----------------------------------------------------------------------------------------


def test_draft_keeps_everything_typed(make_user: Any) -> None:
    from binhyen.datasets import domain
    from binhyen.datasets.models import DataValue

    officer = make_user("commune_officer", DUC_TRONG)
    typed = {**GOOD, "plans_issued": "ba", "mass_tips_valuable": "20"}
    form = domain.save_form(officer, _ds(), _area(DUC_TRONG), _period(), typed)
    assert form.status == "draft"
    assert form.draft == {"plans_issued": "ba"}
    assert "không phải là số nguyên" in form.errors["plans_issued"]
    assert form.text("plans_issued") == "ba" and form.text("mass_tips_valuable") == "20"
    assert form.rule_errors == ["Số tin có giá trị không thể nhiều hơn số tin quần chúng cung cấp."]
    assert DataValue.objects.filter(area__code=DUC_TRONG).count() == 5  # the valid ones
    # Submitting is refused with every reason; nothing typed is lost.
    with pytest.raises(domain.FormRefused) as e:
        domain.submit_form(officer, _ds(), _area(DUC_TRONG), _period())
    assert "Số tin có giá trị không thể nhiều hơn" in e.value.message
    assert "không phải là số nguyên" in e.value.message
    again = domain.open_form(officer, _ds(), _area(DUC_TRONG), _period())
    assert again.status == "draft" and again.text("plans_issued") == "ba"
    # Corrected: the draft text goes, the form is submitted.
    form = domain.submit_form(
        officer, _ds(), _area(DUC_TRONG), _period(), {"plans_issued": "3", "mass_tips_valuable": "7"}
    )
    assert form.status == "submitted" and form.draft == {}
    assert form.submission.first_submitted_at is not None


def test_submit_needs_every_element(make_user: Any) -> None:
    from binhyen.datasets import domain

    officer = make_user("commune_officer", DUC_TRONG)
    with pytest.raises(domain.FormRefused, match="Chưa nhập 5 chỉ tiêu"):
        domain.submit_form(officer, _ds(), _area(DUC_TRONG), _period(), {"plans_issued": "0"})


def test_empty_value_removes_it(make_user: Any) -> None:
    from binhyen.datasets import domain

    officer = make_user("commune_officer", DUC_TRONG)
    domain.save_form(officer, _ds(), _area(DUC_TRONG), _period(), {"plans_issued": "4"})
    form = domain.save_form(officer, _ds(), _area(DUC_TRONG), _period(), {"plans_issued": ""})
    assert "plans_issued" not in form.values


def test_unknown_element_in_form(make_user: Any) -> None:
    from binhyen.datasets import domain

    officer = make_user("commune_officer", DUC_TRONG)
    with pytest.raises(domain.DataSetError, match="không có chỉ tiêu"):
        domain.save_form(officer, _ds(), _area(DUC_TRONG), _period(), {"khong_co": "1"})


def test_only_enterers_of_the_area(make_user: Any) -> None:
    from binhyen.datasets import domain

    for user in (
        make_user("commune_officer", HOAN_KIEM),
        make_user("province_analyst", LAM_DONG),
        make_user("group_leader", DUC_TRONG),
    ):
        with pytest.raises(domain.DataSetForbidden):
            domain.save_form(user, _ds(), _area(DUC_TRONG), _period(), GOOD)


def test_approval_by_the_level_above(make_user: Any) -> None:
    from binhyen.datasets import domain
    from binhyen.datasets.models import DataValue

    officer = make_user("commune_officer", DUC_TRONG)
    leader = make_user("commune_leader", DUC_TRONG)
    analyst = make_user("province_analyst", LAM_DONG)
    form = _fill(officer)
    sub = form.submission
    # Locked while it waits.
    with pytest.raises(domain.DataSetError) as e:
        domain.save_form(officer, _ds(), _area(DUC_TRONG), _period(), {"plans_issued": "9"})
    assert e.value.status == 409
    # The commune does not approve its own figures.
    with pytest.raises(domain.DataSetForbidden):
        domain.approve(leader, sub)
    with pytest.raises(domain.DataSetForbidden):
        domain.approve(make_user("province_analyst", "01"), sub)
    domain.approve(analyst, sub)
    assert set(DataValue.objects.filter(submission=sub).values_list("approved", flat=True)) == {True}
    with pytest.raises(domain.DataSetError) as e:
        domain.approve(analyst, sub)
    assert e.value.status == 409
    # Returned with a reason: editable again, stops counting.
    with pytest.raises(domain.DataSetError, match="lý do"):
        domain.return_submission(analyst, sub, "  ")
    sub = domain.return_submission(analyst, sub, "Số tin có giá trị chưa khớp sổ theo dõi.")
    assert sub.status == "returned" and sub.return_reason.startswith("Số tin")
    assert set(DataValue.objects.filter(submission=sub).values_list("approved", flat=True)) == {False}
    first = sub.first_submitted_at
    form = _fill(officer, values={"mass_tips_valuable": "6"})
    assert form.status == "submitted" and form.submission.first_submitted_at == first
    actions = list(form.submission.events.values_list("action", flat=True))
    assert actions == ["saved", "submitted", "approved", "returned", "saved", "submitted"]


def test_province_data_sets_are_approved_nationally(make_user: Any) -> None:
    from binhyen.datasets import domain

    admin = make_user("admin")
    analyst = make_user("province_analyst", LAM_DONG)
    values = {"safe_communes_pct": "94,8", "exemplary_communes_pct": "20", "models_reviewed": "51",
              "models_retired": "3", "worker_housing_self_managed": "37"}  # fmt: skip
    ds = _ds("antq_so_ket")
    period = domain.get_period(ds, "2025PS1")
    with pytest.raises(domain.DataSetForbidden):  # entering needs ENTER_DATA over the province
        domain.save_form(analyst, ds, _area(LAM_DONG), period, values)
    form = domain.submit_form(admin, ds, _area(LAM_DONG), period, values)
    with pytest.raises(domain.DataSetForbidden):
        domain.approve(analyst, form.submission)
    assert domain.approve(admin, form.submission).status == "approved"


def test_awaiting_approval(make_user: Any) -> None:
    from binhyen.datasets import domain

    officer = make_user("commune_officer", DUC_TRONG)
    _fill(officer)
    analyst = make_user("province_analyst", LAM_DONG)
    assert [s.area.code for s in domain.awaiting_approval(analyst)] == [DUC_TRONG]
    assert domain.awaiting_approval(make_user("commune_leader", DUC_TRONG)) == []
    assert domain.awaiting_approval(make_user("province_analyst", "01")) == []
    assert len(domain.awaiting_approval(make_user("admin"))) == 1


# --- completeness and timeliness ----------------------------------------------------------------------


def test_completeness_and_timeliness(make_user: Any) -> None:
    from binhyen.areas.models import Area
    from binhyen.datasets import domain
    from binhyen.datasets.models import Submission

    _fill(make_user("commune_officer", DUC_TRONG))
    _fill(make_user("commune_officer", HIEP_THANH), HIEP_THANH)
    draft_only = make_user("commune_officer", "24976")
    domain.save_form(draft_only, _ds(), _area("24976"), _period(), {"plans_issued": "1"})
    tz = timezone.get_current_timezone()
    Submission.objects.filter(area__code=DUC_TRONG).update(
        first_submitted_at=datetime.datetime(2025, 3, 19, 23, 0, tzinfo=tz)  # the due date: on time
    )
    Submission.objects.filter(area__code=HIEP_THANH).update(
        first_submitted_at=datetime.datetime(2025, 3, 20, 8, 0, tzinfo=tz)  # a day late
    )
    communes = Area.objects.within(_area(LAM_DONG)).filter(level=2).count()
    result = domain.completeness(_ds(), _area(LAM_DONG), _period())
    assert result.single_units and result.expected == communes == len(result.rows)
    assert (result.submitted, result.on_time, result.approved) == (2, 1, 0)
    assert result.completeness == pytest.approx(200 / communes)
    statuses = {r.area.code: (r.submission.status if r.submission else None) for r in result.rows}
    assert statuses[DUC_TRONG] == "submitted" and statuses["24976"] == "draft"
    # The nation: one row per province.
    nation = domain.completeness(_ds(), None, _period())
    assert not nation.single_units and nation.expected == Area.objects.filter(level=2).count()
    lam_dong = next(r for r in nation.rows if r.area.code == LAM_DONG)
    assert (lam_dong.expected, lam_dong.submitted, lam_dong.on_time) == (communes, 2, 1)
    trend = domain.completeness_trend(_ds(), _area(LAM_DONG), _period(), 3)
    assert [t.period.id for t in trend] == ["2025P01", "2025P02", "2025P03"]
    assert (trend[-1].submitted, trend[-1].on_time, trend[0].submitted) == (2, 1, 0)


def test_a_return_does_not_make_a_report_late(make_user: Any) -> None:
    from binhyen.datasets import domain
    from binhyen.datasets.models import Submission

    officer = make_user("commune_officer", DUC_TRONG)
    analyst = make_user("province_analyst", LAM_DONG)
    sub = _fill(officer).submission
    Submission.objects.filter(pk=sub.pk).update(
        first_submitted_at=datetime.datetime(2025, 3, 16, tzinfo=timezone.get_current_timezone())
    )
    sub.refresh_from_db()
    domain.return_submission(analyst, sub, "Thiếu số liệu.")
    _fill(officer)  # resubmitted today, long after the due date
    result = domain.completeness(_ds(), _area(DUC_TRONG), _period())
    assert (result.expected, result.submitted, result.on_time) == (1, 1, 1)


# --- statistics ---------------------------------------------------------------------------------------


def test_approved_values_become_statistics(make_user: Any) -> None:
    from binhyen.datasets import domain
    from binhyen.stats import rollup

    analyst = make_user("province_analyst", LAM_DONG)
    a = _fill(make_user("commune_officer", DUC_TRONG)).submission
    b = _fill(
        make_user("commune_officer", HIEP_THANH), HIEP_THANH, values={**GOOD, "plans_issued": "5"}
    ).submission
    start, end = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
    province = _area(LAM_DONG).path
    rollup.run()
    assert domain.element_value("plans_issued", province, start, end) == 0  # submitted is not official
    domain.approve(analyst, a)
    domain.approve(analyst, b)
    rollup.run()
    assert domain.element_value("plans_issued", province, start, end) == 8
    assert domain.element_value("plans_issued", _area(DUC_TRONG).path, start, end) == 3
    assert domain.element_value("plans_issued", "", start, end) == 8
    # Counted on the day the period starts (15/02/2025): not in January.
    assert (
        domain.element_value("plans_issued", province, datetime.date(2025, 1, 1), datetime.date(2025, 1, 31))
        == 0
    )
    domain.return_submission(analyst, a, "Sai số kế hoạch.")
    rollup.run()
    assert domain.element_value("plans_issued", province, start, end) == 5


def test_percentages_are_averaged(make_user: Any) -> None:
    from binhyen.datasets import domain
    from binhyen.datasets.models import DataElement, DataSet, DataSetElement
    from binhyen.stats import rollup

    admin = make_user("admin")
    ds = DataSet.objects.create(code="ty_le", name="Tỷ lệ", period_kind="police_quarter", level=2)
    element = DataElement.objects.create(code="hh_safe_pct", name="Tỷ lệ hộ an toàn", value_type="percentage")
    DataSetElement.objects.create(dataset=ds, element=element, order=1)
    ds = domain.get_dataset("ty_le")
    period = domain.get_period(ds, QUARTER)
    for code, value in ((DUC_TRONG, "90"), (HIEP_THANH, "80,5")):
        domain.approve(
            admin, domain.submit_form(admin, ds, _area(code), period, {"hh_safe_pct": value}).submission
        )
    rollup.run()
    start, end = period.start, period.end
    assert domain.element_value("hh_safe_pct", _area(LAM_DONG).path, start, end) == pytest.approx(85.25)


# --- pages --------------------------------------------------------------------------------------------


def _login(client: Any, user: Any) -> None:
    client.force_login(user, backend="binhyen.accounts.backends.LockoutModelBackend")


def test_index_page(client: Any, make_user: Any) -> None:
    officer = make_user("commune_officer", DUC_TRONG)
    _login(client, officer)
    r = client.get("/bieu-mau/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "Báo cáo tháng phong trào toàn dân bảo vệ ANTQ" in html
    assert f"/bieu-mau/antq_thang/{DUC_TRONG}/" in html
    assert "awaiting-title" not in html  # an officer approves nothing


def test_index_for_an_analyst_shows_what_awaits(client: Any, make_user: Any) -> None:
    _fill(make_user("commune_officer", DUC_TRONG))
    _login(client, make_user("province_analyst", LAM_DONG))
    html = client.get("/bieu-mau/").content.decode()
    assert f"/bieu-mau/antq_thang/{DUC_TRONG}/{MONTH}/" in html
    assert f"/bieu-mau/antq_thang/tien-do/?area={LAM_DONG}" in html


def test_form_page_keeps_what_was_typed(client: Any, make_user: Any) -> None:
    from binhyen.datasets.models import Status, Submission

    _login(client, make_user("commune_officer", DUC_TRONG))
    url = f"/bieu-mau/antq_thang/{DUC_TRONG}/{MONTH}/"
    assert client.get(url).status_code == 200
    data = {f"v-{k}": v for k, v in GOOD.items()} | {"v-plans_issued": "mười", "action": "submit"}
    r = client.post(url, data)
    html = r.content.decode()
    assert r.status_code == 422
    assert 'value="mười"' in html and "không phải là số nguyên" in html
    assert Submission.objects.get(area__code=DUC_TRONG).draft == {"plans_issued": "mười"}
    data["v-plans_issued"] = "10"
    r = client.post(url, data)
    assert r.status_code == 302
    assert Submission.objects.get(area__code=DUC_TRONG).status == "submitted"
    html = client.get(url).content.decode()
    assert 'name="v-plans_issued"' not in html  # locked
    assert str(Status.SUBMITTED.label) in html


def test_form_page_rule_message(client: Any, make_user: Any) -> None:
    _login(client, make_user("commune_officer", DUC_TRONG))
    data = {f"v-{k}": v for k, v in GOOD.items()} | {"v-offenders_progressed": "5", "action": "save"}
    r = client.post(f"/bieu-mau/antq_thang/{DUC_TRONG}/{MONTH}/", data)
    assert r.status_code == 422
    assert "Số người lầm lỗi đã tiến bộ không thể nhiều hơn" in r.content.decode()


def test_approve_and_return_pages(client: Any, make_user: Any) -> None:
    from binhyen.datasets.models import Submission

    _fill(make_user("commune_officer", DUC_TRONG))
    _login(client, make_user("province_analyst", LAM_DONG))
    base = f"/bieu-mau/antq_thang/{DUC_TRONG}/{MONTH}/"
    html = client.get(base).content.decode()
    assert "/duyet/" in html and "/tra-lai/" in html
    r = client.post(base + "tra-lai/", {"reason": ""})
    assert r.status_code == 422 and "Hãy ghi lý do" in r.content.decode()
    assert client.post(base + "duyet/").status_code == 302
    assert Submission.objects.get(area__code=DUC_TRONG).status == "approved"
    assert client.post(base + "tra-lai/", {"reason": "Cần sửa."}).status_code == 302
    assert Submission.objects.get(area__code=DUC_TRONG).status == "returned"


def test_completeness_page(client: Any, make_user: Any) -> None:
    _fill(make_user("commune_officer", DUC_TRONG))
    _login(client, make_user("province_analyst", LAM_DONG))
    r = client.get(f"/bieu-mau/antq_thang/tien-do/?area={LAM_DONG}&period={MONTH}")
    html = r.content.decode()
    assert r.status_code == 200
    assert "Xã Đức Trọng" in html and "dataset-trend-data" in html
    r = client.get(f"/bieu-mau/antq_thang/tien-do/?area={LAM_DONG}&period=202503")
    assert r.status_code == 200 and "không thuộc loại đó" in r.content.decode()


def test_pages_are_refused_outside(client: Any, make_user: Any) -> None:
    _login(client, make_user("commune_officer", HOAN_KIEM))
    assert client.get(f"/bieu-mau/antq_thang/{DUC_TRONG}/{MONTH}/").status_code == 403
    assert client.get(f"/bieu-mau/antq_thang/tien-do/?area={LAM_DONG}").status_code == 403
    assert client.get(f"/bieu-mau/khong_co/{DUC_TRONG}/{MONTH}/").status_code == 404
    _login(client, make_user("commune_officer", DUC_TRONG))
    assert client.get(f"/bieu-mau/antq_thang/{DUC_TRONG}/2099P01/").status_code == 404
    _login(client, make_user("admin"))
    assert client.get(f"/bieu-mau/antq_thang/{LAM_DONG}/{MONTH}/").status_code == 404  # wrong level
    _login(client, make_user("resident", DUC_TRONG))
    assert client.get("/bieu-mau/").status_code == 403


# --- demo ---------------------------------------------------------------------------------------------


def test_demo_seed(make_user: Any) -> None:
    from binhyen.datasets import domain
    from binhyen.datasets.models import DataValue, Status, Submission
    from binhyen.demo import seed_datasets

    analyst = make_user("province_analyst", LAM_DONG, username="phongtrao.lamdong")
    make_user("commune_officer", DUC_TRONG, username="congan.ductrong")
    result = seed_datasets.seed_datasets()
    assert result["antq_thang"] > 7 * 24 * 5 and result["antq_quy"] > 0 and result["antq_so_ket"] > 0
    assert seed_datasets.seed_datasets() == dict.fromkeys(result, 0)  # idempotent
    monthly = _ds()
    last = domain.last_closed_period(monthly)
    statuses = dict(
        Submission.objects.filter(dataset=monthly, period=last.id).values_list("area__code", "status")
    )
    assert statuses == {
        "24958": "approved", "24967": "submitted", "24976": "returned", "24985": "submitted",
        "24823": "approved", "24820": "draft",
    }  # fmt: skip
    older = Submission.objects.filter(dataset=monthly).exclude(period=last.id)
    assert set(older.values_list("status", flat=True)) == {Status.APPROVED}
    late = [s for s in older if s.first_submitted_at.date() > s.due_date]
    assert 0 < len(late) < older.count() / 3  # some late, most on time
    assert not Submission.objects.filter(first_submitted_at__gt=timezone.now()).exists()
    tips = dict(
        ((v.submission_id, v.element_code), v.value)
        for v in DataValue.objects.filter(element_code__in=["mass_tips_received", "mass_tips_valuable"])
    )
    assert all(value <= tips[(sub, "mass_tips_received")] for (sub, code), value in tips.items()
               if code == "mass_tips_valuable" and (sub, "mass_tips_received") in tips)  # fmt: skip
    # Approved values are statistics: Bảo Lộc-like figures over 2024.
    year = (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    province = _area(LAM_DONG).path
    assert 40 <= domain.element_value("plans_issued", province, *year) <= 200
    tips = domain.element_value("mass_tips_received", province, *year)
    valuable = domain.element_value("mass_tips_valuable", province, *year)
    assert 0.4 < valuable / tips < 0.75
    assert 90 < domain.element_value("safe_communes_pct", province, *year) < 97
    assert len(domain.awaiting_approval(analyst)) >= 2
    returned = Submission.objects.get(dataset=monthly, period=last.id, area__code="24976")
    assert returned.return_reason and list(returned.events.values_list("action", flat=True))[-1] == "returned"


def test_nation_views_for_the_administrator(client: Any, make_user: Any) -> None:
    _fill(make_user("commune_officer", DUC_TRONG))
    _login(client, make_user("admin"))
    html = client.get("/bieu-mau/").content.decode()
    assert "/bieu-mau/antq_thang/tien-do/" in html and "awaiting-title" in html
    r = client.get(f"/bieu-mau/antq_thang/tien-do/?period={MONTH}")
    html = r.content.decode()
    assert r.status_code == 200 and "Lâm Đồng" in html and f"?area={LAM_DONG}&amp;period={MONTH}" in html
    r = client.get(f"/bieu-mau/antq_so_ket/{LAM_DONG}/2025PS1/")
    assert r.status_code == 200 and 'name="v-safe_communes_pct"' in r.content.decode()


def test_admin_checks_definitions(client: Any, make_user: Any) -> None:
    from binhyen.datasets.models import DataElement, DataSet

    _login(client, make_user("admin"))
    ds = DataSet.objects.get(code="antq_thang")
    assert client.get(f"/admin/datasets/dataset/{ds.pk}/change/").status_code == 200
    assert client.get("/admin/datasets/datavalue/").status_code == 200
    r = client.post(
        "/admin/datasets/dataelement/add/",
        {"code": "tips", "name": "Trùng mã", "unit": "tin", "value_type": "integer", "description": ""},
    )
    assert r.status_code == 200 and "chỉ tiêu thống kê" in r.content.decode()
    assert not DataElement.objects.filter(code="tips").exists()
    _login(client, make_user("commune_leader", DUC_TRONG))
    assert client.get(f"/admin/datasets/dataset/{ds.pk}/change/").status_code in (302, 403)
