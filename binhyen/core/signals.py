from __future__ import annotations

import unicodedata
from typing import Any

from django.db import models

from binhyen.core.text import nfc


def normalise_text_fields(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """Every text column of our own models is stored in NFC, whatever path wrote it."""
    if not sender.__module__.startswith("binhyen."):
        return
    for field in sender._meta.concrete_fields:
        value = getattr(instance, field.attname, None)
        if not isinstance(value, str):
            continue
        if isinstance(field, models.TextField):
            setattr(instance, field.attname, unicodedata.normalize("NFC", value))
        elif isinstance(field, models.CharField):
            setattr(instance, field.attname, nfc(value))
