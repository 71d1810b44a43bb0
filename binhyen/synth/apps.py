from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SynthConfig(AppConfig):
    """Synthetic records over the real administrative units, for load tests and benchmarks."""

    name = "binhyen.synth"
    label = "synth"
    verbose_name = _("Synthetic data")
