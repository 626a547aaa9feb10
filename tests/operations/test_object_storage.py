"""Several app servers with no shared disk keep evidence and packs in S3-compatible object storage
(FILE_STORAGE=s3). Here the store is moto's standalone S3 server, started on loopback: the nearest
S3 server that installs on this machine. An officer's evidence goes into the bucket through the
update page and comes back only through the permission-checked download."""

import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from moto.server import ThreadedMotoServer

from improvement.models import Evidence
from tests import factories
from tests.sample_files import SMALL_PDF

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "council-evidence"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings):
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="eu-west-2", **CREDENTIALS)
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "eu-west-2",
                "access_key": CREDENTIALS["aws_access_key_id"],
                "secret_key": CREDENTIALS["aws_secret_access_key"],
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.fixture
def action(plan, officer_lead):
    return factories.ActionFactory(plan=plan, reference="JAN17-5", lead=officer_lead)


def test_evidence_goes_into_the_bucket_and_out_only_through_the_download(
    client, bucket, officer, action, foreign_officer
):
    client.force_login(officer)

    response = client.post(
        f"{action.get_absolute_url()}update/",
        {
            "version": action.version,
            "progress_rag": action.progress_rag,
            "status": action.status,
            "evidence_file": SimpleUploadedFile("Audit – March.pdf", SMALL_PDF),
        },
    )

    assert response.status_code == 302
    evidence = Evidence.objects.get()
    keys = [item["Key"] for item in bucket.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == [evidence.file.name]
    stored = bucket.get_object(Bucket=BUCKET, Key=evidence.file.name)["Body"].read()
    assert stored == SMALL_PDF

    url = f"{action.get_absolute_url()}evidence/{evidence.pk}/"
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == SMALL_PDF

    client.force_login(foreign_officer)
    assert client.get(url).status_code == 404


def test_the_health_check_writes_to_the_bucket_and_leaves_nothing_behind(client, bucket):
    response = client.get("/health/")

    assert response.json()["checks"]["storage"]["status"] == "ok"
    assert bucket.list_objects_v2(Bucket=BUCKET).get("KeyCount") == 0
    assert default_storage.__class__.__name__ == "S3Storage"


def _settings_with(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_object_storage_refuses_a_web_server_hand_off_it_cannot_serve():
    refused = _settings_with(
        FILE_STORAGE="s3", S3_BUCKET=BUCKET, PRIVATE_FILES_ACCEL_REDIRECT="/protected/"
    )

    assert refused.returncode != 0
    assert "unset PRIVATE_FILES_ACCEL_REDIRECT and PRIVATE_FILES_SENDFILE" in refused.stderr


def test_an_unknown_storage_or_a_bucket_left_out_is_named():
    assert "needs S3_BUCKET" in _settings_with(FILE_STORAGE="s3").stderr
    assert 'FILE_STORAGE is "nfs"' in _settings_with(FILE_STORAGE="nfs").stderr
