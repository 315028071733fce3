"""What text from outside (a phone, a carrier's page, a policy file, a person) may carry to a screen or
a spreadsheet: the one rule, for every text output tenken writes.

- **A terminal** (`visible`): C0 and C1 controls (ESC starts every terminal sequence; CSI 0x9b and OSC
  0x9d are single C1 characters), DEL, the line and paragraph separators, and the bidi overrides and
  isolates that reorder what is shown (U+202A-U+202E, U+2066-U+2069) are written as `\\x1b`, `\\x9b`,
  `\\x202e`: shown, never acted on. report/terminal.py's `outside()` applies it before rich renders.
- **A spreadsheet** (`spreadsheet_cell`): the same, except that tab and newline stay (a quoted CSV field
  holds them), and a text cell a spreadsheet would read as a formula gets a leading `'` (OWASP's
  CSV-injection rule).
- **JSON** (`json_text`, `json_bytes`): the values stay exact. JSON escaping already writes C0 controls
  (ESC, BEL) as `\\u001b`; the rest of the set above (DEL, C1, separators, bidi) is written as `\\u009b`
  escapes too, which a JSON parser reads back as the same character, so that a document printed to a
  terminal cannot act on it either.
"""

from __future__ import annotations

import re

# Made visible for a person. The same class, without C0 (JSON escapes it itself), is escaped in JSON.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_JSON_RAW = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# The same characters as UTF-8 (DEL; C1 is C2 80-9F; U+2028-U+202E is E2 80 A8-AE; U+2066-U+2069 is
# E2 81 A6-A9). UTF-8 never holds these bytes inside another character, so a match is always one.
_JSON_RAW_UTF8 = re.compile(rb"\x7f|\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]")

# A cell a spreadsheet reads as a formula starts with one of these (OWASP: = + - @ tab CR). The
# full-width forms are added as a precaution: Japanese input methods type them.
FORMULA_START = frozenset("=+-@\t\r＝＋－＠")
# Skipped when looking for that first character: a spreadsheet may trim spaces and line breaks, and a
# value that is itself quoted ("=1+1") is read as a formula by tools that strip the quotes. (A leading
# ' is the neutraliser itself: such a cell is already text.)
_LEADING = ' \n\u3000"'


def visible(text: str, keep: str = "") -> str:
    """`text` with every control character (but those in `keep`) shown as an escape such as `\\x1b`."""
    return CONTROL.sub(
        lambda found: found.group() if found.group() in keep else f"\\x{ord(found.group()):02x}", text
    )


def is_formula(text: str) -> bool:
    """Would a spreadsheet read this cell as a formula? Tab and CR count as they stand first; after
    spaces and quotes, = + - @."""
    if text[:1] in ("\t", "\r"):
        return True
    start = text.lstrip(_LEADING)[:1]
    return bool(start) and start in FORMULA_START


def spreadsheet_cell(text: str) -> str:
    """A text cell for a spreadsheet: control characters visible (tab and newline kept), and a leading
    `'` when it would otherwise be a formula. Numbers are not text cells: write them as they are."""
    shown = visible(text, keep="\t\n")
    return "'" + shown if is_formula(shown) else shown


def json_text(document: str) -> str:
    """JSON text with DEL, C1 controls, separators and bidi controls as `\\uXXXX`: the same values."""
    return _JSON_RAW.sub(lambda found: f"\\u{ord(found.group()):04x}", document)


def json_bytes(document: bytes) -> bytes:
    """`json_text` for UTF-8 JSON, as msgspec writes it."""
    return _JSON_RAW_UTF8.sub(
        lambda found: f"\\u{ord(found.group().decode('utf-8')):04x}".encode("ascii"), document
    )
