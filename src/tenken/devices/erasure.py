"""Whether a phone is initialised (初期化済み), as far as the phone itself shows it: an iPhone at the Setup
Assistant (lockdown's SetupDone false), an Android phone at the setup wizard (`user_setup_complete` 0)
with no account at all on it. Measured, with when (the read's time); what a reset cannot be seen to
remove (FeliCa, the スマホ用電子証明書) and the second person's check are a person's to confirm
(`tenken record erasure`).
"""

from __future__ import annotations

from tenken.facts import DeviceFacts, Fact, Platform, Provenance, msg


def erased(facts: DeviceFacts) -> Fact[bool]:
    """初期化済み (True), owner data on it (False), or unknown, from the facts already read."""
    setup, accounts = facts.setup_complete, facts.owner_accounts
    if facts.ref.platform is Platform.IOS:
        source = setup.source
        if setup.provenance is Provenance.MEASURED and setup.value is False:
            return Fact.measured(True, source, msg("erased.setup_assistant", at=facts.read_at))
    else:
        source = "; ".join(part for part in (setup.source, accounts.source) if part)
        if setup.provenance is Provenance.MEASURED and setup.value is False:
            no_account = (
                accounts.provenance is Provenance.MEASURED and accounts.value == [] and accounts.note is None
            )
            if not no_account:
                return Fact.unknown(source, msg("erased.accounts_left"))
            return Fact.measured(True, source, msg("erased.setup_wizard", at=facts.read_at))
    if setup.provenance is Provenance.MEASURED and setup.value is True:
        return Fact.measured(False, source, msg("erased.in_use"))
    return Fact.unknown(source, msg("erased.not_shown", why=setup.note))
