"""Reading the tip pages' input. Parsing only: every rule about tips lives in `tips.domain`.

Parse errors are raised as `domain.TipError` with a Vietnamese message and the field they belong to, so
the pages show them exactly like the domain's own errors.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from binhyen.areas import domain as areas
from binhyen.areas.models import Area, Level
from binhyen.core.text import fold, nfc
from binhyen.tips import domain
from binhyen.tips.models import Channel, Status

# The honeypot: a field people never see (hidden by CSS); bots that fill every input fill it.
HONEYPOT = "website"
STAFF_CHANNELS = [Channel.PHONE, Channel.IN_PERSON, Channel.MAIL]
TEXT_FIELDS = (
    "category",
    "description",
    "occurred_at",
    "occurred_text",
    "commune",
    "commune_text",
    "village",
    "address",
    "latitude",
    "longitude",
    "reporter_name",
    "reporter_phone",
    "reporter_email",
    "channel",
)
FLAG_FIELDS = ("occurred_approx", "location_unknown")
COMMUNE_PREFIXES = ("", "xa ", "phuong ", "dac khu ", "thi tran ")
MAX_CANDIDATES = 10


class CommuneChoice(domain.TipError):
    """The typed commune name fits several communes: the page lists them to choose from."""

    def __init__(self, message: str, candidates: list[Area]) -> None:
        super().__init__(message, "commune", code="commune_ambiguous")
        self.candidates = candidates


def tip_values(post: QueryDict) -> dict[str, Any]:
    """What was typed, to show again when the form comes back with an error."""
    values: dict[str, Any] = {k: (post.get(k) or "").strip() for k in TEXT_FIELDS}
    for flag in FLAG_FIELDS:
        values[flag] = bool(post.get(flag))
    values["anonymous"] = post.get("anonymous", "1") != "0"
    return values


def parse_when(text: str) -> tuple[datetime.datetime | None, bool]:
    """(moment, date_only) from a datetime-local value or a typed "25/12/2025 20:30"."""
    text = text.strip()
    if not text:
        return None, False
    for fmt in ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y %Hh%M", "%Y-%m-%d %H:%M"):
        try:
            return datetime.datetime.strptime(text, fmt), False
        except ValueError:
            continue
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, fmt).replace(hour=12), True
        except ValueError:
            continue
    raise domain.TipError(
        "Thời gian xảy ra không đúng dạng; ví dụ 25/12/2025 20:30, hoặc ghi vào ô «khoảng khi nào».",
        "occurred_at",
        code="occurred_at",
    )


def parse_coordinate(text: str, field: str) -> float | None:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise domain.TipError("Toạ độ không hợp lệ.", field, code="location") from None


def _split_place(text: str) -> tuple[str, str]:
    """("Xã Đức Trọng", "Lâm Đồng") from "Xã Đức Trọng, Lâm Đồng" or "Xã Đức Trọng - Lâm Đồng"."""
    parts = re.split(r"\s*[,;(]\s*|\s+[-–—]\s+", text, maxsplit=1)
    if len(parts) == 1:
        return parts[0], ""
    return parts[0], parts[1].rstrip(")")


def resolve_commune(code: str, text: str) -> str:
    """The commune's code: the one the search box chose, else found by its name typed without JS.

    "Đức Trọng", "duc trong", "Xã Đức Trọng, Lâm Đồng" and "24958" all find Xã Đức Trọng.
    """
    code = nfc(code or "")
    if code:
        return code
    text = nfc(text or "")
    if not text:
        return ""
    if text.isdigit():
        return text
    name, rest = _split_place(text)
    qs = areas.search(name, level=Level.COMMUNE).select_related("parent")
    for word in fold(rest).split():
        qs = qs.filter(parent__search_key__contains=word)
    matches = list(qs.order_by("path")[: MAX_CANDIDATES + 1])
    if len(matches) == 1:
        return str(matches[0].code)
    folded = fold(name)
    exact = [a for a in matches if a.search_key in {p + folded for p in COMMUNE_PREFIXES}]
    if len(exact) == 1:
        return str(exact[0].code)
    if not matches:
        raise domain.TipError(
            f"Không tìm thấy xã/phường «{text}». Hãy gõ lại tên (có dấu hay không dấu đều được).",
            "commune",
            code="unknown_commune",
        )
    raise CommuneChoice(
        f"Có nhiều xã/phường khớp với «{text}»; hãy chọn một xã/phường dưới đây.",
        (exact or matches)[:MAX_CANDIDATES],
    )


def new_tip(values: dict[str, Any], *, staff: bool = False) -> domain.NewTip:
    """The domain's input from the form's values (raises TipError for what cannot even be read)."""
    commune = resolve_commune(values["commune"], values["commune_text"])
    occurred_at, date_only = parse_when(values["occurred_at"])
    latitude = parse_coordinate(values["latitude"], "location")
    longitude = parse_coordinate(values["longitude"], "location")
    channel = Channel.WEB
    if staff:
        if values["channel"] not in STAFF_CHANNELS:
            raise domain.TipError("Hãy chọn tin được nhận qua kênh nào.", "channel", code="channel")
        channel = Channel(values["channel"])
    return domain.NewTip(
        category=values["category"],
        description=values["description"],
        commune=commune,
        village=values["village"],
        occurred_at=occurred_at,
        occurred_approx=values["occurred_approx"] or date_only,
        occurred_text=values["occurred_text"],
        address=values["address"],
        latitude=latitude,
        longitude=longitude,
        location_unknown=values["location_unknown"],
        channel=channel,
        anonymous=values["anonymous"],
        reporter_name=values["reporter_name"],
        reporter_phone=values["reporter_phone"],
        reporter_email=values["reporter_email"],
    )


def uploads(files: MultiValueDict, name: str = "files") -> list[domain.Upload]:
    return [domain.Upload(f.name or "", f, f.size or 0) for f in files.getlist(name) if f is not None]


# --- the staff queue --------------------------------------------------------------------------------

TABS = ["mine", "unclaimed", "open", "due_soon", "overdue", "decided", "all"]
TAB_LABELS = {
    "mine": _("Mine"),
    "unclaimed": _("Unclaimed"),
    "open": _("Open"),
    "due_soon": _("Due soon"),
    "overdue": _("Overdue"),
    "decided": _("Decided"),
    "all": _("All"),
}
DEADLINE_CHOICES = [
    ("", _("Any deadline")),
    ("overdue", _("Overdue")),
    ("due_soon", _("Due within 5 days")),
    ("ok", _("More than 5 days left")),
    ("closed", _("Decided (no deadline)")),
]
SORTS = {"received": ("-received_at", "-id"), "deadline": ("deadline", "id")}
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    tab = forms.ChoiceField(required=False, choices=[(t, TAB_LABELS[t]) for t in TABS])
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Status.choices]
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    area = forms.CharField(label=_("Area"), required=False, max_length=16)
    since = forms.DateField(
        label=_("Received from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=DATE_FORMATS,
    )
    until = forms.DateField(
        label=_("Received until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=DATE_FORMATS,
    )
    deadline = forms.ChoiceField(label=_("Deadline"), required=False, choices=DEADLINE_CHOICES)
    valuable = forms.BooleanField(label=_("Valuable only"), required=False)
    sort = forms.ChoiceField(
        required=False, choices=[("received", _("Received")), ("deadline", _("Deadline"))]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = [(c.code, c.name) for c in domain.active_categories()]
        self.fields["category"].choices = [("", _("Any category")), *categories]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("To date: must not be before the from date."))
        return data

    def value(self, name: str) -> Any:
        """The cleaned value, or empty when that input was wrong (the other filters still apply)."""
        self.is_valid()
        if name in self.errors:
            return None
        return self.cleaned_data.get(name)
