"""The four network-restriction marks and every glyph the carriers use for them.

Strict by design: the text must be exactly one mark (after stripping whitespace). Anything else is
not a mark, and the caller reports a parse error with the raw text — never a guess.
"""

from __future__ import annotations

import unicodedata

from tenken.facts import Outcome

GLYPHS: dict[str, Outcome] = {
    # ○ no restriction
    "\u25cb": Outcome.OK,  # ○ WHITE CIRCLE
    "\u3007": Outcome.OK,  # 〇 IDEOGRAPHIC NUMBER ZERO
    "\u25ef": Outcome.OK,  # ◯ LARGE CIRCLE
    "\u26aa": Outcome.OK,  # ⚪ MEDIUM WHITE CIRCLE
    # △ instalments running
    "\u25b3": Outcome.PENDING,  # △
    "\u25b2": Outcome.PENDING,  # ▲ (SoftBank)
    # × restricted
    "\u00d7": Outcome.RESTRICTED,  # ×
    "\u2715": Outcome.RESTRICTED,  # ✕
    "\u2716": Outcome.RESTRICTED,  # ✖
    # − not registered at this carrier
    "\uff0d": Outcome.NOT_FOUND,  # － FULLWIDTH HYPHEN-MINUS
    "\u002d": Outcome.NOT_FOUND,  # - HYPHEN-MINUS
    "\u30fc": Outcome.NOT_FOUND,  # ー KATAKANA-HIRAGANA PROLONGED SOUND MARK
    "\u2212": Outcome.NOT_FOUND,  # − MINUS SIGN
    "\u2010": Outcome.NOT_FOUND,  # ‐ HYPHEN
    "\u2015": Outcome.NOT_FOUND,  # ― HORIZONTAL BAR
}

_VARIATION_SELECTORS = {"\ufe0e", "\ufe0f"}


def strip_blank(text: str) -> str:
    """Remove whitespace (incl. NBSP and ideographic space) and emoji variation selectors."""
    return "".join(
        char
        for char in text
        if not char.isspace() and char not in _VARIATION_SELECTORS and unicodedata.category(char) != "Cf"
    )


def normalise_mark(text: str) -> Outcome | None:
    """The outcome when `text` is exactly one known mark glyph, else None."""
    compact = strip_blank(text)
    if len(compact) != 1:
        return None
    return GLYPHS.get(compact)


# Glyphs that are a mark wherever they appear. The dash family (ー, -, ‐ …) is left out: Japanese words
# are written with ー (ネットワーク), so a dash inside text is not a second mark.
_UNMISTAKABLE = frozenset(glyph for glyph, outcome in GLYPHS.items() if outcome is not Outcome.NOT_FOUND) | {
    "\uff0d",
    "\u2212",
}


def marks_in(text: str) -> list[str]:
    """The mark glyphs in running text that cannot be anything else (○ △ × and their variants, － −)."""
    return [char for char in text if char in _UNMISTAKABLE]
