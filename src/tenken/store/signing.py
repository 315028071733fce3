"""The station's key, and the keyed hash (HMAC-SHA256) on every row a station keeps that a later read
must be able to trust: carrier answers and facts recorded by hand.

What a carrier said can be checked by reading the kept page again (lookups/integrity.py); what a person
entered cannot, nor can a row's time or who recorded it. So every such row carries `signature`, an
HMAC of its meaningful fields under a key kept outside the database, and `signed_by`, the key's id. Editing
the row in the database (an `UPDATE … SET outcome='ok'`) breaks the signature; only someone holding the
key file can make a new one.

The key is 32 random bytes, written as hex to `<data dir>/station.key` (owner-only) the first time it
is needed. A fleet of stations on one PostgreSQL: each station signs with its own key; a station checks
another's rows when it holds that key too (copied into `<data dir>/keys/NAME.key`). A row signed with a key
not held here is "foreign": its page can still be read again, but a person's entry is not believed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tenken.errors import StoreError
from tenken.facts import Seal
from tenken.files import private_folder

KEY_FILE = "station.key"
OTHER_KEYS = "keys"


@dataclass(frozen=True, slots=True)
class StationKey:
    secret: bytes
    name: str  # whose key: "this station", or the file name a fleet administrator gave it

    @property
    def id(self) -> str:
        """A short public name for the key (not the key): what rows record as `signed_by`."""
        return hashlib.sha256(b"tenken station key\0" + self.secret).hexdigest()[:16]

    def sign(self, fields: Mapping[str, object]) -> str:
        return hmac.new(self.secret, canonical(fields), hashlib.sha256).hexdigest()


class KeyRing:
    """This station's key (signs) and every key it holds (checks)."""

    def __init__(self, own: StationKey, others: list[StationKey] | None = None) -> None:
        self.own = own
        self.keys = {key.id: key for key in [own, *(others or [])]}

    @classmethod
    def load(cls, data_dir: Path) -> KeyRing:
        """The station's key (created on first use) and the other stations' keys copied here."""
        own = StationKey(_load_or_create(data_dir / KEY_FILE), "this station")
        others = []
        folder = data_dir / OTHER_KEYS
        if folder.is_dir():
            for path in sorted(folder.glob("*.key")):
                others.append(StationKey(_read_key(path), path.stem))
        return cls(own, others)

    def seal(self, fields: Mapping[str, object]) -> tuple[str, str]:
        """(signed_by, signature) for a row about to be kept."""
        return self.own.id, self.own.sign(fields)

    def check(self, fields: Mapping[str, object], signed_by: str | None, signature: str | None) -> Seal:
        if not signature or not signed_by:
            return Seal.UNSIGNED
        key = self.keys.get(signed_by)
        if key is None:
            return Seal.FOREIGN
        return Seal.SIGNED if hmac.compare_digest(key.sign(fields), signature) else Seal.BROKEN

    def holder(self, signed_by: str | None) -> str:
        key = self.keys.get(signed_by or "")
        return key.name if key is not None else (signed_by or "")


def canonical(fields: Mapping[str, object]) -> bytes:
    """The bytes signed: sorted keys, times in UTC to the microsecond, bytes as hex — the same whether a
    row is written to SQLite, PostgreSQL or the spool and read back."""
    return json.dumps(
        {key: _plain(value) for key, value in fields.items()},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, bytes):
        return value.hex()
    return value


def _load_or_create(path: Path) -> bytes:
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    secret = secrets.token_bytes(32)
    try:
        private_folder(path.parent, tighten=True)  # the data folder
        # Written whole under another name, then linked into place: a key file is never seen half written,
        # and of two tenken processes starting at once, one key wins and both use it.
        descriptor, written = tempfile.mkstemp(prefix=".station.", dir=path.parent)  # mode 0600
        with os.fdopen(descriptor, "w") as out:
            out.write(secret.hex() + "\n")
        try:
            os.link(written, path)
        except FileExistsError:
            return _read_key(path)
        finally:
            os.unlink(written)
    except OSError as error:
        raise StoreError(f"cannot create the station key {path}: {error.strerror}") from None
    return secret


def _read_key(path: Path) -> bytes:
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise
    except (OSError, UnicodeDecodeError) as error:
        raise StoreError(f"cannot read the station key {path}: {error}") from None
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        secret = b""
    if len(secret) < 16:
        raise StoreError(f"the station key {path} is not a key (64 hex digits); restore it from a backup")
    return secret
