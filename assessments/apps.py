from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Penilaian LKE")

    def ready(self) -> None:
        # Importing signals connects its receivers; it imports models, which exist only once the
        # app registry is ready.
        from . import signals  # noqa: F401, PLC0415 — AppConfig.ready()
