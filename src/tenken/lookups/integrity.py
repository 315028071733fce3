"""Does a stored answer still say what its carrier said? What a look-up or `tenken evidence` believes
of a row read back from the store.

A carrier's answer is checked twice: its kept page is read again with the parser that read it (it must
give the stored outcome and mark, for the stored IMEI, with the stored status), and the row must still be
as its station signed it (store/signing.py: the time, the origin, who recorded it cannot be read off the
page). A mark a person recorded has no page a parser can read: only the signature protects it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from tenken.catalog import carrier_row
from tenken.facts import MANUAL_ORIGIN, LookupResult, Message, Seal, msg
from tenken.lookups.providers import provider


@dataclass(frozen=True, slots=True)
class Check:
    """What checking one stored answer found: nothing wrong (`problem` None), or why it cannot be
    believed; `altered` when it was changed after it was kept (not merely unsigned or another station's)."""

    problem: Message | None = None
    altered: bool = False

    @property
    def ok(self) -> bool:
        return self.problem is None


def check(result: LookupResult) -> Check:
    """Whether a stored answer is still what was kept. Needs `result.seal` (read with the store's keys)."""
    evidence = result.evidence
    if evidence is not None and not evidence.intact:
        return Check(msg("integrity.page_changed", sha256=evidence.sha256[:12]), altered=True)
    manual = result.origin == MANUAL_ORIGIN or (evidence is not None and evidence.method == "MANUAL")
    if not manual and evidence is not None and result.outcome.is_mark:
        parser = provider(result.carrier, carrier_row(result.carrier).origin)  # reading needs no origin
        reread = parser.reread(result.imei, evidence)
        if reread.outcome is not result.outcome or reread.raw_mark != result.raw_mark:
            said = reread.outcome.symbol if reread.outcome.is_mark else reread.outcome.value
            return Check(
                msg("integrity.page_says_otherwise", page=said, row=result.outcome.symbol), altered=True
            )
        if result.origin and urlsplit(evidence.url)[:2] != urlsplit(result.origin)[:2]:
            return Check(msg("integrity.url_elsewhere", url=evidence.url, origin=result.origin), altered=True)
    if result.seal is Seal.BROKEN:
        return Check(msg("integrity.signature_broken"), altered=True)
    if result.seal is Seal.UNSIGNED:
        return Check(msg("integrity.unsigned"))
    if result.seal is Seal.FOREIGN:
        return Check(msg("integrity.foreign_key"))
    return Check()


def distrust(result: LookupResult, checked: Check) -> Message:
    """What a person is told of a stored answer a look-up did not believe (the carrier was asked again)."""
    said_of = {"carrier": result.carrier, "imei": result.imei, "problem": checked.problem}
    if checked.altered:
        return msg("lookup.distrusted_altered", **said_of)
    return msg("lookup.distrusted", **said_of)
