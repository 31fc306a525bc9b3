"""STORAGE_URL parsing (pure) and the refusal to start with a bad one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from zi_portal.common.storage_url import InvalidStorageURL, StorageConfig, parse_storage_url
from zi_portal.settings.base import default_storage_setting

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("url", ["", "   ", "file:", "file://", "file:///"])
def test_empty_and_bare_file_urls_are_the_local_default(url):
    config = parse_storage_url(url)
    assert config == StorageConfig(backend="local") and config.storage_options() == {}


def test_file_url_with_a_folder():
    config = parse_storage_url("file:///srv/zi/media/")
    assert config.backend == "local" and config.storage_options() == {"location": "/srv/zi/media"}


def test_s3_url_with_every_parameter():
    config = parse_storage_url(
        "s3://AKIA%2FKEY:s3cr%40t@zi-berkas/portal/prod?endpoint_url=http://minio:9000&region=ap-southeast-3"
        "&addressing_style=path&downloads=presigned&expires=30"
    )
    assert config == StorageConfig(
        backend="s3", location="portal/prod", bucket="zi-berkas", endpoint_url="http://minio:9000",
        region="ap-southeast-3", addressing_style="path", access_key="AKIA/KEY", secret_key="s3cr@t",
        downloads="presigned", expires=30,
    )
    options = config.storage_options()
    assert options == {
        "bucket_name": "zi-berkas", "location": "portal/prod", "default_acl": None, "querystring_auth": True,
        "querystring_expire": 30, "file_overwrite": False, "signature_version": "s3v4",
        "endpoint_url": "http://minio:9000", "region_name": "ap-southeast-3",
        "access_key": "AKIA/KEY", "secret_key": "s3cr@t",
    }


def test_s3_url_minimal_reads_credentials_from_the_environment():
    config = parse_storage_url("s3://zi-berkas")
    assert (config.bucket, config.location, config.access_key, config.downloads, config.expires) == (
        "zi-berkas", "", "", "stream", 60)
    assert "access_key" not in config.storage_options() and "endpoint_url" not in config.storage_options()


@pytest.mark.parametrize(("url", "message"), [
    ("ftp://host/x", "scheme 'ftp'"),
    ("minio:9000", "scheme 'minio'"),
    ("s3://", "bucket ''"),
    ("s3://Zi_Berkas", "bucket 'Zi_Berkas'"),
    ("s3://ab", "bucket 'ab'"),
    ("s3://zi..berkas", "bucket 'zi..berkas'"),
    ("s3://key@zi-berkas", "ACCESS_KEY:SECRET_KEY"),
    ("s3://key:@zi-berkas", "ACCESS_KEY:SECRET_KEY"),
    ("s3://zi-berkas/../etc", "key prefix"),
    ("s3://zi-berkas?endpoint=http://minio:9000", "unknown parameter 'endpoint'"),
    ("s3://zi-berkas?region=a&region=b", "repeats the parameter 'region'"),
    ("s3://zi-berkas?endpoint_url=minio:9000", "http:// or https://"),
    ("s3://zi-berkas?endpoint_url=http://minio:99999", "malformed port"),
    ("s3://zi-berkas?region=Jakarta 1", "region"),
    ("s3://zi-berkas?addressing_style=sideways", "addressing_style"),
    ("s3://zi-berkas?downloads=inline", "downloads must be stream or presigned"),
    ("s3://zi-berkas?expires=0", "expires"),
    ("s3://zi-berkas?expires=86400", "expires"),
    ("s3://zi-berkas?expires=6e1", "expires"),
    ("file://otherhost/srv", "folder on this machine"),
    ("file:///srv/../etc", "without '..'"),
    ("file:///srv?x=1", "no parameters"),
])
def test_bad_urls_are_refused_with_a_reason(url, message):
    with pytest.raises(InvalidStorageURL) as refused:
        parse_storage_url(url)
    assert message in str(refused.value)


def test_the_secret_is_never_repeated_in_a_refusal():
    with pytest.raises(InvalidStorageURL) as refused:
        parse_storage_url("s3://AKIAKEY:TopSecret99@Bad_Bucket")
    assert "TopSecret99" not in str(refused.value) and "AKIAKEY" not in str(refused.value)


def test_a_bad_storage_url_refuses_to_start():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "zi_portal.settings.dev", "STORAGE_URL": "s3://Bad_Bucket"}
    done = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode != 0
    assert "ImproperlyConfigured: STORAGE_URL names the bucket 'Bad_Bucket'" in done.stderr


def test_the_settings_build_a_private_s3_storage():
    setting = default_storage_setting(parse_storage_url("s3://zi-berkas?endpoint_url=http://minio:9000"))
    assert setting["BACKEND"] == "storages.backends.s3.S3Storage"
    options = setting["OPTIONS"]
    assert options["default_acl"] is None and options["querystring_auth"] is True
    assert options["file_overwrite"] is False and options["max_memory_size"] > 0
    assert options["client_config"].connect_timeout == 5
    local = default_storage_setting(parse_storage_url(""))
    assert local["BACKEND"] == "zi_portal.common.storage.AtomicFileSystemStorage"
