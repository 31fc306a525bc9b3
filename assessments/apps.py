from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Penilaian LKE")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)
