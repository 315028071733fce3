"""Parsers fuzzed with hypothesis: no crash on anything, garbage is never ○, and a mark is read only
when exactly that mark is where the site puts it."""

from __future__ import annotations

import html

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenken.facts import Outcome
from tenken.lookups import au, docomo, rakuten, softbank
from tenken.lookups.marks import GLYPHS, normalise_mark, strip_blank
from tenken.sim.carriers import pages

PARSERS = {
    "docomo": lambda body: docomo.parse_result(body, "text/html; charset=Shift_JIS"),
    "au": lambda body: au.parse_result(body, "text/html; charset=utf-8"),
    "softbank": lambda body: softbank.parse_result(body, "text/html; charset=utf-8"),
}
FUZZ = settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)

# HTML fragments that look like the real pages, shuffled into random documents.
FRAGMENTS = st.sampled_from(
    [
        '<div class="result-panel">',
        "</div>",
        '<li class="list_item">',
        '<p class="list_heading">状態</p>',
        '<p class="list_details">',
        "</p>",
        "</li>",
        '<font size="8" color="#666666">',
        "</font>",
        "<script>",
        "</script>",
        "<!--",
        "-->",
        "メンテナンス中",
        "JavaScriptを有効",
        *GLYPHS,
        "制限",
        " ",
        "\u00a0",
    ]
)
DOCUMENTS = st.lists(st.one_of(FRAGMENTS, st.text(max_size=8)), max_size=40).map("".join)


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash_and_are_never_ok(body: bytes) -> None:
    for parse in PARSERS.values():
        assert parse(body).outcome is not Outcome.OK
    assert rakuten.parse_result(200, body).outcome is not Outcome.OK


@FUZZ
@given(DOCUMENTS)
def test_page_shaped_garbage_never_crashes(document: str) -> None:
    for name, parse in PARSERS.items():
        encoding = "cp932" if name == "docomo" else "utf-8"
        answer = parse(document.encode(encoding, "replace"))
        if answer.outcome.is_mark:
            assert answer.raw_mark is not None
            assert normalise_mark(answer.raw_mark) is answer.outcome


@FUZZ
@given(st.text(max_size=12))
def test_docomo_reads_only_an_exact_mark(injected: str) -> None:
    page = pages.docomo_result("490154203237518", Outcome.OK, changed=False)
    body = page.replace(">○<", f">{html.escape(injected)}<", 1).encode("cp932", "replace")
    shown = injected.encode("cp932", "replace").decode("cp932")  # what the page can carry
    expected = normalise_mark(shown) or docomo._mark_with_legend(shown) or Outcome.PARSE_ERROR
    assert docomo.parse_result(body, "text/html; charset=Shift_JIS").outcome is expected


@FUZZ
@given(st.text(max_size=12))
def test_softbank_reads_only_an_exact_mark(injected: str) -> None:
    page = pages.softbank_result("490154203237518", Outcome.OK, changed=False)
    body = page.replace(">○<", f">{html.escape(injected)}<", 1).encode("utf-8")
    expected = normalise_mark(injected) or Outcome.PARSE_ERROR
    assert softbank.parse_result(body).outcome is expected


@FUZZ
@given(st.text(max_size=12))
def test_au_takes_the_first_character_and_nothing_else(injected: str) -> None:
    body = pages.au_result("490154203237518", Outcome.OK, changed=False).replace(
        '<p class="list_details">○<br>', f'<p class="list_details">{html.escape(injected)}<br>', 1
    )
    answer = au.parse_result(body.encode("utf-8"))
    visible = strip_blank(injected + "制限はありません")
    expected = normalise_mark(visible[0]) if visible else None
    assert answer.outcome is (expected if expected is not None else Outcome.PARSE_ERROR)


@FUZZ
@given(st.one_of(st.integers(), st.text(), st.none(), st.booleans(), st.floats(allow_nan=False)))
def test_rakuten_status_must_be_0_1_or_2(status: object) -> None:
    import json

    answer = rakuten.parse_result(200, json.dumps({"status": status}).encode())
    if status in (0, 1, 2) and not isinstance(status, bool) and isinstance(status, int):
        assert answer.outcome is (Outcome.OK, Outcome.PENDING, Outcome.RESTRICTED)[status]
    else:
        assert answer.outcome is Outcome.NEEDS_BROWSER
