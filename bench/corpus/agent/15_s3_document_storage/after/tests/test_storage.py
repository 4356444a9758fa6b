import io

import pytest

from docvault import storage
from docvault.documents import DocumentError, open_document, save_document
from docvault.storage import LocalStorage, S3Storage, StorageError


@pytest.fixture(autouse=True)
def local_backend(tmp_path):
    storage.set_backend(LocalStorage(tmp_path))
    yield
    storage.set_backend(None)


def test_roundtrip_local():
    doc = save_document(io.BytesIO(b"%PDF-1.4 hi"), "../../etc/contract.pdf", "application/pdf")
    assert doc.filename == "contract.pdf"
    assert open_document(doc.id) == b"%PDF-1.4 hi"


def test_missing_document():
    with pytest.raises(DocumentError):
        open_document("0" * 32)


def test_rejects_bad_id():
    with pytest.raises(DocumentError):
        open_document("../secrets")


def test_local_storage_blocks_traversal(tmp_path):
    with pytest.raises(StorageError):
        LocalStorage(tmp_path).get("../outside")


def test_fallback_to_local_without_credentials(monkeypatch, tmp_path):
    storage.set_backend(None)
    monkeypatch.setenv("DOCVAULT_BUCKET", "some-bucket")
    monkeypatch.setenv("DOCVAULT_ROOT", str(tmp_path))
    monkeypatch.delenv("DOCVAULT_STORAGE", raising=False)
    monkeypatch.setattr(storage, "_s3_available", lambda: False)
    assert storage.get_backend().name == "local"


class FakeS3:
    def __init__(self):
        self.objects = {}

    def put_object(self, Bucket, Key, Body, **kw):
        self.objects[Key] = Body

    def generate_presigned_url(self, op, Params, ExpiresIn):
        return f"https://s3.example/{Params['Bucket']}/{Params['Key']}?exp={ExpiresIn}"


def test_s3_put_and_url():
    pytest.importorskip("boto3")
    fake = FakeS3()
    s3 = S3Storage("bkt", client=fake)
    s3.put("ab/abc", b"data", "application/pdf", {})
    assert fake.objects == {"documents/ab/abc": b"data"}
    assert s3.url("ab/abc", "x.pdf").startswith("https://s3.example/bkt/documents/ab/abc")
