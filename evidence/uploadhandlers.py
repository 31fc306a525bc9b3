"""An upload handler that refuses oversized files while they arrive, before they fill a disk.

It runs first in ``FILE_UPLOAD_HANDLERS`` and applies to every multipart request (the request is
parsed by the CSRF middleware before any view runs, so a view could not stop it in time):

- a request whose declared ``Content-Length`` exceeds what any acceptable upload can weigh
  (``EVIDENCE_MAX_FILES_PER_UPLOAD`` files of ``EVIDENCE_MAX_UPLOAD_MB``, plus 1 MB for the form)
  is stopped at its first file, and the rest of the body is not read at all;
- a file passing ``EVIDENCE_MAX_UPLOAD_MB`` is dropped the moment it does (``SkipFile``): the
  parser closes and deletes its partial temporary file and discards the rest of that part, while
  the other files of the request are kept;
- if the bytes actually read pass the request cap (a lying ``Content-Length``), reading stops.

Each refusal is recorded on the request (``zi_portal.common.uploads``; ``upload_refusals(request)``)
so the view that takes the upload — of this app or another — can tell the user which file was refused
and why.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload

from zi_portal.common.uploads import UploadRefusal, upload_refusal_record

from .validation import max_upload_bytes

REQUEST_OVERHEAD = 1024 * 1024


def max_request_bytes() -> int:
    return max_upload_bytes() * max(1, int(settings.EVIDENCE_MAX_FILES_PER_UPLOAD)) + REQUEST_OVERHEAD


class EvidenceSizeLimitUploadHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.max_file_bytes = max_upload_bytes()
        self.max_request_bytes = max_request_bytes()
        self.request_too_large = False
        self.bytes_read = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.request_too_large = content_length > self.max_request_bytes
        return None

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        if self.request_too_large:
            self._refuse("request_too_large")
            raise StopUpload(connection_reset=True)

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.max_file_bytes:
            self._refuse("too_large")
            raise SkipFile()
        self.bytes_read += len(raw_data)
        if self.bytes_read > self.max_request_bytes:
            self._refuse("request_too_large")
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        # Leave the file to the handlers after this one.
        return None

    def _refuse(self, reason: str) -> None:
        upload_refusal_record(
            self.request, UploadRefusal(field_name=self.field_name, file_name=self.file_name or "", reason=reason)
        )
