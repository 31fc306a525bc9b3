from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Survei SPAK, SPKP dan SKM")

    def ready(self) -> None:
        # Not at the top: lke and dashboard import selectors and models, which exist only once the
        # app registry is ready. assessments never imports surveys: it calls these through its hooks.
        from assessments import hooks as assessment_hooks  # noqa: PLC0415 — AppConfig.ready()

        from . import dashboard, lke  # noqa: PLC0415 — AppConfig.ready()

        assessment_hooks.register_item_suggester(lke.item_suggestions)
        assessment_hooks.register_dashboard_cells(dashboard.dashboard_cells)
