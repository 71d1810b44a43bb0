"""Login (password, then the two-factor code when enabled), logout, own security settings, users."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from binhyen.accounts import domain, permissions
from binhyen.accounts.models import Role, TOTPDevice, User
from binhyen.accounts.permissions import Perm, has_perm
from binhyen.audit import domain as audit

BACKEND = "binhyen.accounts.backends.LockoutModelBackend"
PENDING_KEY = "binhyen_login_pending"
PENDING_SECONDS = 300


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _failed(username: str, reason: str) -> None:
    audit.record("login_failed", object_type_label="accounts.user",
                 detail={"username": username[:150], "via": "web", "reason": reason})


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_next_url(request))
    error = ""
    username = ""
    if request.method == "POST":
        username = (request.POST.get("username") or "").strip()
        password = request.POST.get("password") or ""
        if not username or not password:
            error = _("Enter both the username and the password.")
        else:
            try:
                user = domain.check_credentials(username, password, domain.client_ip(request))
            except domain.LoginError as e:
                if e.code != "locked":
                    _failed(username, e.code)
                error = e.message
            else:
                if domain.totp_required(user):
                    request.session[PENDING_KEY] = {"user": user.pk, "at": time.time(),
                                                    "next": _next_url(request)}
                    return redirect("login_code")
                auth.login(request, user, backend=BACKEND)
                return redirect(_next_url(request))
    return render(request, "accounts/login.html", {
        "error": error, "username": username, "next": request.POST.get("next") or request.GET.get("next", ""),
    }, status=200)


def _pending_user(request: HttpRequest) -> tuple[User | None, dict[str, Any]]:
    pending = request.session.get(PENDING_KEY) or {}
    if not pending or time.time() - float(pending.get("at", 0)) > PENDING_SECONDS:
        return None, {}
    user_id = pending.get("user")
    if not isinstance(user_id, int):
        return None, {}
    return User.objects.filter(pk=user_id, is_active=True).first(), pending


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    user, pending = _pending_user(request)
    if user is None:
        request.session.pop(PENDING_KEY, None)
        messages.warning(request, _("The sign-in has expired. Please enter your password again."))
        return redirect("login")
    error = ""
    if request.method == "POST":
        ip = domain.client_ip(request)
        until = domain.locked_until(user.username)
        if until is not None:
            request.session.pop(PENDING_KEY, None)
            messages.error(request, _("Too many failed attempts. Please try again later."))
            return redirect("login")
        if domain.verify_totp(user, request.POST.get("code") or ""):
            request.session.pop(PENDING_KEY, None)
            auth.login(request, user, backend=BACKEND)
            return redirect(pending.get("next") or reverse(settings.LOGIN_REDIRECT_URL))
        domain.record_attempt(user.username, ip, False)
        _failed(user.username, "otp_invalid")
        error = _("The code is wrong or has expired. Enter the 6-digit code shown in your app now.")
    return render(request, "accounts/login_code.html", {"error": error})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    auth.logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@sensitive_post_parameters("current_password", "new_password", "new_password2", "password")
@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def security(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    errors: dict[str, str] = {}
    action = request.POST.get("action", "")
    if request.method == "POST":
        if action == "password":
            current = request.POST.get("current_password") or ""
            new = request.POST.get("new_password") or ""
            new2 = request.POST.get("new_password2") or ""
            if not user.check_password(current):
                errors["current_password"] = _("Current password: the password is not correct.")
            elif not new:
                errors["new_password"] = _("New password: this field is required.")
            elif new != new2:
                errors["new_password2"] = _("Repeat the new password: the two passwords do not match.")
            else:
                try:
                    domain.change_password(user, new)
                except domain.UserError as e:
                    errors["new_password"] = e.message
                else:
                    auth.update_session_auth_hash(request, user)
                    messages.success(request, _("Your password has been changed."))
                    return redirect("security")
        elif action == "totp_start":
            domain.start_totp(user)
            return redirect("security")
        elif action == "totp_confirm":
            if domain.confirm_totp(user, request.POST.get("code") or ""):
                messages.success(request, _("Two-factor authentication is now on."))
                return redirect("security")
            errors["code"] = _("Code: the code is wrong or has expired; enter the current 6-digit code.")
        elif action == "totp_disable":
            if not user.check_password(request.POST.get("password") or ""):
                errors["password"] = _("Password: the password is not correct.")
            else:
                domain.disable_totp(user)
                messages.success(request, _("Two-factor authentication has been turned off."))
                return redirect("security")
    device = TOTPDevice.objects.filter(user=user).first()
    pending = device is not None and not device.confirmed
    return render(request, "accounts/security.html", {
        "errors": errors,
        "totp_on": device is not None and device.confirmed,
        "totp_pending": pending,
        "totp_secret": device.secret if pending and device else "",
        "totp_uri": domain.provisioning_uri(device) if pending and device else "",
    }, status=422 if errors else 200)


# --- users ------------------------------------------------------------------------------------------


def _visible_users(request: HttpRequest) -> QuerySet[User]:
    roots = permissions.scope(request.user, Perm.VIEW_USERS)
    qs = User.objects.order_by("username").prefetch_related("grants__area")
    if roots is None:
        return qs
    if not roots:
        raise PermissionDenied(_("You may not view user accounts."))
    from binhyen.areas.models import Area

    return qs.filter(grants__area__in=Area.objects.within_any(roots)).distinct()


def _grant_rows(user: User) -> list[dict[str, Any]]:
    return [{"role": Role(g.role).label, "area": g.area} for g in user.grants.all()]


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    qs = _visible_users(request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {
        "page": page,
        "rows": [{"user": u, "grants": _grant_rows(u)} for u in page.object_list],
        "can_create": has_perm(request.user, Perm.MANAGE_USERS, None),
    })


@login_required
@never_cache
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    target = _visible_users(request).filter(pk=user_id).first()
    if target is None:
        raise Http404(_("No such user in the areas you manage."))
    audit.record_read(target, ["full_name", "phone"])
    return render(request, "accounts/user_detail.html", {
        "target": target,
        "grants": _grant_rows(target),
        "two_factor": domain.totp_required(target),
    })


@sensitive_post_parameters("password")
@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, Perm.MANAGE_USERS, None):
        raise PermissionDenied(_("Only administrators may create user accounts."))
    fields = ("username", "role", "area", "full_name", "phone")
    values = {k: (request.POST.get(k) or "").strip() for k in fields}
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            created = domain.create_user(domain.NewUser(
                username=values["username"], password=request.POST.get("password") or "", role=values["role"],
                area_code=values["area"] or None, full_name=values["full_name"], phone=values["phone"],
            ))
        except domain.UserError as e:
            errors[e.field or "username"] = e.message
        else:
            notice = _("The account %(username)s has been created.") % {"username": created.username}
            messages.success(request, notice)
            return redirect("users:detail", user_id=created.pk)
    return render(request, "accounts/user_form.html", {
        "values": values, "errors": errors, "roles": Role.choices,
    }, status=422 if errors else 200)
