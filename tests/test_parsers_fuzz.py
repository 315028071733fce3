"""Parsers fuzzed with hypothesis: no crash on anything, garbage is never ○, and a mark is read only
when exactly that mark is where the site puts it."""

from __future__ import annotations

import html

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenken.facts import Outcome
from tenken.lookups import au, docomo, rakuten, softbank
from tenken.lookups.marks import GLYPHS, marks_in, normalise_mark
from tenken.sim.carriers import pages

ASKED = "490154203237518"
OTHER = "354178036859789"
PARSERS = {
    "docomo": lambda body: docomo.parse_result(body, "text/html; charset=Shift_JIS", ASKED),
    "au": lambda body: au.parse_result(body, "text/html; charset=utf-8", ASKED),
    "softbank": lambda body: softbank.parse_result(body, "text/html; charset=utf-8", ASKED),
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
        ASKED,
        OTHER,
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
    page = pages.docomo_result(ASKED, Outcome.OK, changed=False)
    body = page.replace(">○<", f">{html.escape(injected)}<", 1).encode("cp932", "replace")
    shown = injected.encode("cp932", "replace").decode("cp932")  # what the page can carry
    expected = normalise_mark(shown) or docomo._mark_with_legend(shown) or Outcome.PARSE_ERROR
    if any(char.isdigit() for char in shown):
        return  # digits beside the IMEI may name another number: covered by the IMEI tests below
    assert docomo.parse_result(body, "text/html; charset=Shift_JIS", ASKED).outcome is expected


@FUZZ
@given(st.text(max_size=12))
def test_softbank_reads_only_an_exact_mark(injected: str) -> None:
    page = pages.softbank_result(ASKED, Outcome.OK, changed=False)
    body = page.replace(">○<", f">{html.escape(injected)}<", 1).encode("utf-8")
    expected = normalise_mark(injected) or Outcome.PARSE_ERROR
    assert softbank.parse_result(body, "", ASKED).outcome is expected


def _au_details(details: str) -> bytes:
    return (
        pages.au_result(ASKED, Outcome.OK, changed=False)
        .replace(
            '<p class="list_details">○<br>制限はありません</p>', f'<p class="list_details">{details}</p>', 1
        )
        .encode("utf-8")
    )


@FUZZ
@given(st.text(max_size=12), st.text(max_size=12))
def test_au_reads_a_mark_only_where_it_stands_alone(before: str, after: str) -> None:
    answer = au.parse_result(_au_details(html.escape(before + after)), "", ASKED)
    if answer.outcome.is_mark:
        text = (before + after).strip()
        assert answer.raw_mark == text[0]
        assert normalise_mark(text[0]) is answer.outcome
        assert len(text) == 1 or text[1].isspace() or text[1] in "(（[［【「:："
        assert marks_in(text[1:]) == []  # and no second mark anywhere in the answer


@pytest.mark.parametrize(
    ("details", "expected"),
    [
        ("○", Outcome.OK),
        ("○<br>制限はありません", Outcome.OK),
        ("× 利用制限中です", Outcome.RESTRICTED),
        ("△（今後制限される可能性があります）", Outcome.PENDING),
        ("－<br>当社で販売した端末ではありません", Outcome.NOT_FOUND),
        ("○ではありません。×", Outcome.PARSE_ERROR),  # a mark in a sentence, then another mark
        ("○<br>×", Outcome.PARSE_ERROR),  # two different marks in one answer
        ("○ ○", Outcome.PARSE_ERROR),
        ("制限は○です", Outcome.PARSE_ERROR),
        ("", Outcome.PARSE_ERROR),
    ],
)
def test_au_examples(details: str, expected: Outcome) -> None:
    assert au.parse_result(_au_details(details), "", ASKED).outcome is expected


@pytest.mark.parametrize("carrier", ["docomo", "au", "softbank"])
def test_a_page_about_another_imei_is_no_answer(carrier: str) -> None:
    page = {"docomo": pages.docomo_result, "au": pages.au_result, "softbank": pages.softbank_result}[carrier]
    encoding = "cp932" if carrier == "docomo" else "utf-8"
    about_other = page(OTHER, Outcome.OK, changed=False).encode(encoding)
    answer = PARSERS[carrier](about_other)
    assert answer.outcome is Outcome.PARSE_ERROR
    assert answer.detail is not None and answer.detail.code == "site.other_imei"
    both = page(ASKED, Outcome.OK, changed=False).replace(ASKED, f"{ASKED} / {OTHER}").encode(encoding)
    assert PARSERS[carrier](both).outcome is Outcome.PARSE_ERROR
    unnamed = page(ASKED, Outcome.OK, changed=False).replace(ASKED, "").encode(encoding)
    assert PARSERS[carrier](unnamed).detail.code == "site.imei_not_named"  # type: ignore[union-attr]
    fullwidth = page(ASKED, Outcome.OK, changed=False).replace(ASKED, "４９０１５４ ２０３２３７５１８")
    assert PARSERS[carrier](fullwidth.encode(encoding)).outcome is Outcome.OK


@FUZZ
@given(st.from_regex(r"\A\d{15}\Z"))
def test_any_other_imei_on_the_page_is_no_answer(named: str) -> None:
    page = pages.softbank_result(named, Outcome.OK, changed=False).encode("utf-8")
    answer = softbank.parse_result(page, "", ASKED)
    assert (answer.outcome is Outcome.OK) is (named == ASKED)


@FUZZ
@given(st.one_of(st.integers(), st.text(), st.none(), st.booleans(), st.floats(allow_nan=False)))
def test_rakuten_status_must_be_0_1_or_2(status: object) -> None:
    import json

    answer = rakuten.parse_result(200, json.dumps({"status": status}).encode())
    if status in (0, 1, 2) and not isinstance(status, bool) and isinstance(status, int):
        assert answer.outcome is (Outcome.OK, Outcome.PENDING, Outcome.RESTRICTED)[status]
    else:
        assert answer.outcome is Outcome.NEEDS_BROWSER


@pytest.mark.parametrize(
    "body",
    [
        b'{"status": 2, "status": 0}',  # which one a reader believes depends on the parser
        b'{"status": 0, "error": "NOT_FOUND"}',
        b'{"status": 0, "imei": "490154203237518"}',  # a key tenken does not know
        b'{"status": 0, "result": {"status": 2}}',
        b'[{"status": 0}]',
    ],
)
def test_rakuten_reads_exactly_one_known_shape(body: bytes) -> None:
    assert rakuten.parse_result(200, body).outcome is Outcome.NEEDS_BROWSER


@FUZZ
@given(st.dictionaries(st.text(max_size=6), st.integers(0, 2), min_size=1, max_size=4))
def test_rakuten_any_extra_key_is_no_answer(payload: dict[str, int]) -> None:
    import json

    answer = rakuten.parse_result(200, json.dumps(payload).encode())
    assert answer.outcome.is_mark is (set(payload) == {"status"})
