from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenken.facts import Outcome
from tenken.lookups.marks import GLYPHS, normalise_mark


@pytest.mark.parametrize(
    ("glyph", "outcome"),
    [
        ("○", Outcome.OK),
        ("〇", Outcome.OK),
        ("◯", Outcome.OK),
        ("⚪\ufe0e", Outcome.OK),
        ("△", Outcome.PENDING),
        ("▲", Outcome.PENDING),
        ("×", Outcome.RESTRICTED),
        ("✕", Outcome.RESTRICTED),
        ("✖", Outcome.RESTRICTED),
        ("－", Outcome.NOT_FOUND),
        ("-", Outcome.NOT_FOUND),
        ("ー", Outcome.NOT_FOUND),
        ("−", Outcome.NOT_FOUND),
        ("‐", Outcome.NOT_FOUND),
        ("―", Outcome.NOT_FOUND),
    ],
)
def test_every_documented_variant(glyph: str, outcome: Outcome) -> None:
    assert normalise_mark(glyph) is outcome
    assert normalise_mark(f"\u00a0 {glyph}\n\t\u3000") is outcome  # NBSP, ideographic space


@pytest.mark.parametrize("text", ["", "○×", "○ ○", "OK", "x", "X", "o", "0", "◎", "?", "制限なし"])
def test_anything_else_is_not_a_mark(text: str) -> None:
    assert normalise_mark(text) is None


@given(st.text())
def test_more_than_one_visible_character_is_never_a_mark(text: str) -> None:
    result = normalise_mark(text)
    if result is not None:
        visible = [char for char in text if not char.isspace() and char not in "\ufe0e\ufe0f"]
        visible = [char for char in visible if char in GLYPHS]
        assert len(visible) == 1
        assert GLYPHS[visible[0]] is result
