"""System checks for the evidence settings (run by ``manage.py check`` and at startup)."""

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def evidence_settings_check(app_configs, **kwargs):
    errors = []
    mime_map = getattr(settings, "EVIDENCE_ACCEPTED_MIME_TYPES", {})
    for ext in getattr(settings, "EVIDENCE_ALLOWED_EXTENSIONS", []):
        if ext not in mime_map:
            errors.append(
                Error(
                    f"EVIDENCE_ALLOWED_EXTENSIONS lists '{ext}' but EVIDENCE_ACCEPTED_MIME_TYPES has no entry for it.",
                    hint="Add the content types libmagic reports for that extension, or drop the extension.",
                    id="evidence.E001",
                )
            )
    if float(getattr(settings, "EVIDENCE_MAX_UPLOAD_MB", 0)) <= 0:
        errors.append(Error("EVIDENCE_MAX_UPLOAD_MB must be positive.", id="evidence.E002"))
    handlers = list(getattr(settings, "FILE_UPLOAD_HANDLERS", []))
    if not handlers or handlers[0] != "evidence.uploadhandlers.EvidenceSizeLimitUploadHandler":
        errors.append(
            Warning(
                "The evidence size-limit upload handler is not first in FILE_UPLOAD_HANDLERS.",
                hint="Without it, an oversized upload is written to disk in full before it is refused.",
                id="evidence.W001",
            )
        )
    return errors
