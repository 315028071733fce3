"""The phone's label (値札・管理ラベル) of a stored inspection: the rows it rests on checked as a
certificate's are (certificates.py), its QR code chosen, the page printed to PDF at the label's size by
Chromium, and sent to a CUPS printer on request (`lp -d PRINTER FILE`, arguments as a list, never a
shell). `tenken label` writes one; the station run (run.py) writes one per phone it keeps when
`label.auto` is set, through `Labeller`, without ever waiting for it.
"""

from __future__ import annotations

import asyncio
import logging
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from tenken.config import Settings
from tenken.errors import InputError, OutputError, TenkenError, UsageError
from tenken.facts import Message, msg
from tenken.store import Store
from tenken.verdict.policy import Policy

if TYPE_CHECKING:
    from tenken.inspection import Inspection
    from tenken.report.label import Size
    from tenken.report.labels import Lang
    from tenken.station.certificates import Checked

log = logging.getLogger(__name__)
LP_SECONDS = 30.0


def size_of(text: str) -> Size:
    """The label's size from `--size` or `label.size`; UsageError when it is not one."""
    from tenken.report.label import label_size

    size = label_size(text)
    if size is None:
        raise UsageError(msg("label.bad_size", size=text))
    return size


def write_label(
    settings: Settings,
    policy: Policy,
    store: Store,
    inspection_id: str,
    out: Path | None,
    *,
    folder: Path | None = None,
    size: Size,
    lang: Lang,
    channel: str,
) -> Path:
    """Write the label of a stored inspection as a PDF of exactly `size` to `out` (default: a file named
    as the certificate's, tenken-label-…pdf, in `folder`, else in `settings.label_dir`); the path."""
    from tenken.files import private_folder, write_private
    from tenken.report.label import LabelOptions, phone_label
    from tenken.report.pdf import print_pdf
    from tenken.station.certificates import checked, file_name, identified

    if channel not in policy.channels:
        raise UsageError(msg("label.no_channel", channel=channel, channels=", ".join(policy.channels)))
    found = checked(store, inspection_id)
    if not identified(found.inspection):
        raise InputError(
            msg("label.no_identity", inspection=inspection_id, state=found.inspection.facts.state)
        )
    options = LabelOptions(
        size=size,
        lang=lang,
        channel=channel,
        channel_title=policy.channels[channel].title(lang, short=True),
        qr=qr_of(store, found),
    )
    named = file_name(found.inspection, "tenken-label", ".pdf")
    target = out if out is not None else (folder or settings.label_dir) / named
    try:
        private_folder(target.parent)
    except OSError as error:
        raise OutputError(
            msg("error.cannot_write_in", folder=str(target.parent), why=error.strerror)
        ) from None
    with tempfile.TemporaryDirectory(prefix="tenken-label-") as scratch:  # 0700
        page = Path(scratch) / "label.html"
        write_private(page, phone_label(found.inspection, options).encode("utf-8"))
        print_pdf(page, target)
    return target


def qr_of(store: Store, found: Checked) -> str:
    """What the label's QR code carries: the verify address of the newest certificate issued over this
    very record, when that certificate names the shop's verify page and its row is as its station signed
    it; else the certificate's tenken: line with the record hash (report/html.py qr_payload)."""
    from tenken.facts import Seal
    from tenken.report.html import qr_payload, verify_link
    from tenken.store.records import newest_certificate

    issued = newest_certificate(store, found.inspection.id)
    if (
        issued is not None
        and issued.verify_url
        and issued.seal is Seal.SIGNED
        and issued.record_sha256 == found.record
    ):
        return verify_link(issued.verify_url, issued.record_id, found.record)
    return qr_payload(found.inspection, found.record)


def send_to_printer(printer: str, pdf: Path) -> None:
    """`lp -d PRINTER FILE`: the label to a CUPS queue (a Brother QL through its CUPS driver)."""
    command = ["lp", "-d", printer, str(pdf.resolve())]
    try:
        done = subprocess.run(command, capture_output=True, timeout=LP_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise OutputError(msg("label.lp_timeout", printer=printer, seconds=LP_SECONDS)) from None
    except OSError as error:
        raise OutputError(msg("label.no_lp", why=error.strerror or str(error))) from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OutputError(
            msg("label.lp_failed", printer=printer, code=done.returncode, said=said[-1] if said else "")
        )


class Labeller:
    """`label.auto`: a label for each inspection the station keeps, written (and printed when a printer is
    set) in a worker thread, one at a time (Chromium is heavy). Never raises to the station: a failure is
    logged and kept as `problem` for the board's health, until a label begun after it is written. A phone
    whose inspection read neither an IMEI nor a serial number gets none (nothing would say whose it is)."""

    def __init__(self, settings: Settings, policy: Policy, store: Store) -> None:
        self.settings = settings
        self.policy = policy
        self.store = store
        self.written: list[Path] = []
        self.problem: Message | None = None
        self._turn = asyncio.Lock()
        self._begun = 0
        self._failed_at = 0  # the number of the label that failed last

    async def make(self, inspection: Inspection) -> None:
        from tenken.station.certificates import identified

        if not identified(inspection):
            return  # a phone not read (Trust, a locked screen): nothing to put on its label
        self._begun += 1
        number = self._begun
        async with self._turn:
            try:
                path = await asyncio.to_thread(self._make, inspection.id)
            except Exception as error:  # a label never stops the station: said in its health instead
                words = str(error) if isinstance(error, TenkenError | OSError) else repr(error)
                log.warning("label of inspection %s: %s", inspection.id, words, exc_info=error)
                self.problem = msg("label.failed", inspection=inspection.id[:8], problem=words)
                self._failed_at = number
                return
        self.written.append(path)
        if number > self._failed_at:
            self.problem = None

    def _make(self, inspection_id: str) -> Path:
        from tenken.report.labels import language

        settings = self.settings
        path = write_label(
            settings,
            self.policy,
            self.store,
            inspection_id,
            None,
            size=size_of(settings.label.size),
            lang=language(settings.lang or "ja"),
            channel=settings.label.channel,
        )
        if settings.label.printer:
            send_to_printer(settings.label.printer, path)
        return path
