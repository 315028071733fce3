"""What the page reads besides the running station (station.view): the store's records (a phone not on
the board, its history, its evidence pages, the re-check queue) and the station's users. Protocols only:
`tenken serve` (commands/serve.py) hands in implementations over the store, the tests their own, so that
the web layer never opens a database itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tenken.facts import Carrier, Outcome
from tenken.inspection import Inspection
from tenken.report.labels import Lang
from tenken.station.view import Fleet


@dataclass(frozen=True, slots=True)
class Page:
    """A carrier's page kept as evidence (or a screenshot a person attached), as it arrived."""

    body: bytes
    content_type: str
    sha256: str


@dataclass(frozen=True, slots=True)
class Due:
    """A carrier answer that must be asked again before the phone is listed (△, or one not read)."""

    inspection_id: str
    imei: str
    carrier: Carrier
    outcome: Outcome
    checked_at: datetime


class Records(Protocol):
    def inspection(self, inspection_id: str) -> Inspection | None:
        """A stored inspection (None when the store has none by that id)."""

    def history(self, inspection: Inspection) -> Sequence[Inspection]:
        """Every stored inspection of the same phone (serial, else IMEI), newest first."""

    def search(self, text: str) -> Sequence[Inspection]:
        """The newest inspection of each phone an IMEI (either slot), serial or stock number names."""

    def page(self, inspection_id: str, record_id: str) -> Page | None:
        """The evidence of one of this inspection's carrier answers, by the answer's record id."""

    def due(self) -> Sequence[Due]:
        """The re-check queue: answers to ask again, oldest first."""

    async def recheck(self) -> int:
        """Ask the carriers again about everything due (as `tenken recheck`); how many phones were asked."""

    async def label(self, inspection_id: str, lang: Lang) -> Page:
        """The phone's label (値札・管理ラベル) as a PDF of the configured size, as `tenken label` writes it."""

    def fleet(self, focus: str) -> Fleet | None:
        """The fleet's day on a shared database (None on a station's own SQLite file)."""

    async def certificate(self, inspection_id: str, by: str, pdf: bool) -> Page:
        """Issue the certificate (点検証明書) of a stored inspection, kept in the store as `tenken
        certificate` keeps it: its page, or the PDF. Raises NotFound, and TenkenError when the rows it
        rests on do not check out or the inspection names no phone."""


class Accounts(Protocol):
    def names(self) -> Sequence[str]:
        """The users who may log in (none: nobody can, and only 127.0.0.1 is served)."""

    def password_hash(self, name: str) -> str | None:
        """A user's argon2id hash, None when there is no such user."""
