from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

STORAGE_ROOT = Path(os.getenv("DOCVAULT_ROOT", "/var/docvault"))
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


def save_document(fileobj: BinaryIO, filename: str, content_type: str) -> StoredDocument:
    if content_type not in ALLOWED_TYPES:
        raise DocumentError(f"unsupported type {content_type}")
    data = fileobj.read(MAX_SIZE + 1)
    if len(data) > MAX_SIZE:
        raise DocumentError("file too large")
    doc_id = uuid.uuid4().hex
    path = STORAGE_ROOT / doc_id[:2] / doc_id
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return StoredDocument(
        id=doc_id,
        filename=os.path.basename(filename),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def open_document(doc_id: str) -> bytes:
    path = STORAGE_ROOT / doc_id[:2] / doc_id
    if not path.exists():
        raise DocumentError(f"no document {doc_id}")
    return path.read_bytes()
