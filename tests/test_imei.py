from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn

from tenken.imei import IdentifierKind, InvalidIdentifier, normalise, parse, validate_imei
from tests.conftest import VALID_IMEIS


@pytest.mark.parametrize("imei", VALID_IMEIS)
def test_documented_vectors_are_valid(imei: str) -> None:
    identifier = parse(imei)
    assert identifier.kind is IdentifierKind.IMEI
    assert identifier.value == imei
    assert identifier.tac == imei[:8]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("４９０１５４２０３２３７５１８", "490154203237518"),  # full-width digits
        ("49-015420-323751-8", "490154203237518"),  # the label format
        (" 49 015420 323751 8 ", "490154203237518"),
        ("49015420 3237518\u3000", "490154203237518"),  # ideographic space
        ("49ー015420ー323751ー8", "490154203237518"),  # katakana long vowel used as a dash
        ("49/015420/323751/8", "490154203237518"),
    ],
)
def test_normalises_what_people_type(typed: str, expected: str) -> None:
    assert validate_imei(typed) == expected


def test_mistyped_digit_names_the_check_digit() -> None:
    with pytest.raises(InvalidIdentifier, match="check digit"):
        parse("490154203237519")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty"),
        ("12345", "5 digits, an IMEI has 15"),
        ("49015420323751X", "contains 'X'"),
        ("000000000000000", "all zeros"),
    ],
)
def test_bad_input_says_what_is_wrong(text: str, problem: str) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        parse(text)
    assert problem in text_of(caught.value.problem)
    assert "\n" not in str(caught.value)


def test_imeisv_gives_back_its_imei() -> None:
    identifier = parse("4901542032375100")  # IMEISV: 14 digits + software version 00
    assert identifier.kind is IdentifierKind.IMEISV
    assert identifier.imei == "490154203237518"


def test_an_imeisv_is_never_looked_up_as_another_number_without_being_asked() -> None:
    with pytest.raises(InvalidIdentifier, match="IMEISV") as caught:
        validate_imei("4901542032375100")
    said = text_of(caught.value.problem)
    assert "*#06#" in said and "--imeisv" in said
    assert validate_imei("4901542032375100", allow_imeisv=True) == "490154203237518"


def test_meid_is_recognised_and_refused_for_carrier_checks() -> None:
    identifier = parse("A0000000002329")
    assert identifier.kind is IdentifierKind.MEID
    assert identifier.tac is None
    with pytest.raises(InvalidIdentifier, match="MEID"):
        validate_imei("A0000000002329")


@given(st.text(max_size=40))
def test_parse_never_crashes_and_only_accepts_luhn_valid_imeis(text: str) -> None:
    try:
        identifier = parse(text)
    except InvalidIdentifier:
        return
    if identifier.kind is IdentifierKind.IMEI:
        assert len(identifier.value) == 15
        assert luhn.is_valid(identifier.value)


@given(st.from_regex(r"[0-9]{14}", fullmatch=True))
def test_every_body_with_its_luhn_digit_is_an_imei(body: str) -> None:
    number = body + luhn.calc_check_digit(body)
    if number == "0" * 15:
        return
    assert validate_imei(number) == number
    assert normalise(" ".join(number)) == number


def text_of(problem: object) -> str:
    """What a person reads of an IMEI's problem (a message code, in English)."""
    from tenken.facts import Message
    from tenken.report.labels import render

    assert isinstance(problem, Message)
    return render(problem, "en")
