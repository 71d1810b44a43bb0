from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WeaponsConfig(AppConfig):
    name = "binhyen.weapons"
    label = "weapons"
    verbose_name = _("Weapons collection")
