from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = _("Pengingat dan tenggat")

    def ready(self) -> None:
        # Not at the top: panels imports models, which exist only once the app registry is ready.
        # Neither units nor assessments import reminders: their pages call these through their hooks.
        from assessments import hooks as assessment_hooks  # noqa: PLC0415 — AppConfig.ready()
        from units import hooks as unit_hooks  # noqa: PLC0415 — AppConfig.ready()

        from . import panels  # noqa: PLC0415 — AppConfig.ready()

        unit_hooks.register_unit_page_panel(panels.unit_countdown_panel)
        assessment_hooks.register_assessment_page_panel(panels.assessment_countdown_panel)
