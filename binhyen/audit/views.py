"""The audit log for administrators: filter, page through, export to CSV."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from binhyen.accounts.permissions import Perm, has_perm
from binhyen.audit import export
from binhyen.audit.models import AuditEvent
from binhyen.web.forms import AuditFilterForm

PAGE_SIZE = 50


def _require_audit(request: HttpRequest) -> None:
    if not has_perm(request.user, Perm.VIEW_AUDIT, None):
        raise PermissionDenied(_("Only administrators may view the audit log."))


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    _require_audit(request)
    form = AuditFilterForm(request.GET or None)
    qs: QuerySet[AuditEvent]
    if form.is_bound and not form.is_valid():
        qs = AuditEvent.objects.none()
    else:
        qs = export.filtered(**form.filters()) if form.is_bound else AuditEvent.objects.all()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "audit/list.html", {
        "form": form, "page": page, "export_query": params.urlencode(),
    }, status=422 if form.is_bound and form.errors else 200)


@login_required
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    _require_audit(request)
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        page = Paginator(AuditEvent.objects.none(), PAGE_SIZE).get_page(1)
        context = {"form": form, "page": page, "export_query": ""}
        return render(request, "audit/list.html", context, status=422)
    return export.csv_response(export.filtered(**form.filters()))
