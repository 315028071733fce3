"""A certificate (or a phone's label) as PDF, printed by Chromium in headless mode (Debian's `chromium` package).

Chromium prints the page exactly as a browser's "Print → Save as PDF" does (the same engine, the A4
@page rules, the system's Japanese fonts), which is also the way to make a PDF without tenken's help.
The browser gets a fresh profile and the page's own CSP forbids any fetch. Chromium 156 still asks
Google for the time, for component updates and for accounts despite --disable-background-networking
and --disable-component-update, so every request goes to a proxy that is not there: nothing leaves the
machine while a certificate is printed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tenken.errors import OutputError
from tenken.files import write_private

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--no-pings",
    "--proxy-server=http://127.0.0.1:9",  # the discard port: nothing answers, nothing leaves
    "--proxy-bypass-list=<-loopback>",  # loopback through it too
)
SECONDS = 90.0


def chromium() -> str | None:
    """The browser: TENKEN_CHROMIUM, else the first of NAMES on PATH."""
    chosen = os.environ.get("TENKEN_CHROMIUM")
    if chosen:
        return shutil.which(chosen)
    return next((found for found in map(shutil.which, NAMES) if found), None)


def browser_command(binary: str, profile: Path, *extra: str) -> list[str]:
    """Chromium's command line with tenken's flags; without its sandbox only as root (it refuses then)."""
    sandbox = ("--no-sandbox",) if os.geteuid() == 0 else ()
    return [binary, *FLAGS, *sandbox, f"--user-data-dir={profile}", *extra]


def print_pdf(page: Path, pdf: Path) -> None:
    """Print the HTML file `page` to `pdf` at the size its @page rule says (the certificate: A4; a label:
    its own size), without headers and footers."""
    binary = chromium()
    if binary is None:
        raise OutputError(
            "--pdf needs Chromium (apt-get install chromium, or set TENKEN_CHROMIUM); or open the HTML "
            "certificate in a browser and print it to PDF"
        )
    with tempfile.TemporaryDirectory(prefix="tenken-chromium-") as scratch:  # 0700
        printed = Path(scratch) / "certificate.pdf"  # Chromium writes with the umask: moved in below
        command = browser_command(
            binary,
            Path(scratch) / "profile",
            "--no-pdf-header-footer",
            f"--print-to-pdf={printed}",
            page.resolve().as_uri(),
        )
        try:
            done = subprocess.run(command, capture_output=True, timeout=SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise OutputError(f"Chromium did not print {pdf} within {SECONDS:.0f} s") from None
        except OSError as error:
            raise OutputError(f"cannot run {binary}: {error.strerror}") from None
        if done.returncode != 0 or not printed.is_file() or printed.stat().st_size == 0:
            said = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise OutputError(
                f"Chromium could not print {pdf} (exit {done.returncode}{': ' + said[-1] if said else ''})"
            )
        try:
            write_private(pdf, printed.read_bytes())
        except OSError as error:
            raise OutputError(f"cannot write {pdf}: {error.strerror}") from None
