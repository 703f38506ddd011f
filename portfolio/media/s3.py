"""Learners' media in S3-compatible object storage: AWS S3, MinIO or Ceph (``MEDIA_STORE=s3://bucket/prefix``).

A trust runs several app servers behind a load balancer; a photo uploaded through one must be read
through the others, so the files cannot stay on one machine's disk. The choices here:

* **One PUT per object.** S3 makes an object visible only once its PUT has completed, so a reader
  never sees half a photo and an upload cut short leaves nothing (not even a hidden temporary
  object). Multipart uploads are never used: a failed one leaves hidden parts behind until
  someone aborts it, and our files are far below the 5 GB a single PUT may carry.
* **Content-MD5 on every PUT.** Every S3-compatible server checks it, so a body damaged on the way
  is refused rather than stored. boto3's newer CRC checksums do the same where the server knows
  them; the MD5 still holds where an older MinIO or Ceph needs those switched off
  (``AWS_REQUEST_CHECKSUM_CALCULATION=when_required``).
* **Settings from boto3's own sources.** Credentials, region, retries and the endpoint come from
  the standard ``AWS_*`` variables, config files or an instance role; ``S3_ENDPOINT_URL`` may name the
  endpoint too. Nothing secret is in the app's settings.
* **A client per process, made on first use.** A gunicorn master that loads the app before it forks
  never hands one connection pool to several workers.
* **Errors in the store's own terms.** A missing object is ``FileNotFoundError``, as on disk; anything
  else the service says becomes ``MediaStoreError`` (an ``OSError``), which the clean-up after a failed
  commit logs and carries on from.
"""
from __future__ import annotations

import base64
import hashlib
import io
import os
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from portfolio.media.storage import MediaStoreError, OpenedMedia, StoredObject, checked_key

MISSING_CODES = {"404", "NoSuchKey", "NotFound"}
# A page waits at most this long for the store; boto3's retries (AWS_MAX_ATTEMPTS) still apply.
CLIENT_CONFIG = Config(connect_timeout=5, read_timeout=30)


def _is_missing(error: ClientError) -> bool:
    return str(error.response.get("Error", {}).get("Code")) in MISSING_CODES


def _failed(action: str, key: str, error: Exception) -> MediaStoreError:
    return MediaStoreError(f"Object storage could not {action} {key}: {error}")


class S3MediaStore:
    """A ``MediaStore`` over one bucket, every key under ``prefix`` (so one bucket can serve several installs)."""

    def __init__(self, bucket: str, prefix: str = "", *, endpoint_url: str | None = None,
                 client: Any = None) -> None:
        if not bucket:
            raise ValueError("An S3 media store needs a bucket name.")
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        if self.prefix:
            checked_key(self.prefix)
        self.endpoint_url = endpoint_url
        self._client = client
        self._client_pid = os.getpid() if client is not None else None
        self._lock = threading.Lock()

    @classmethod
    def from_url(cls, url: str, *, endpoint_url: str | None = None) -> S3MediaStore:
        """The store ``s3://bucket/prefix`` names."""
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc or parts.query or parts.fragment:
            raise ValueError(f"{url!r} is not an s3://bucket/prefix address.")
        return cls(parts.netloc, parts.path, endpoint_url=endpoint_url)

    def __repr__(self) -> str:
        return f"S3MediaStore({self.bucket!r}, {self.prefix!r})"

    @property
    def client(self) -> Any:
        """The boto3 client for this process (boto3 clients are safe to share between threads)."""
        with self._lock:
            if self._client is None or self._client_pid != os.getpid():
                self._client = boto3.session.Session().client("s3", endpoint_url=self.endpoint_url,
                                                              config=CLIENT_CONFIG)
                self._client_pid = os.getpid()
            return self._client

    def _object(self, key: str) -> str:
        checked_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def save(self, key: str, data: bytes) -> None:
        """One PUT with the body's MD5: the object appears whole or not at all."""
        name = self._object(key)
        digest = base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode()
        try:
            self.client.put_object(Bucket=self.bucket, Key=name, Body=data, ContentMD5=digest,
                                   ContentType="application/octet-stream")
        except (BotoCoreError, ClientError) as error:
            raise _failed("store", key, error) from error

    def read(self, key: str) -> bytes:
        opened = self.open(key)
        with opened.stream:
            return opened.stream.read()

    def path(self, key: str) -> None:
        """Objects are not on this disk: the serving route streams them through ``open``."""
        checked_key(key)
        return None

    def delete(self, key: str) -> None:
        """S3 answers a delete of a missing key with success, so a retried clean-up is harmless."""
        name = self._object(key)
        try:
            self.client.delete_object(Bucket=self.bucket, Key=name)
        except (BotoCoreError, ClientError) as error:
            raise _failed("delete", key, error) from error

    def exists(self, key: str) -> bool:
        name = self._object(key)
        try:
            self.client.head_object(Bucket=self.bucket, Key=name)
        except ClientError as error:
            if _is_missing(error):
                return False
            raise _failed("look for", key, error) from error
        except BotoCoreError as error:
            raise _failed("look for", key, error) from error
        return True

    def open(self, key: str) -> OpenedMedia:
        reader = S3ObjectReader(self.client, self.bucket, self._object(key), key)
        return OpenedMedia(reader, reader.size, reader.modified, reader.etag)

    def listing(self) -> Iterator[StoredObject]:
        """Every object under the prefix. Keys the app could not have written (another tool's) are left out,
        so the sweep never removes them."""
        start = f"{self.prefix}/" if self.prefix else ""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=start)
        try:
            for page in pages:
                for item in page.get("Contents", []):
                    key = item["Key"][len(start):]
                    try:
                        checked_key(key)
                    except ValueError:
                        continue
                    yield StoredObject(key, item["LastModified"].timestamp(), item["Size"])
        except (BotoCoreError, ClientError) as error:
            raise _failed("list", start or "the bucket", error) from error


class S3ObjectReader(io.RawIOBase):
    """An object read as a seekable file, streamed rather than loaded whole.

    The first GET fetches the whole object and tells its size, change time and ETag. A seek (a browser
    asking for part of a recording) drops that stream and the next read asks for ``Range: bytes=N-``,
    so the app sends on what it receives and never holds a whole recording in memory.
    """

    def __init__(self, client: Any, bucket: str, name: str, key: str) -> None:
        super().__init__()
        self._client, self._bucket, self._name, self._key = client, bucket, name, key
        answer = self._get(None)
        self.size: int = answer["ContentLength"]
        self.modified = answer["LastModified"]
        self.etag: str = answer["ETag"].strip('"')
        self._body: Any = answer["Body"]
        self._position = 0

    def _get(self, start: int | None) -> dict[str, Any]:
        extra = {"Range": f"bytes={start}-"} if start else {}
        try:
            return self._client.get_object(Bucket=self._bucket, Key=self._name, **extra)
        except ClientError as error:
            if _is_missing(error):
                raise FileNotFoundError(f"No media stored under {self._key}") from error
            raise _failed("read", self._key, error) from error
        except BotoCoreError as error:
            raise _failed("read", self._key, error) from error

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self.size}[whence]
        target = base + offset
        if target < 0:
            raise ValueError("Cannot seek before the start of an object.")
        if target != self._position:
            self._drop_body()
            self._position = target
        return target

    def readinto(self, buffer: Any) -> int:
        if self._position >= self.size:
            return 0
        if self._body is None:
            self._body = self._get(self._position)["Body"]
        try:
            chunk = self._body.read(len(buffer))
        except (BotoCoreError, OSError) as error:
            raise _failed("read", self._key, error) from error
        if not chunk:  # the connection ended early: never pass a short file off as a whole one
            raise MediaStoreError(f"Object storage ended {self._key} after {self._position} of {self.size} bytes")
        buffer[:len(chunk)] = chunk
        self._position += len(chunk)
        return len(chunk)

    def readall(self) -> bytes:
        """The rest of the object in one read (``read()`` would otherwise go 8 KB at a time)."""
        if self._position >= self.size:
            return b""
        if self._body is None:
            self._body = self._get(self._position)["Body"]
        try:
            data: bytes = self._body.read()
        except (BotoCoreError, OSError) as error:
            raise _failed("read", self._key, error) from error
        if len(data) != self.size - self._position:
            wanted = self.size - self._position
            raise MediaStoreError(f"Object storage sent {len(data)} of {wanted} bytes of {self._key}")
        self._position = self.size
        return data

    def _drop_body(self) -> None:
        if self._body is not None:
            self._body.close()
            self._body = None

    def close(self) -> None:
        self._drop_body()
        super().close()
