"""Files on S3-compatible storage through django-storages, against moto's S3 server on loopback."""

import runpy
from pathlib import Path

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from moto.s3.models import s3_backends
from moto.server import ThreadedMotoServer


@pytest.fixture
def s3_server():
    """A moto S3 server on loopback. moto keeps its buckets in this process's memory, shared by every
    server it starts: they are emptied after each test so the next one starts with no bucket."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
    s3_backends.reset()


@pytest.fixture
def s3_storage(settings, s3_server, monkeypatch):
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    client = boto3.client(
        "s3", endpoint_url=s3_server, aws_access_key_id="test", aws_secret_access_key="test", region_name="eu-west-3"
    )
    client.create_bucket(Bucket="colophon-files", CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
    # The storage configuration exactly as portal/settings.py builds it from the environment.
    for name, value in {
        "STORAGE_BACKEND": "s3",
        "AWS_STORAGE_BUCKET_NAME": "colophon-files",
        "AWS_S3_ENDPOINT_URL": s3_server,
        "AWS_S3_REGION_NAME": "eu-west-3",
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
    }.items():
        monkeypatch.setenv(name, value)
    configured = runpy.run_path(str(Path(__file__).resolve().parents[2] / "portal" / "settings.py"))
    settings.STORAGES = {**settings.STORAGES, "default": configured["STORAGES"]["default"]}
    return storages["default"], client


def test_files_are_stored_in_the_bucket_and_never_overwritten(s3_storage):
    storage, client = s3_storage
    first = storage.save("products/1/a.pdf", ContentFile(b"%PDF-1.7 first"))
    second = storage.save("products/1/a.pdf", ContentFile(b"%PDF-1.7 second"))
    assert first != second
    with storage.open(first, "rb") as handle:
        assert handle.read() == b"%PDF-1.7 first"
    keys = {item["Key"] for item in client.list_objects_v2(Bucket="colophon-files")["Contents"]}
    assert keys == {first, second}
    assert "X-Amz-Signature" in storage.url(first)
