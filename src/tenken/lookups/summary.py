"""What several carriers' answers about one IMEI add up to. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Sequence

from tenken.facts import Carrier, ImeiReport, ImeiStatus, LookupResult, Message, Outcome, msg


def _carriers(results: Sequence[LookupResult]) -> list[Carrier]:
    return [result.carrier for result in results]


def combine(
    imei: str, results: Sequence[LookupResult], asked_all: bool, *, strict: bool = False
) -> ImeiReport:
    """Combine per-carrier answers: a worse mark wins; an unread carrier keeps the IMEI unknown unless
    another carrier registers it (○ △ ×: only the carrier that sold a phone registers its IMEI, so the
    others' answers cannot change it) — with `strict`, any unread carrier keeps it unknown; − everywhere
    is "not registered", not clean: it is neutral until the model's carrier is known (fine for a SIM-free
    model, a question for a carrier's)."""
    registered_at = tuple(result.carrier for result in results if result.outcome.registers)
    restricted = [result for result in results if result.outcome is Outcome.RESTRICTED]
    pending = [result for result in results if result.outcome is Outcome.PENDING]
    unread = [result for result in results if not result.outcome.is_mark]
    also_unread = _carriers(unread)

    if restricted:
        status = ImeiStatus.RESTRICTED
        summary = msg("imei.restricted_at", carriers=_carriers(restricted), unread=also_unread)
    elif pending:
        status = ImeiStatus.PENDING
        summary = msg("imei.pending_at", carriers=_carriers(pending), unread=also_unread)
    elif unread and (strict or not registered_at):  # ○ names the seller: only it registers an IMEI
        status = ImeiStatus.UNKNOWN
        summary = msg(
            "imei.not_established",
            reasons=[
                msg("imei.unread_at", carrier=result.carrier, outcome=result.outcome) for result in unread
            ],
        )
    elif registered_at:
        status = ImeiStatus.CLEAN
        summary = msg("imei.clean_at", carriers=list(registered_at), unread=also_unread)
    else:
        status = ImeiStatus.NOT_REGISTERED
        summary = msg("imei.not_registered", carriers=[] if asked_all else _carriers(results))
    return ImeiReport(
        imei=imei, results=tuple(results), status=status, registered_at=registered_at, summary=summary
    )


def invalid(text: str, problem: Message) -> ImeiReport:
    return ImeiReport(
        imei=text,
        results=(),
        status=ImeiStatus.INVALID,
        registered_at=(),
        summary=msg("imei.invalid", problem=problem),
    )


def order(carriers: Sequence[Carrier]) -> list[Carrier]:
    """Carriers in the canonical column order."""
    return [carrier for carrier in Carrier if carrier in carriers]
