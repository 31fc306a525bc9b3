from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Dokumen terverifikasi")

    def ready(self) -> None:
        # Not at the top: services imports models, which exist only once the app registry is
        # ready. The apps that render PDFs never import documents: they call the issuing hook.
        from zi_portal.common import issuing  # noqa: PLC0415 — AppConfig.ready()

        from . import checks, services  # noqa: F401, PLC0415 — AppConfig.ready(); checks registers itself

        issuing.register_issuer(services.document_issue)
