from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    GROUP_LEADER = "group_leader", _("Group leader")
    COMMUNE_OFFICER = "commune_officer", _("Commune police officer")
    COMMUNE_LEADER = "commune_leader", _("Commune leader")
    PROVINCE_ANALYST = "province_analyst", _("Province analyst")
    ADMIN = "admin", _("Administrator")


STAFF_ROLES = {
    Role.GROUP_LEADER,
    Role.COMMUNE_OFFICER,
    Role.COMMUNE_LEADER,
    Role.PROVINCE_ANALYST,
    Role.ADMIN,
}


class User(AbstractUser):
    """Personal data kept to what the work needs: a name and a phone number."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    def __str__(self) -> str:
        return self.full_name or self.username


class RoleGrant(models.Model):
    """A role over an area (and everything under it). Administrators may have no area: the whole nation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(max_length=20, choices=Role.choices)
    area = models.ForeignKey("areas.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role", "area"], name="unique_grant")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.area or 'toàn quốc'}"


class ApiToken(models.Model):
    """Bearer token for integrations; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"


class LoginAttempt(models.Model):
    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    success = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.username} {self.at:%Y-%m-%d %H:%M} {'ok' if self.success else 'fail'}"


class TOTPDevice(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp")
    secret = models.CharField(max_length=64)
    confirmed = models.BooleanField(default=False)
    last_counter = models.BigIntegerField(default=0)  # refuses a code that was already used
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"TOTP {self.user_id}"


class PasswordHistory(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.changed_at:%Y-%m-%d}"
