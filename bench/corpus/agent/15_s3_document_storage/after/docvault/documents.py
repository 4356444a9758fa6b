from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from typing import BinaryIO

from docvault.storage import NotFound, StorageError, get_backend

ALLOWED_TYPES = {"application/pdf", "image/png", "image/jpeg"}
MAX_SIZE = 20 * 1024 * 1024


@dataclass
class StoredDocument:
    id: str
    filename: str
    content_type: str
    size: int
    sha256: str


class DocumentError(Exception):
    pass


def _key(doc_id: str) -> str:
    if not doc_id.isalnum():
        raise DocumentError(f"invalid document id {doc_id!r}")
    return f"{doc_id[:2]}/{doc_id}"


def save_document(fileobj: BinaryIO, filename: str, content_type: str) -> StoredDocument:
    if content_type not in ALLOWED_TYPES:
        raise DocumentError(f"unsupported type {content_type}")
    data = fileobj.read(MAX_SIZE + 1)
    if len(data) > MAX_SIZE:
        raise DocumentError("file too large")
    doc = StoredDocument(
        id=uuid.uuid4().hex,
        filename=os.path.basename(filename),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    try:
        get_backend().put(
            _key(doc.id), data, content_type,
            {"filename": doc.filename, "sha256": doc.sha256},
        )
    except StorageError as exc:
        raise DocumentError(f"could not store document: {exc}") from exc
    return doc


def open_document(doc_id: str) -> bytes:
    try:
        return get_backend().get(_key(doc_id))
    except NotFound:
        raise DocumentError(f"no document {doc_id}")
    except StorageError as exc:
        raise DocumentError(str(exc)) from exc


def document_url(doc_id: str, filename: str | None = None, expires: int = 300) -> str | None:
    """Presigned download URL, or None when the backend can't make one (local)."""
    return get_backend().url(_key(doc_id), filename or doc_id, expires)
