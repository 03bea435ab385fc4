"""Content-derived identities: the same bytes always give the same transaction ID."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

# uuid5 namespace of leadprep transaction IDs.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://leadprep.invalid/transaction")


def file_digest(path: str | Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def transaction_id_of_digest(sha256: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, sha256))


def transaction_id(path: str | Path) -> str:
    """A UUID derived from the file's content (not its name or time)."""
    return transaction_id_of_digest(file_digest(path))
