"""Authorization matrix rows for assessment (API and web). See tests/authz.py.

Assessments are read by whoever takes part in them in the area: the unit (SELF_ASSESS: group leaders for
their village, commune officers and leaders), the commune's reviewers (REVIEW_ASSESSMENT: commune leaders)
and the province (APPROVE_ASSESSMENT: province analysts); administrators everywhere. The records below are
a commune's own assessment, so a group leader (granted a village) does not see them. Drafts are written and
submitted by the unit, reviewed or returned by commune leaders, approved, rejected or returned by the
province. Rubrics are readable by anyone taking part in assessments anywhere.
"""

from __future__ import annotations

import io
from typing import Any

from tests.authz import (
    AREA_READERS,
    COMMUNE_STAFF,
    LEADERS,
    STAFF_NO_RESIDENT,
    Endpoint,
    Page,
    _json,
    commune_code,
)

PROVINCE = {"province_analyst", "admin"}
TAKING_PART = STAFF_NO_RESIDENT  # SELF_ASSESS, REVIEW_ASSESSMENT or APPROVE_ASSESSMENT somewhere
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _assessment(where: str, status: str = "draft", with_file: bool = False) -> int:
    """A commune's safety assessment for 2025AC in `status`, every item met (and reviewed once past
    submission)."""
    from django.core.files.base import ContentFile

    from binhyen.areas.models import Area
    from binhyen.assessment import data, domain
    from binhyen.assessment.models import Assessment, AssessmentScore, Rubric, RubricItem, RubricSection
    from binhyen.stats import periods

    data.install(Rubric, RubricSection, RubricItem)
    commune = Area.objects.get(code=commune_code(where))
    rubric = Rubric.objects.get(code="an-toan-xa")
    window = periods.parse("2025AC")
    a = Assessment.objects.create(
        rubric=rubric,
        unit_kind="commune",
        area=commune,
        commune=commune,
        unit_name=commune.name,
        window=window.id,
        window_start=window.start,
        window_end=window.end,
        status=status,
    )
    reviewed = status in ("reviewed", "approved")
    for n, item in enumerate(domain.rubric_items(rubric)):
        score = AssessmentScore(
            assessment=a, item=item, self_met=True, evidence="Nghị quyết số 05-NQ/ĐU",
            review_met=True if reviewed else None,
        )  # fmt: skip
        if with_file and n == 0:
            score.evidence_file.save("matrix.pdf", ContentFile(PDF), save=False)
            score.evidence_type = "application/pdf"
        score.save()
    if status != "draft":
        Assessment.objects.filter(pk=a.pk).update(submitted_at=a.created_at)
    if reviewed:
        Assessment.objects.filter(pk=a.pk).update(reviewed_at=a.created_at)
    return a.pk


def _evidence_id(where: str) -> int:
    from binhyen.assessment.models import AssessmentScore

    pk = _assessment(where, with_file=True)
    return (
        AssessmentScore.objects.filter(assessment_id=pk)
        .exclude(evidence_file="")
        .values_list("pk", flat=True)[0]
    )


def _new(where: str) -> dict[str, Any]:
    return {"rubric": "an-toan-xa", "unit_kind": "commune", "area": commune_code(where), "window": "2025AC"}


def _pdf() -> dict[str, Any]:
    f = io.BytesIO(PDF)
    f.name = "nghi-quyet.pdf"
    return {"data": {"file": f}}


def _api(pk: int, tail: str = "") -> str:
    return f"/api/v1/assessments/{pk}{tail}"


REASON = {"reason": "Bổ sung biên bản họp Ban Chỉ đạo."}

API: list[Endpoint] = [
    Endpoint(
        "api:list_assessments",
        "get",
        lambda w, where: (f"/api/v1/assessments?area={commune_code(where)}", {}),
        inside=AREA_READERS,
    ),
    Endpoint(
        "api:create_assessment",
        "post",
        lambda w, where: ("/api/v1/assessments", _json(_new(where))),
        inside=COMMUNE_STAFF,
        ok=(201,),
    ),
    Endpoint(
        "api:get_assessment",
        "get",
        lambda w, where: (_api(_assessment(where)), {}),
        inside=AREA_READERS,
        denied=(403, 404),
    ),
    Endpoint(
        "api:delete_assessment",
        "delete",
        lambda w, where: (_api(_assessment(where)), {}),
        inside=COMMUNE_STAFF,
        ok=(204,),
        denied=(403, 404),
    ),
    Endpoint(
        "api:save_assessment_scores",
        "put",
        lambda w, where: (
            _api(_assessment(where), "/scores"),
            _json({"items": [{"item": "1.1", "met": True}]}),
        ),
        inside=COMMUNE_STAFF,
        denied=(403, 404),
    ),
    Endpoint(
        "api:upload_assessment_evidence",
        "post",
        lambda w, where: (_api(_assessment(where), "/evidence/1.1"), _pdf()),
        inside=COMMUNE_STAFF,
        denied=(403, 404),
    ),
    Endpoint(
        "api:submit_assessment",
        "post",
        lambda w, where: (_api(_assessment(where), "/submit"), {}),
        inside=COMMUNE_STAFF,
        denied=(403, 404),
    ),
    Endpoint(
        "api:review_assessment",
        "post",
        lambda w, where: (_api(_assessment(where, "submitted"), "/review"), _json({})),
        inside=LEADERS,
        denied=(403, 404),
    ),
    # Returning: a submitted assessment by the commune's leaders, a reviewed one by the province.
    Endpoint(
        "api:return_assessment",
        "post",
        lambda w, where: (_api(_assessment(where, "submitted"), "/return"), _json(REASON)),
        inside=LEADERS,
        denied=(403, 404),
    ),
    Endpoint(
        "api:return_assessment",
        "post",
        lambda w, where: (_api(_assessment(where, "reviewed"), "/return"), _json(REASON)),
        inside=PROVINCE,
        denied=(403, 404),
    ),
    Endpoint(
        "api:approve_assessment",
        "post",
        lambda w, where: (_api(_assessment(where, "reviewed"), "/approve"), _json({})),
        inside=PROVINCE,
        denied=(403, 404),
    ),
    Endpoint(
        "api:reject_assessment",
        "post",
        lambda w, where: (_api(_assessment(where, "reviewed"), "/reject"), _json(REASON)),
        inside=PROVINCE,
        denied=(403, 404),
    ),
    Endpoint(
        "api:assessment_results",
        "get",
        lambda w, where: (f"/api/v1/assessments/results?area={commune_code(where)}&year=2025", {}),
        inside=AREA_READERS,
    ),
    Endpoint(
        "api:list_rubrics",
        "get",
        lambda w, where: ("/api/v1/assessments/rubrics", {}),
        inside=TAKING_PART,
        outside=TAKING_PART,
    ),
    Endpoint(
        "api:get_rubric",
        "get",
        lambda w, where: ("/api/v1/assessments/rubrics/an-toan-xa", {}),
        inside=TAKING_PART,
        outside=TAKING_PART,
    ),
]
PUBLIC_API: dict[str, str] = {}
PUBLIC_API_POST: set[str] = set()


def _page(pk: int, tail: str = "") -> str:
    return f"/danh-gia/{pk}/{tail}"


PAGES: list[Page] = [
    Page(
        "assessment:list",
        "get",
        lambda w, where: (f"/danh-gia/?area={commune_code(where)}", {}),
        inside=AREA_READERS,
    ),
    Page(
        "assessment:create",
        "get",
        lambda w, where: (f"/danh-gia/moi/?area={commune_code(where)}", {}),
        inside=COMMUNE_STAFF,
    ),
    Page(
        "assessment:create",
        "post",
        lambda w, where: ("/danh-gia/moi/", {"data": _new(where)}),
        inside=COMMUNE_STAFF,
        ok=(302,),
    ),
    Page(
        "assessment:results",
        "get",
        lambda w, where: (f"/danh-gia/ket-qua/?area={commune_code(where)}&year=2025", {}),
        inside=AREA_READERS,
    ),
    Page(
        "assessment:rubrics",
        "get",
        lambda w, where: ("/danh-gia/bo-tieu-chi/", {}),
        inside=TAKING_PART,
        outside=TAKING_PART,
    ),
    Page(
        "assessment:rubric",
        "get",
        lambda w, where: ("/danh-gia/bo-tieu-chi/phong-trao-xa/", {}),
        inside=TAKING_PART,
        outside=TAKING_PART,
    ),
    Page(
        "assessment:evidence",
        "get",
        lambda w, where: (f"/danh-gia/bang-chung/{_evidence_id(where)}/", {}),
        inside=AREA_READERS,
        denied=(403, 404),
    ),
    Page(
        "assessment:detail",
        "get",
        lambda w, where: (_page(_assessment(where)), {}),
        inside=AREA_READERS,
        denied=(403, 404),
    ),
    Page(
        "assessment:fill",
        "get",
        lambda w, where: (_page(_assessment(where), "tu-danh-gia/"), {}),
        inside=COMMUNE_STAFF,
        denied=(403, 404),
    ),
    Page(
        "assessment:fill",
        "post",
        lambda w, where: (_page(_assessment(where), "tu-danh-gia/"), {"data": {"then": "save"}}),
        inside=COMMUNE_STAFF,
        ok=(302,),
        denied=(403, 404),
    ),
    Page(
        "assessment:submit",
        "post",
        lambda w, where: (_page(_assessment(where), "gui/"), {}),
        inside=COMMUNE_STAFF,
        ok=(302,),
        denied=(403, 404),
    ),
    Page(
        "assessment:delete",
        "post",
        lambda w, where: (_page(_assessment(where), "xoa/"), {}),
        inside=COMMUNE_STAFF,
        ok=(302,),
        denied=(403, 404),
    ),
    Page(
        "assessment:review",
        "get",
        lambda w, where: (_page(_assessment(where, "submitted"), "tham-dinh/"), {}),
        inside=LEADERS,
        denied=(403, 404),
    ),
    Page(
        "assessment:review",
        "post",
        lambda w, where: (
            _page(_assessment(where, "submitted"), "tham-dinh/"),
            {"data": {"comment": "Đạt."}},
        ),
        inside=LEADERS,
        ok=(302,),
        denied=(403, 404),
    ),
    Page(
        "assessment:return",
        "post",
        lambda w, where: (_page(_assessment(where, "submitted"), "tra-lai/"), {"data": REASON}),
        inside=LEADERS,
        ok=(302,),
        denied=(403, 404),
    ),
    Page(
        "assessment:return",
        "post",
        lambda w, where: (_page(_assessment(where, "reviewed"), "tra-lai/"), {"data": REASON}),
        inside=PROVINCE,
        ok=(302,),
        denied=(403, 404),
    ),
    Page(
        "assessment:approve",
        "get",
        lambda w, where: (_page(_assessment(where, "reviewed"), "phe-duyet/"), {}),
        inside=PROVINCE,
        denied=(403, 404),
    ),
    Page(
        "assessment:approve",
        "post",
        lambda w, where: (
            _page(_assessment(where, "reviewed"), "phe-duyet/"),
            {"data": {"decision": "approve"}},
        ),
        inside=PROVINCE,
        ok=(302,),
        denied=(403, 404),
    ),
]
PUBLIC_PAGES: set[str] = set()
