"""The size-limit upload handler stops oversized uploads while they arrive.

The requests here are parsed exactly as in production (WSGIRequest + FILE_UPLOAD_HANDLERS), with
a body stream that counts what is read, so "refused early" is measured, not assumed."""

import io
from types import SimpleNamespace

import pytest
from django.core.files.uploadhandler import StopUpload
from django.core.handlers.wsgi import WSGIRequest

from evidence.uploadhandlers import EvidenceSizeLimitUploadHandler
from zi_portal.common.uploads import UploadRefusal, upload_refusals

from .helpers import multipart, pdf_bytes

MB = 1024 * 1024


class CountingStream(io.RawIOBase):
    """A request body of ``head`` then ``filler`` bytes up to ``length``, counting bytes read."""

    def __init__(self, head: bytes, length: int, tail: bytes = b""):
        self.head, self.length, self.tail, self.read_bytes = head, length, tail, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        remaining = self.length - self.read_bytes
        if remaining <= 0:
            return 0
        size = min(len(buffer), remaining)
        position = self.read_bytes
        data = bytearray()
        if position < len(self.head):
            data += self.head[position : position + size]
        tail_start = self.length - len(self.tail)
        while len(data) < size:
            offset = position + len(data)
            data += self.tail[offset - tail_start : offset - tail_start + 1] if offset >= tail_start else b"0"
        buffer[:size] = data[:size]
        self.read_bytes += size
        return size


def request_for(body_stream, content_type: str, length: int) -> WSGIRequest:
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": body_stream,
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(length),
    }
    return WSGIRequest(environ)


@pytest.fixture(autouse=True)
def limits(settings, tmp_path):
    settings.EVIDENCE_MAX_UPLOAD_MB = 1
    settings.EVIDENCE_MAX_FILES_PER_UPLOAD = 2
    upload_tmp = tmp_path / "upload-tmp"
    upload_tmp.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(upload_tmp)
    return upload_tmp


def test_a_2gb_request_is_stopped_at_its_first_file_without_reading_it(limits):
    boundary = "----grenzwert"
    head = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"next\"\r\n\r\n/x/\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"besar.pdf\"\r\n"
        "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
    ).encode()
    length = 2 * 1024 * MB
    stream = CountingStream(head, length)
    request = request_for(stream, f"multipart/form-data; boundary={boundary}", length)
    assert request.FILES.getlist("files") == []
    assert request.POST["next"] == "/x/"
    assert upload_refusals(request) == [UploadRefusal("files", "besar.pdf", "request_too_large")]
    assert stream.read_bytes < 1 * MB  # a chunk or so, not gigabytes
    assert list(limits.iterdir()) == []


def test_an_oversized_file_is_dropped_at_the_limit_and_the_next_file_kept(limits):
    body, content_type = multipart(
        {"title": "x"},
        [("files", "besar.pdf", pdf_bytes() + b"0" * (2 * MB)), ("files", "kecil.pdf", pdf_bytes("kecil"))],
    )
    request = request_for(io.BytesIO(body), content_type, len(body))
    [kept] = request.FILES.getlist("files")
    assert kept.name == "kecil.pdf" and kept.read() == pdf_bytes("kecil")
    assert upload_refusals(request) == [UploadRefusal("files", "besar.pdf", "too_large")]
    assert request.POST["title"] == "x"
    request.close()
    assert list(limits.iterdir()) == []  # the partial temporary file of the big one is gone


def test_reading_stops_once_the_bytes_read_pass_the_request_cap():
    # The parser never reads past the declared Content-Length, so this is a second line of
    # defence: files each under the limit, but more bytes in total than any upload may carry.
    request = SimpleNamespace()
    handler = EvidenceSizeLimitUploadHandler(request)
    handler.handle_raw_input(None, {}, 1024, b"b")
    chunk = b"0" * (512 * 1024)
    with pytest.raises(StopUpload) as exc:
        for number in range(10):
            handler.new_file("files", f"f{number}.pdf", "application/pdf", None)
            handler.receive_data_chunk(chunk, 0)
            handler.receive_data_chunk(chunk, len(chunk))  # exactly 1 MB per file: allowed
    assert exc.value.connection_reset is True
    assert handler.bytes_read <= handler.max_request_bytes + len(chunk)
    assert upload_refusals(request) == [UploadRefusal("files", "f3.pdf", "request_too_large")]


def test_a_request_over_the_cap_is_refused_whole():
    files = [("files", f"f{i}.pdf", pdf_bytes(str(i)) + b"0" * (900 * 1024)) for i in range(4)]
    body, content_type = multipart({}, files)
    stream = CountingStream(body, len(body))
    request = request_for(stream, content_type, len(body))
    assert request.FILES.getlist("files") == []
    assert upload_refusals(request) == [UploadRefusal("files", "f0.pdf", "request_too_large")]
    assert stream.read_bytes < 1 * MB


def test_small_requests_pass_untouched():
    body, content_type = multipart({}, [("files", "a.pdf", pdf_bytes("a"))])
    request = request_for(io.BytesIO(body), content_type, len(body))
    assert [f.read() for f in request.FILES.getlist("files")] == [pdf_bytes("a")]
    assert upload_refusals(request) == []
