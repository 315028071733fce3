"""Copies of a simulated phone (many alike on one station) and carrier sites that take their time: what
the station's tests and bench/bench_station.py build on."""

from __future__ import annotations

import time

import httpx
from stdnum import luhn

from tenken.imei import is_valid_imei
from tenken.sim.android import profile as android_profile
from tenken.sim.carriers import CarrierSimulator
from tenken.sim.ios import profile as ios_profile


def test_android_copies_have_their_own_serial_and_imeis() -> None:
    original = android_profile.load("so51c-docomo")
    copies = [android_profile.clone(original, index) for index in range(1, 40)]
    assert android_profile.clone(original, 0) is original
    serials = {copy.serial for copy in copies} | {original.serial}
    imeis = {imei for copy in [original, *copies] for imei in copy.imeis}
    assert len(serials) == 40
    assert len(imeis) == 80  # two slots each, none shared
    assert all(imei is not None and is_valid_imei(imei) and luhn.is_valid(imei) for imei in imeis)
    assert {copy.model for copy in copies} == {original.model}
    assert copies[0].props["ro.boot.serialno"] == copies[0].serial


def test_iphone_copies_have_their_own_identifiers() -> None:
    original = ios_profile.load("iphone13-docomo")
    copies = [original.clone(index) for index in range(1, 40)]
    for key in ("UniqueDeviceID", "SerialNumber", "InternationalMobileEquipmentIdentity"):
        assert len({str(copy.values[key]) for copy in [original, *copies]}) == 40, key
    assert all(is_valid_imei(str(copy.values["InternationalMobileEquipmentIdentity"])) for copy in copies)


def test_a_carrier_site_answers_after_its_latency() -> None:
    with CarrierSimulator(latency=0.25) as sites:
        started = time.monotonic()
        reply = httpx.get(f"{sites.origin}/restriction/eir/v1/rest-api/public/imei/490154203237518")
        took = time.monotonic() - started
    assert reply.status_code in (200, 404)
    assert took >= 0.25
    assert sites.hits["rakuten"] == 1
