"""Web pages for tips: the public form and tracking page; the commune police's queue and a tip's file.

Everything about tips goes through `tips.domain`; these views read input, ask the permission layer and
render. The reporter's identity appears in one place only: the fragment returned by `reporter`.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from binhyen.accounts.permissions import Perm, has_perm, scope
from binhyen.areas import domain as areas
from binhyen.areas.models import Area, Level
from binhyen.audit import domain as audit
from binhyen.audit.models import Action
from binhyen.core import ratelimit
from binhyen.tips import domain, forms, search
from binhyen.tips.models import (
    DECISIONS,
    OPEN_STATUSES,
    AttachmentKind,
    Channel,
    EventKind,
    NotificationStatus,
    Outcome,
    Status,
    Tip,
    TipEvent,
)

PAGE_SIZE = 25
# Messages of these pages' own checks: Vietnamese, like the domain's.
NEUTRAL_REFUSAL = "Không gửi được tin báo. Vui lòng tải lại trang và gửi lại."
BAD_CODE = "Mã theo dõi gồm 12 chữ và số (ví dụ K7QM-3XPA-9TWD). Hãy kiểm tra lại mã."
UNKNOWN_CODE = "Không tìm thấy tin báo nào có mã này. Hãy kiểm tra lại từng ký tự."
RATE_LIMITED = (
    "Từ địa chỉ mạng này đã có quá nhiều tin báo gửi đi trong thời gian ngắn. "
    "Vui lòng thử lại sau khoảng {minutes} phút. Nếu việc khẩn cấp, hãy gọi 113."
)
NO_TIPS_PERMISSION = "Tài khoản của bạn không xem được tin báo."
# Which input each domain error belongs to on the form.
FIELD_OF = {"lat": "location", "long": "location", "media_url": "files"}
FORM_FIELDS = {
    "category",
    "description",
    "occurred_at",
    "commune",
    "village",
    "location",
    "anonymous",
    "reporter_name",
    "reporter_phone",
    "reporter_email",
    "files",
    "channel",
}


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _see_other(url: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _private(response: HttpResponse) -> HttpResponse:
    """Pages with a tip's contents or its tracking code: never cached, never sent on as a referrer."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


def _province_names() -> dict[str, str]:
    return {a.code: a.name for a in Area.objects.filter(level=Level.PROVINCE).only("code", "name")}


# --- the tip form (public and staff) -----------------------------------------------------------------


def _form_context(values: dict[str, Any], *, staff: bool) -> dict[str, Any]:
    commune = None
    code = values.get("commune") or ""
    if code:
        commune = Area.objects.filter(code=code, level=Level.COMMUNE).select_related("parent").first()
    if commune is not None and not values.get("commune_text"):
        values["commune_text"] = commune.name
    return {
        "values": values,
        "errors": {},
        "categories": list(domain.active_categories()),
        "commune": commune,
        "villages": areas.children(commune) if commune is not None else [],
        "staff": staff,
        "channels": [(c.value, c.label) for c in forms.STAFF_CHANNELS],
        "max_files": settings.TIP_MAX_FILES,
        "max_photo_mb": settings.TIP_MAX_PHOTO_BYTES // 2**20,
        "max_video_mb": settings.TIP_MAX_VIDEO_BYTES // 2**20,
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "provinces": _province_names(),
        "honeypot": forms.HONEYPOT,
        "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }


def _form_error(context: dict[str, Any], error: domain.TipError, files_sent: bool) -> dict[str, Any]:
    field = FIELD_OF.get(error.field, error.field)
    context["errors"] = {field if field in FORM_FIELDS else "all": error.message}
    context["error_message"] = error.message
    if isinstance(error, forms.CommuneChoice):
        context["candidates"] = error.candidates
    context["files_again"] = files_sent
    return context


def _staff_default_commune(user: Any) -> str:
    roots = scope(user, Perm.HANDLE_TIPS) or []
    return str(roots[0].code) if len(roots) == 1 and roots[0].level == Level.COMMUNE else ""


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """The public form: no account needed."""
    if request.method == "GET":
        values = forms.tip_values(request.GET)
        return render(request, "tips/report.html", _form_context(values, staff=False))
    client = ratelimit.client_ip(request)
    if not ratelimit.hit("tips", client, settings.TIP_RATE_LIMIT, settings.TIP_RATE_WINDOW_SECONDS):
        minutes = max(1, settings.TIP_RATE_WINDOW_SECONDS // 60)
        message = RATE_LIMITED.format(minutes=minutes)
        response = render(request, "tips/rate_limited.html", {"message": message}, status=429)
        response["Retry-After"] = str(settings.TIP_RATE_WINDOW_SECONDS)
        return response
    values = forms.tip_values(request.POST)
    files_sent = bool(request.FILES.getlist("files"))
    if request.POST.get(forms.HONEYPOT):
        context = _form_context(values, staff=False)
        context.update(error_message=NEUTRAL_REFUSAL, files_again=files_sent)
        return render(request, "tips/report.html", context, status=400)
    try:
        tip = domain.submit(forms.new_tip(values), forms.uploads(request.FILES))
    except domain.TipError as e:
        context = _form_error(_form_context(values, staff=False), e, files_sent)
        return render(request, "tips/report.html", context)
    request.session["tips_just_sent"] = tip.tracking_code
    return _see_other(reverse("tips:track", args=[tip.tracking_code]))


@require_GET
def track_lookup(request: HttpRequest) -> HttpResponse:
    raw = (request.GET.get("code") or "").strip()[:40]
    if not raw:
        return _private(render(request, "tips/track_lookup.html", {}))
    code = domain.normalise_tracking_code(raw)
    if not code:
        return _private(render(request, "tips/track_lookup.html", {"code": raw, "error": BAD_CODE}))
    if domain.public_view(code) is None:
        context: dict[str, Any] = {"code": raw, "error": UNKNOWN_CODE}
        return _private(render(request, "tips/track_lookup.html", context, status=404))
    return _see_other(reverse("tips:track", args=[code]))


def _public_event_label(event: dict[str, Any]) -> str:
    if event["kind"] == EventKind.STATUS and event["status"] in Status.values:
        return str(Status(event["status"]).label)
    return {
        EventKind.RECEIVED: _("Received"),
        EventKind.OUTCOME: _("Outcome recorded"),
        EventKind.NOTE: _("Note from the police"),
    }.get(event["kind"], _("Updated"))


@require_GET
def track(request: HttpRequest, code: str) -> HttpResponse:
    """Only `domain.public_view`: status, outcome and public notes. Nothing else about the tip."""
    view = domain.public_view(code)
    if view is None:
        error = UNKNOWN_CODE if domain.normalise_tracking_code(code) else BAD_CODE
        return _private(
            render(request, "tips/track_lookup.html", {"code": code[:40], "error": error}, status=404)
        )
    if view["tracking_code"] != code:
        return _see_other(reverse("tips:track", args=[view["tracking_code"]]))
    events = [{**e, "label": _public_event_label(e)} for e in view["events"]]
    just_sent = request.session.pop("tips_just_sent", "") == view["tracking_code"]
    context = {"tip": view, "events": events, "just_sent": just_sent}
    return _private(render(request, "tips/track.html", context))


# --- staff: helpers -----------------------------------------------------------------------------------


def _require(request: HttpRequest, perm: Perm = Perm.VIEW_TIPS) -> None:
    if not has_perm(request.user, perm):
        raise PermissionDenied(NO_TIPS_PERMISSION)


def _tip(request: HttpRequest, pk: int) -> Tip:
    _require(request)
    try:
        return domain.get_tip(request.user, pk)
    except domain.TipError as e:
        raise Http404(e.message) from None


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """Staff entry of a tip received by phone, in person or by letter."""
    _require(request, Perm.HANDLE_TIPS)
    if request.method == "GET":
        values = forms.tip_values(request.GET)
        values["commune"] = values["commune"] or _staff_default_commune(request.user)
        values["channel"] = values["channel"] or Channel.PHONE
        return render(request, "tips/create.html", _form_context(values, staff=True))
    values = forms.tip_values(request.POST)
    files_sent = bool(request.FILES.getlist("files"))
    try:
        data = forms.new_tip(values, staff=True)
        commune = Area.objects.filter(code=data.commune, level=Level.COMMUNE).first()
        if commune is not None and not has_perm(request.user, Perm.HANDLE_TIPS, commune):
            raise PermissionDenied(_("You may not enter tips for %(area)s.") % {"area": commune.name})
        tip = domain.submit(data, forms.uploads(request.FILES), entered_by=request.user)
    except domain.TipError as e:
        context = _form_error(_form_context(values, staff=True), e, files_sent)
        return render(request, "tips/create.html", context, status=422)
    notice = _("Tip %(code)s has been recorded. Give the tracking code to the reporter.")
    messages.success(request, notice % {"code": tip.tracking_code})
    return _see_other(reverse("tips:detail", args=[tip.pk]))


# --- staff: the queue and the export ----------------------------------------------------------------


def _area_options(user: Any) -> list[tuple[str, str]] | None:
    """Areas to filter by (the user's communes and their villages); None: too many, type a code."""
    roots = scope(user, Perm.VIEW_TIPS)
    if roots is None or len(roots) > 5 or any(a.level == Level.PROVINCE for a in roots):
        return None
    options: list[tuple[str, str]] = []
    for root in roots:
        options.append((root.code, root.name))
        if root.level == Level.COMMUNE:
            options += [(v.code, f"— {v.name}") for v in areas.children(root)]
    return options


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, timezone.get_current_timezone())


def _filtered(request: HttpRequest) -> tuple[forms.QueueFilterForm, QuerySet[Tip], Area | None]:
    """The user's tips with the filters applied (not the tab)."""
    form = forms.QueueFilterForm(request.GET)
    qs = domain.visible_tips(request.user)
    area = None
    code = (form.value("area") or "").strip()
    if code:
        try:
            area = areas.get_area(code)
        except areas.AreaError as e:
            form.add_error("area", e.message)
        else:
            if not has_perm(request.user, Perm.VIEW_TIPS, area):
                raise PermissionDenied(_("This area is outside the areas you may view."))
            qs = qs.filter(area_path__gte=area.path, area_path__lt=area.path + "z")
    if form.value("q"):
        qs = search.search(qs, form.value("q"))
    if form.value("status"):
        qs = qs.filter(status=form.value("status"))
    if form.value("category"):
        qs = qs.filter(category__code=form.value("category"))
    if form.value("since"):
        qs = qs.filter(received_at__gte=_day_start(form.value("since")))
    if form.value("until"):
        qs = qs.filter(received_at__lt=_day_start(form.value("until") + datetime.timedelta(days=1)))
    deadline = form.value("deadline")
    now = timezone.now()
    if deadline == "overdue":
        qs = domain.overdue(qs, now)
    elif deadline == "due_soon":
        qs = domain.due_soon(qs, now)
    elif deadline == "ok":
        later = now + datetime.timedelta(days=domain.WARNING_DAYS)
        qs = qs.filter(status__in=OPEN_STATUSES, deadline__gte=later)
    elif deadline == "closed":
        qs = qs.exclude(status__in=OPEN_STATUSES)
    if form.value("valuable"):
        qs = qs.filter(valuable=True)
    return form, qs, area


def _tabs(user: Any, qs: QuerySet[Tip]) -> dict[str, QuerySet[Tip]]:
    now = timezone.now()
    open_qs = qs.filter(status__in=OPEN_STATUSES)
    return {
        "mine": open_qs.filter(claimed_by=user),
        "unclaimed": open_qs.filter(claimed_by__isnull=True),
        "open": open_qs,
        "due_soon": domain.due_soon(qs, now),
        "overdue": domain.overdue(qs, now),
        "decided": qs.filter(status__in=DECISIONS),
        "all": qs,
    }


def _months(qs: QuerySet[Tip]) -> dict[str, Any]:
    """Tips received per month over the last 12 months: one grouped query."""
    today = timezone.localdate()
    months: list[tuple[int, int]] = []
    year, month = today.year, today.month
    for _i in range(12):
        months.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    months.reverse()
    start = _day_start(datetime.date(months[0][0], months[0][1], 1))
    rows = (
        qs.filter(received_at__gte=start)
        .annotate(month=TruncMonth("received_at"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("month")
    )
    counts: dict[tuple[int, int], int] = {}
    for row in rows:
        moment = row["month"]
        if moment is None:
            continue
        if isinstance(moment, datetime.datetime) and timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        key = (moment.year, moment.month)
        counts[key] = counts.get(key, 0) + row["n"]
    return {
        "labels": [f"{m:02d}/{y}" for y, m in months],
        "values": [counts.get(ym, 0) for ym in months],
        "label": _("Tips received"),
    }


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    _require(request)
    form, qs, area = _filtered(request)
    tab = form.value("tab") or "open"
    tabs = _tabs(request.user, qs)
    sort = form.value("sort") or "received"
    page = Paginator(tabs[tab].order_by(*forms.SORTS[sort]), PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    chart = _months(qs)
    filters = ("q", "status", "category", "area", "since", "until", "deadline", "valuable")
    context = {
        "form": form,
        "tab": tab,
        "tabs": [{"key": k, "label": forms.TAB_LABELS[k], "count": v.count()} for k, v in tabs.items()],
        "sort": sort,
        "page": page,
        "rows": [{"tip": t, "state": domain.deadline_state(t, now)} for t in page.object_list],
        "area": area,
        "area_options": _area_options(request.user),
        "chart": chart,
        "chart_rows": list(zip(chart["labels"], chart["values"], strict=True)),
        "can_create": has_perm(request.user, Perm.HANDLE_TIPS),
        "filtered": any(form.value(k) for k in filters),
    }
    return render(request, "tips/queue.html", context)


EXPORT_COLUMNS = [
    "ma_theo_doi",
    "loai",
    "xa_phuong",
    "thon_to",
    "kenh",
    "tiep_nhan",
    "han_giai_quyet",
    "so_lan_gia_han",
    "trang_thai",
    "dang_xu_ly",
    "quyet_dinh_luc",
    "ly_do_quyet_dinh",
    "trung_voi",
    "ket_qua",
    "tin_co_gia_tri",
    "dia_diem",
    "noi_dung",
]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _local(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _csv_rows(qs: QuerySet[Tip]) -> Iterator[str]:
    """Tips without their reporters: `Reporter` is never joined."""
    writer = csv.writer(_Echo())
    yield "\ufeff"  # BOM: Excel reads the file as UTF-8
    yield writer.writerow(EXPORT_COLUMNS)
    for tip in qs.select_related("duplicate_of").iterator(chunk_size=1000):
        holder = tip.claimed_by
        yield writer.writerow(
            [
                tip.tracking_code,
                tip.category.name,
                tip.commune.name,
                tip.village.name if tip.village else "",
                tip.get_channel_display(),
                _local(tip.received_at),
                _local(tip.deadline),
                tip.extensions,
                tip.get_status_display(),
                str(holder) if holder else "",  # full name, else username
                _local(tip.decided_at),
                tip.decision_reason,
                tip.duplicate_of.tracking_code if tip.duplicate_of else "",
                tip.get_outcome_display() if tip.outcome else "",
                "có" if tip.valuable else "",
                tip.address,
                tip.description,
            ]
        )


@login_required
@require_GET
def export(request: HttpRequest) -> StreamingHttpResponse:
    _require(request)
    form, qs, area = _filtered(request)
    tab = form.value("tab") or "all"
    qs = _tabs(request.user, qs)[tab].order_by("-received_at", "-id")
    filters = {k: str(v) for k, v in form.cleaned_data.items() if v}
    audit.record(
        Action.EXPORT,
        object_type_label="tips.tip",
        area_path=area.path if area else "",
        detail={"rows": qs.count(), "filters": filters, "tab": tab},
    )
    response = StreamingHttpResponse(_csv_rows(qs), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="tin-bao-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- staff: one tip ------------------------------------------------------------------------------------


def _event_text(e: TipEvent) -> str:
    data = e.data or {}
    if e.kind == EventKind.STATUS and data.get("status") in Status.values:
        text = _("Status: %(status)s") % {"status": Status(data["status"]).label}
        if data.get("duplicate_of"):
            text += " · " + _("original tip %(code)s") % {"code": data["duplicate_of"]}
        return text
    if e.kind == EventKind.OUTCOME and data.get("outcome") in Outcome.values:
        return _("Outcome: %(outcome)s") % {"outcome": Outcome(data["outcome"]).label}
    if e.kind == EventKind.EXTENDED and data.get("to"):
        to = datetime.datetime.fromisoformat(data["to"])
        return _("New deadline %(date)s") % {"date": timezone.localtime(to).strftime("%d/%m/%Y")}
    if e.kind == EventKind.VALUABLE:
        return _("Valuable") if data.get("valuable") else _("No longer valuable")
    if e.kind == EventKind.RECEIVED and data.get("channel") in Channel.values:
        return str(Channel(data["channel"]).label)
    if e.kind == EventKind.CLAIMED and data.get("from"):
        return _("taken over from %(user)s") % {"user": data["from"]}
    if e.kind == EventKind.ATTACHMENT and data.get("kind") in AttachmentKind.values:
        return str(AttachmentKind(data["kind"]).label)
    if e.kind == EventKind.NOTE and not e.public:
        return _("Internal note")
    return ""


def _can_take_over(user: Any, tip: Tip) -> bool:
    """Commune leaders (and tip administrators) may take a tip over from another officer."""
    return has_perm(user, Perm.READ_REPORTERS, tip.commune) or has_perm(user, Perm.MANAGE_TIP_SETTINGS, None)


def _notifications(tip: Tip) -> list[dict[str, Any]]:
    """Medium and status only: the message and the address are not shown here."""
    labels = dict(NotificationStatus.choices)
    return [
        {**row, "status_label": labels.get(row["status"], row["status"])}
        for row in tip.notifications.values("medium", "status", "created_at", "sent_at")
    ]


def _detail_context(request: HttpRequest, tip: Tip, **extra: Any) -> dict[str, Any]:
    user = request.user
    handle = domain.can_handle(user, tip)
    values = dict(extra.pop("values", {}) or {})
    prefill = (request.GET.get("duplicate_of") or "").strip()[:20]
    if prefill and not values:
        values = {"form": "decide", "status": Status.DUPLICATE, "duplicate_of": prefill}
    context: dict[str, Any] = {
        "tip": tip,
        "state": domain.deadline_state(tip),
        "events": [{"e": e, "text": _event_text(e)} for e in tip.events.select_related("actor")],
        "notes": list(tip.notes.select_related("author")),
        "attachments": list(tip.attachments.all()),
        "notifications": _notifications(tip),
        "duplicates": list(domain.visible_tips(user).filter(duplicate_of=tip)),
        "suggestions": domain.suggest_duplicates(tip) if handle and tip.is_open else [],
        "can_handle": handle,
        "has_reporter": domain.has_reporter(tip),
        "can_read_reporter": domain.can_read_reporter(user, tip),
        "can_take_over": handle and _can_take_over(user, tip),
        "claimed_by_me": tip.claimed_by_id is not None and tip.claimed_by_id == user.pk,
        "decisions": [(s.value, s.label) for s in DECISIONS],
        "outcomes": Outcome.choices,
        "extensions_left": domain.MAX_EXTENSIONS - tip.extensions,
        "has_map": tip.latitude is not None and tip.longitude is not None,
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        # The incidents register builds this page; it reads the tip from the query string.
        "incident_url": f"/incidents/new/?tip={tip.pk}",
        "values": values,
        "errors": {},
    }
    context.update(extra)
    return context


def _detail_response(request: HttpRequest, tip: Tip, status: int = 200, **extra: Any) -> HttpResponse:
    response = render(request, "tips/detail.html", _detail_context(request, tip, **extra), status=status)
    if _htmx(request):
        response["HX-Push-Url"] = reverse("tips:detail", args=[tip.pk])
    return _private(response)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_response(request, _tip(request, pk))


def _act(request: HttpRequest, pk: int, form: str, action: Callable[[Tip], str]) -> HttpResponse:
    """Run one action on a tip: back to the tip with a message, or the page again with the error."""
    tip = _tip(request, pk)
    try:
        notice = action(tip)
    except domain.TipForbidden as e:
        raise PermissionDenied(e.message) from None
    except domain.TipError as e:
        if e.status == 404:
            raise Http404(e.message) from None
        fresh = domain.get_tip(request.user, tip.pk)
        values = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        errors = {form: e.message, "field": e.field}
        return _detail_response(request, fresh, status=422, errors=errors, values={"form": form, **values})
    messages.success(request, notice)
    return _see_other(reverse("tips:detail", args=[tip.pk]))


def _text(request: HttpRequest, name: str) -> str:
    return (request.POST.get(name) or "").strip()


@login_required
@require_POST
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    def run(tip: Tip) -> str:
        domain.claim(request.user, tip, take_over=bool(request.POST.get("take_over")))
        return _("You are now handling tip %(code)s.") % {"code": tip.tracking_code}

    return _act(request, pk, "claim", run)


@login_required
@require_POST
def release(request: HttpRequest, pk: int) -> HttpResponse:
    def run(tip: Tip) -> str:
        domain.release(request.user, tip)
        return _("Tip %(code)s is back in the queue.") % {"code": tip.tracking_code}

    return _act(request, pk, "claim", run)


@login_required
@require_POST
def start_check(request: HttpRequest, pk: int) -> HttpResponse:
    def run(tip: Tip) -> str:
        domain.start_check(request.user, tip)
        return _("The preliminary check of tip %(code)s has started.") % {"code": tip.tracking_code}

    return _act(request, pk, "check", run)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    def run(tip: Tip) -> str:
        decided = domain.decide(
            request.user,
            tip,
            _text(request, "status"),
            _text(request, "reason"),
            _text(request, "duplicate_of") or None,
        )
        return _("Decision recorded: %(status)s.") % {"status": decided.get_status_display()}

    return _act(request, pk, "decide", run)


@login_required
@require_POST
def outcome(request: HttpRequest, pk: int) -> HttpResponse:
    def run(tip: Tip) -> str:
        done = domain.record_outcome(request.user, tip, _text(request, "outcome"), _text(request, "note"))
        return _("Outcome recorded: %(outcome)s.") % {"outcome": done.get_outcome_display()}

    return _act(request, pk, "outcome", run)


@login_required
@require_POST
def extend(request: HttpRequest, pk: int) -> HttpResponse:
    def run(tip: Tip) -> str:
        raw = _text(request, "days")
        days = None
        if raw:
            if not raw.isdigit() or int(raw) < 1:
                raise domain.TipError("Số ngày gia hạn phải là số nguyên dương.", "days", code="days")
            days = int(raw)
        done = domain.extend(request.user, tip, _text(request, "reason"), days)
        return _("New deadline: %(date)s.") % {"date": timezone.localtime(done.deadline).strftime("%d/%m/%Y")}

    return _act(request, pk, "extend", run)


@login_required
@require_POST
def valuable(request: HttpRequest, pk: int) -> HttpResponse:
    def run(tip: Tip) -> str:
        flag = request.POST.get("valuable") == "1"
        domain.set_valuable(request.user, tip, flag, _text(request, "reason"))
        return _("Marked as valuable.") if flag else _("No longer marked as valuable.")

    return _act(request, pk, "valuable", run)


@login_required
@require_POST
def add_note(request: HttpRequest, pk: int) -> HttpResponse:
    def run(tip: Tip) -> str:
        public = bool(request.POST.get("public"))
        domain.add_note(request.user, tip, _text(request, "body"), public=public)
        return _("Public note added: the reporter sees it.") if public else _("Internal note added.")

    return _act(request, pk, "note", run)


@login_required
@require_POST
def add_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    def run(tip: Tip) -> str:
        upload = request.FILES.get("file")
        if upload is None:
            raise domain.TipError("Hãy chọn tệp (ảnh, video hoặc PDF).", "file", code="file")
        domain.add_attachment(request.user, tip, domain.Upload(upload.name or "", upload, upload.size or 0))
        return _("File added.")

    return _act(request, pk, "attachment", run)


@login_required
@require_POST
def reporter(request: HttpRequest, pk: int) -> HttpResponse:
    """The reporter's identity (audited by the domain), for the handling officer and commune leaders."""
    tip = _tip(request, pk)
    try:
        identity = domain.reporter_identity(request.user, tip, purpose=f"web: tip {tip.tracking_code}")
    except domain.TipForbidden as e:
        raise PermissionDenied(e.message) from None
    if _htmx(request):
        context = {"tip": tip, "identity": identity, "has_reporter": True, "can_read_reporter": True}
        return _private(render(request, "tips/_reporter.html", context))
    return _detail_response(request, tip, identity=identity)


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """A tip's file, only to staff who may view the tip; every read is audited by the domain."""
    _require(request)
    try:
        item = domain.get_attachment(request.user, pk)
    except domain.TipError as e:
        raise Http404(e.message) from None
    if not item.file:
        raise Http404(_("This attachment is a link, not a stored file."))
    name = item.file.name or ""
    extension = name.rsplit(".", 1)[-1] if "." in name else "bin"
    content_type = item.content_type or "application/octet-stream"
    response = FileResponse(item.file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{item.tip.tracking_code}-{item.pk}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if content_type != "application/pdf":  # Chromium's PDF viewer does not run in a sandbox
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"
    return response
