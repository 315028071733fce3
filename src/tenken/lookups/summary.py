"""What several carriers' answers about one IMEI add up to. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Sequence

from tenken.facts import Carrier, ImeiReport, ImeiStatus, LookupResult, Outcome

_KNOWN = (Outcome.OK, Outcome.PENDING, Outcome.RESTRICTED)
UNREAD = {
    Outcome.UNAVAILABLE: "unavailable",
    Outcome.CAPTCHA_REQUIRED: "wants a CAPTCHA",
    Outcome.NEEDS_BROWSER: "needs a browser",
    Outcome.PARSE_ERROR: "page not understood",
    Outcome.INVALID_IMEI: "refused the IMEI",
}


def _names(results: Sequence[LookupResult]) -> str:
    return ", ".join(result.carrier.value for result in results)


def combine(imei: str, results: Sequence[LookupResult], asked_all: bool) -> ImeiReport:
    """Combine per-carrier answers: a worse mark wins; an unread carrier keeps the IMEI unknown
    unless a × or △ already decides; − everywhere is "not registered", not clean."""
    sold_by = tuple(result.carrier for result in results if result.outcome in _KNOWN)
    restricted = [result for result in results if result.outcome is Outcome.RESTRICTED]
    pending = [result for result in results if result.outcome is Outcome.PENDING]
    unread = [result for result in results if not result.outcome.is_mark]
    unread_note = f"; also unread: {_names(unread)}" if unread else ""

    if restricted:
        status = ImeiStatus.RESTRICTED
        summary = (
            f"× restricted at {_names(restricted)} (赤ロム): that network will not serve it; "
            f"other carriers only if SIM-unlocked{unread_note}"
        )
    elif pending:
        status = ImeiStatus.PENDING
        summary = f"△ at {_names(pending)}: instalments still running, may turn ×; re-check before listing{unread_note}"
    elif unread:
        status = ImeiStatus.UNKNOWN
        reasons = ", ".join(f"{result.carrier.value} {UNREAD[result.outcome]}" for result in unread)
        summary = f"not established: {reasons}"
    elif sold_by:
        status = ImeiStatus.CLEAN
        summary = f"sold by {_names([r for r in results if r.carrier in sold_by])}: ○ no restriction"
    else:
        status = ImeiStatus.NOT_REGISTERED
        where = "any carrier" if asked_all else _names(results)
        summary = f"not registered at {where} (SIM-free, replaced, or mistyped)"
    return ImeiReport(imei=imei, results=tuple(results), status=status, sold_by=sold_by, summary=summary)


def invalid(text: str, problem: str) -> ImeiReport:
    return ImeiReport(imei=text, results=(), status=ImeiStatus.INVALID, sold_by=(), summary=problem)


def order(carriers: Sequence[Carrier]) -> list[Carrier]:
    """Carriers in the canonical column order."""
    return [carrier for carrier in Carrier if carrier in carriers]
