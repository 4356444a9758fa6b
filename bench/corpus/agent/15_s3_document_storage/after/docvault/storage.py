"""Storage backends for documents: S3 in deployed environments, local disk otherwise.

Backend selection (``get_backend()``):
  * DOCVAULT_STORAGE=s3 or =local forces a backend
  * otherwise S3 is used when DOCVAULT_BUCKET is set and boto3 can find
    credentials; if not, we fall back to the local directory so dev and CI
    work without AWS access.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Protocol

logger = logging.getLogger(__name__)


class StorageError(Exception):
    pass


class NotFound(StorageError):
    pass


class StorageBackend(Protocol):
    name: str

    def put(self, key: str, data: bytes, content_type: str, metadata: dict[str, str]) -> None: ...
    def get(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None: ...
    def url(self, key: str, filename: str, expires: int = 300) -> str | None: ...


class LocalStorage:
    name = "local"

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise StorageError(f"invalid key {key!r}")
        return path

    def put(self, key, data, content_type, metadata):
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(path)

    def get(self, key):
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise NotFound(key)

    def delete(self, key):
        try:
            self._path(key).unlink()
        except FileNotFoundError:
            pass

    def url(self, key, filename, expires=300):
        # no presigned URLs locally; the web layer streams the file itself
        return None


class S3Storage:
    name = "s3"

    def __init__(self, bucket: str, prefix: str = "documents/", client=None):
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.prefix = prefix
        self.client = client or boto3.client(
            "s3",
            region_name=os.getenv("AWS_REGION", "eu-central-1"),
            config=Config(retries={"max_attempts": 5, "mode": "standard"}),
        )

    def _key(self, key: str) -> str:
        return self.prefix + key

    def put(self, key, data, content_type, metadata):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=self._key(key),
                Body=data,
                ContentType=content_type,
                Metadata=metadata,
                ServerSideEncryption="AES256",
            )
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(f"s3 upload failed: {exc}") from exc

    def get(self, key):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            obj = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
            return obj["Body"].read()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise NotFound(key) from exc
            raise StorageError(f"s3 download failed: {exc}") from exc
        except BotoCoreError as exc:
            raise StorageError(f"s3 download failed: {exc}") from exc

    def delete(self, key):
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def url(self, key, filename, expires=300):
        return self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": self._key(key),
                "ResponseContentDisposition": f'attachment; filename="{filename}"',
            },
            ExpiresIn=expires,
        )


def _s3_available() -> bool:
    try:
        import boto3
    except ImportError:
        return False
    try:
        return boto3.Session().get_credentials() is not None
    except Exception:
        return False


_backend: StorageBackend | None = None


def get_backend() -> StorageBackend:
    global _backend
    if _backend is not None:
        return _backend

    forced = os.getenv("DOCVAULT_STORAGE", "").lower()
    bucket = os.getenv("DOCVAULT_BUCKET")
    local_root = os.getenv("DOCVAULT_ROOT", "/var/docvault")

    if forced == "s3" or (not forced and bucket and _s3_available()):
        if not bucket:
            raise StorageError("DOCVAULT_STORAGE=s3 but DOCVAULT_BUCKET is not set")
        _backend = S3Storage(bucket, prefix=os.getenv("DOCVAULT_PREFIX", "documents/"))
    else:
        if bucket and not forced:
            logger.warning("DOCVAULT_BUCKET set but no AWS credentials found; using local storage at %s", local_root)
        _backend = LocalStorage(local_root)
    logger.info("document storage backend: %s", _backend.name)
    return _backend


def set_backend(backend: StorageBackend | None) -> None:
    global _backend
    _backend = backend
