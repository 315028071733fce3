"""Every error tenken reports to a person, in one tree. The command line (cli.py) turns each into one
line on stderr and the exit code named here; nothing below it prints.

    TenkenError
    ├── UsageError                exit 64   a command used wrongly (no IMEI given, no carrier enabled)
    ├── InputError                exit 65   what a person typed or handed over is not usable
    │   ├── InvalidIdentifier               not an IMEI (imei.py)
    │   └── InputFileError        exit 66   an input file cannot be read, decoded or understood
    ├── NotFound                  exit 66   nothing stored matches (no evidence, no inspection)
    ├── Mismatch                  exit 1    a certificate or a stored page is not what the store recorded
    ├── OutputError               exit 73   a file tenken was asked to write cannot be written
    ├── StoreError                exit 74   the database cannot be opened, read or written
    │   └── Spooled                         … and what was to be written waits in the local spool
    ├── TransportUnavailable      exit 3    usbmuxd or the adb server cannot be asked
    ├── EvidenceAltered           exit 5    a stored carrier page no longer matches its recorded sha256
    ├── InvalidFile               exit 78   a file a user wrote fails its schema (names file, key, expected)
    │   ├── ConfigError                     the configuration (file or TENKEN_… variable)
    │   ├── PolicyError                     a verdict policy file
    │   ├── ProfileError                    a simulated phone's profile (iPhone or Android)
    │   ├── RulesError                      the carrier simulator's rules file
    │   └── CatalogError                    a data table shipped in tenken/catalog/ (an edited row)
    ├── Exposed                   exit 78   `tenken serve` beyond 127.0.0.1 with no user to log in
    ├── SimulatorError            exit 69   a simulator cannot start or attach a phone
    └── BrowserUnavailable        exit 69   the assisted browser cannot start (tenken[browser], chromium)

Results that are not errors have the small codes: 0 every phone or IMEI fine, 1 flagged (× △, blocked),
2 held (a phone needs the technician; an IMEI − everywhere, not clean without its model's carrier), 3 could not ask (a transport, a phone's read or a carrier could not
be done), 4 nothing attached (no phone, or none where --udid/--serial/--port points), 5 stored evidence
altered (`tenken evidence` listed and saved everything, and some page is not what was recorded).

Errors that one module raises and catches itself for control flow stay private to that module.
"""

from __future__ import annotations

import importlib
from typing import Any, ClassVar

EXIT_OK = 0
EXIT_FLAGGED = 1  # a phone BLOCKED / PARTS_ONLY, or an IMEI × or △
EXIT_HOLD = 2  # a phone held back, or an IMEI − everywhere: something needed is not known
EXIT_NOT_ASKED = 3  # a transport, a phone's read or a carrier could not be done
EXIT_NO_PHONE = 4  # no phone attached, or none where the command pointed
EXIT_ALTERED = 5  # a stored carrier page does not match the sha256 recorded when it arrived
EXIT_USAGE = 64
EXIT_DATA = 65
EXIT_NO_INPUT = 66
EXIT_UNAVAILABLE = 69
EXIT_INTERNAL = 70
EXIT_CANNOT_CREATE = 73
EXIT_STORE = 74
EXIT_NO_PERMISSION = 77
EXIT_CONFIG = 78
EXIT_INTERRUPTED = 130


class TenkenError(Exception):
    """Base of every error tenken reports to a person. The message is one line a technician can act on:
    a string, or a message code with parameters (tenken.facts.Message) that the command line says in the
    user's language."""

    exit_code: ClassVar[int] = EXIT_INTERNAL

    @property
    def said(self) -> object | None:
        """The message, when the error was raised with a code rather than words."""
        first = self.args[0] if self.args else None
        return first if first is not None and not isinstance(first, str) else None

    def __str__(self) -> str:
        said = self.said
        if said is not None:  # the command line says it in the user's language; elsewhere, in English
            labels = importlib.import_module("tenken.report.labels")  # the words live at the edge
            return str(labels.render(said, "en"))
        return super().__str__()


class UsageError(TenkenError):
    """The command was used in a way that cannot work."""

    exit_code = EXIT_USAGE


class InputError(TenkenError, ValueError):
    """Something a person typed or handed over is not usable."""

    exit_code = EXIT_DATA


class InvalidIdentifier(InputError):
    """The text is not a usable IMEI. `problem` says what exactly is wrong (a message code with its
    parameters, imei.py), and the error's line says it about the text."""

    def __init__(self, text: str, problem: object) -> None:
        self.text = text
        self.problem = problem
        message: Any = type(problem)  # tenken.facts.Message (errors.py imports nothing of tenken)
        said = message("imei.not_valid", {"text": text, "problem": problem}) if _is_message(problem) else None
        super().__init__(said or f"{text!r} is not a valid IMEI: {problem}")


def _is_message(value: object) -> bool:
    return hasattr(value, "code") and hasattr(value, "params")


class InputFileError(InputError):
    """An input file (IMEI list, intake CSV) cannot be read, decoded or understood."""

    exit_code = EXIT_NO_INPUT


class NotFound(TenkenError, LookupError):
    """Nothing stored matches what was asked for (a LookupError too: a face answers it 404)."""

    exit_code = EXIT_NO_INPUT


class Mismatch(TenkenError):
    """A certificate does not say what the stored inspection says, or a stored evidence page no longer
    has the sha256 written with it (`tenken verify`). The message names the first difference."""

    exit_code = EXIT_FLAGGED


class OutputError(TenkenError):
    """A file or folder tenken was asked to write cannot be written."""

    exit_code = EXIT_CANNOT_CREATE


class PermissionNeeded(TenkenError):
    """The command needs rights this user does not have (root, for `tenken udev install`)."""

    exit_code = EXIT_NO_PERMISSION


class StoreError(TenkenError):
    """The database cannot be opened, read or written."""

    exit_code = EXIT_STORE


class Spooled(StoreError):
    """The database could not take what was to be written; it waits in the spool (the message says
    where) and the next write or open puts it in the database. Nothing is lost."""


class TransportUnavailable(TenkenError):
    """A device transport (usbmuxd, the adb server) cannot be reached. Other transports go on."""

    exit_code = EXIT_NOT_ASKED


class EvidenceAltered(TenkenError):
    """A stored carrier page no longer matches the sha256 recorded when it arrived: the database was
    altered or damaged, and that page proves nothing. Raised after everything was listed and saved."""

    exit_code = EXIT_ALTERED


class InvalidFile(TenkenError, ValueError):
    """A file a user wrote (or a variable standing for one of its keys) fails its schema.

    The message names the file, the key path and what was expected.
    """

    exit_code = EXIT_CONFIG

    def __init__(self, where: str, problem: str = "", key: str = "") -> None:
        self.where = where
        self.key = key
        self.problem = problem
        detail = f"{key}: {problem}" if key else problem
        super().__init__(f"{where}: {detail}" if detail else where)


class ConfigError(InvalidFile):
    """The configuration cannot be used."""


class PolicyError(InvalidFile):
    """A verdict policy cannot be used."""


class ProfileError(InvalidFile):
    """A simulated phone's profile cannot be used."""


class RulesError(InvalidFile):
    """The carrier simulator's rules cannot be used."""


class CatalogError(InvalidFile):
    """A data table shipped with tenken (catalog/*.toml) does not fit its schema."""


class Exposed(TenkenError):
    """`tenken serve --host` names an address other machines reach, and no user exists to log in: the
    station would be open to anyone on the network. Nothing is listening when this is raised."""

    exit_code = EXIT_CONFIG


class SimulatorError(TenkenError):
    """A simulator cannot start, or cannot attach a phone."""

    exit_code = EXIT_UNAVAILABLE


class BrowserUnavailable(TenkenError):
    """The assisted browser check cannot open its window: Selenium (`tenken[browser]`), Chromium or its
    driver is missing, or the browser would not start."""

    exit_code = EXIT_UNAVAILABLE
