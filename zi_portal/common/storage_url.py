"""``STORAGE_URL``: where stored files live, in one URL. Pure (no Django), so a bad URL is refused
by the settings before anything starts, with a sentence that says what is wrong.

Accepted forms:

- empty, ``file:`` or ``file://`` — the local disk under ``MEDIA_ROOT`` (the default);
- ``file:///srv/zi/media`` — the local disk under that absolute folder;
- ``s3://BUCKET[/PREFIX]?endpoint_url=URL&region=NAME&addressing_style=path|virtual
  &downloads=stream|presigned&expires=SECONDS`` — an S3-compatible bucket (AWS, MinIO, …).
  Credentials are ``s3://KEY:SECRET@BUCKET`` (percent-encoded) or, better, the usual
  ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY`` environment variables that boto3 reads itself.

``downloads=presigned`` answers a permitted download with a redirect to a URL of the object signed
for ``expires`` seconds (default 60) instead of streaming it through the web process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = ["InvalidStorageURL", "StorageConfig", "parse_storage_url"]

_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_REGION = re.compile(r"^[a-z0-9-]{1,40}$")
_PREFIX_PART = re.compile(r"^[A-Za-z0-9._-]+$")
_S3_PARAMETERS = frozenset({"endpoint_url", "region", "addressing_style", "downloads", "expires"})
MAX_PRESIGNED_SECONDS = 3600


class InvalidStorageURL(ValueError):
    """``STORAGE_URL`` cannot be used; the message says why (never repeating a secret)."""


@dataclass(frozen=True)
class StorageConfig:
    backend: Literal["local", "s3"]
    location: str = ""  # local: an absolute folder ("" = MEDIA_ROOT); s3: a key prefix ("" = none)
    bucket: str = ""
    endpoint_url: str = ""
    region: str = ""
    addressing_style: str = ""
    access_key: str = ""
    secret_key: str = ""
    downloads: Literal["stream", "presigned"] = "stream"
    expires: int = 60

    def storage_options(self) -> dict[str, object]:
        """The ``OPTIONS`` of django-storages' ``S3Storage`` (s3) or of a file-system storage (local)."""
        if self.backend == "local":
            return {"location": self.location} if self.location else {}
        options: dict[str, object] = {
            "bucket_name": self.bucket,
            "location": self.location,
            # Objects are private: no ACL header (the bucket's own policy, private by default), and
            # every URL of an object is signed and short-lived.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": self.expires,
            # A second upload under a taken name gets a new name instead of replacing the first.
            "file_overwrite": False,
            "signature_version": "s3v4",
        }
        if self.endpoint_url:
            options["endpoint_url"] = self.endpoint_url
        if self.region:
            options["region_name"] = self.region
        if self.access_key:
            options["access_key"] = self.access_key
            options["secret_key"] = self.secret_key
        return options


def parse_storage_url(url: str) -> StorageConfig:
    """The storage ``url`` names, or :class:`InvalidStorageURL`."""
    url = (url or "").strip()
    if not url or url in ("file:", "file://"):
        return StorageConfig(backend="local")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 — raises ValueError on a malformed port
    except ValueError as exc:
        raise InvalidStorageURL(f"STORAGE_URL is not a URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme == "file":
        return _local(parts.netloc, parts.path, parts.query)
    if scheme == "s3":
        return _s3(parts.netloc, parts.path, parts.query)
    raise InvalidStorageURL(
        f"STORAGE_URL has the scheme {scheme or '(none)'!r}; use file:// (local disk) or "
        "s3://BUCKET?endpoint_url=… (an S3-compatible bucket)."
    )


def _local(netloc: str, path: str, query: str) -> StorageConfig:
    if netloc not in ("", "localhost"):
        raise InvalidStorageURL("STORAGE_URL file:// names a folder on this machine: file:///absolute/folder.")
    if query:
        raise InvalidStorageURL("STORAGE_URL file:// takes no parameters.")
    folder = unquote(path)
    if folder in ("", "/"):
        return StorageConfig(backend="local")
    if ".." in folder.split("/"):
        raise InvalidStorageURL("STORAGE_URL file:// must name a folder without '..'.")
    return StorageConfig(backend="local", location=folder.rstrip("/"))


def _s3(netloc: str, path: str, query: str) -> StorageConfig:
    credentials, _at, bucket = netloc.rpartition("@")
    access_key = secret_key = ""
    if credentials:
        access_key, colon, secret_key = credentials.partition(":")
        access_key, secret_key = unquote(access_key), unquote(secret_key)
        if not colon or not access_key or not secret_key:
            raise InvalidStorageURL("STORAGE_URL credentials must be s3://ACCESS_KEY:SECRET_KEY@BUCKET.")
    if not _BUCKET.match(bucket) or ".." in bucket:
        raise InvalidStorageURL(
            f"STORAGE_URL names the bucket {bucket!r}: a bucket name has 3-63 characters, lower-case "
            "letters, digits, dots and hyphens, starting and ending with a letter or digit."
        )
    prefix_parts = [p for p in path.split("/") if p]
    for part in prefix_parts:
        if not _PREFIX_PART.match(part) or part in (".", ".."):
            raise InvalidStorageURL(
                f"STORAGE_URL has the key prefix {path!r}: use letters, digits, '.', '_' and '-' between slashes."
            )
    params: dict[str, str] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key not in _S3_PARAMETERS:
            raise InvalidStorageURL(
                f"STORAGE_URL has the unknown parameter {key!r}; known: {', '.join(sorted(_S3_PARAMETERS))}."
            )
        if key in params:
            raise InvalidStorageURL(f"STORAGE_URL repeats the parameter {key!r}.")
        params[key] = value
    endpoint = params.get("endpoint_url", "")
    if endpoint:
        endpoint_parts = urlsplit(endpoint)
        try:
            endpoint_parts.port  # noqa: B018
        except ValueError:
            raise InvalidStorageURL(f"STORAGE_URL endpoint_url {endpoint!r} has a malformed port.") from None
        if endpoint_parts.scheme not in ("http", "https") or not endpoint_parts.hostname:
            raise InvalidStorageURL(
                f"STORAGE_URL endpoint_url {endpoint!r} must be an http:// or https:// address with a host."
            )
    region = params.get("region", "")
    if region and not _REGION.match(region):
        raise InvalidStorageURL(f"STORAGE_URL region {region!r} is not a region name (e.g. us-east-1).")
    style = params.get("addressing_style", "")
    if style not in ("", "path", "virtual", "auto"):
        raise InvalidStorageURL("STORAGE_URL addressing_style must be path, virtual or auto.")
    downloads = params.get("downloads", "stream")
    if downloads not in ("stream", "presigned"):
        raise InvalidStorageURL("STORAGE_URL downloads must be stream or presigned.")
    raw_expires = params.get("expires", "60")
    if not raw_expires.isdigit() or not 1 <= int(raw_expires) <= MAX_PRESIGNED_SECONDS:
        raise InvalidStorageURL(
            f"STORAGE_URL expires must be a whole number of seconds from 1 to {MAX_PRESIGNED_SECONDS}."
        )
    return StorageConfig(
        backend="s3",
        location="/".join(prefix_parts),
        bucket=bucket,
        endpoint_url=endpoint,
        region=region,
        addressing_style=style,
        access_key=access_key,
        secret_key=secret_key,
        downloads="presigned" if downloads == "presigned" else "stream",
        expires=int(raw_expires),
    )
