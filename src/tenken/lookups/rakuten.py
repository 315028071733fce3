"""Rakuten Mobile: network.mobile.rakuten.co.jp/restriction/ — EXPERIMENTAL.

The public page is a JavaScript app. One client (2025) used its JSON endpoint
GET /restriction/eir/v1/rest-api/public/imei/{IMEI} → {"status": 0|1|2} for ○/△/×. Whether it answers
outside a browser is unverified, so anything but that exact shape (HTTP 200, status 0, 1 or 2) is
NEEDS_BROWSER. What an unregistered IMEI looks like there is not known: a 404 (or any other answer) is never
read as −, or a moved endpoint would turn every phone "clean" at Rakuten (carriers-jp.md).
"""

from __future__ import annotations

import json
from typing import Any

from tenken.facts import Carrier, LookupResult, Outcome, msg
from tenken.lookups.base import Answer, Provider
from tenken.lookups.client import SiteSession
from tenken.lookups.pages import excerpt

API_PATH = "/restriction/eir/v1/rest-api/public/imei/{imei}"
STATUSES = {0: Outcome.OK, 1: Outcome.PENDING, 2: Outcome.RESTRICTED}


def parse_result(status_code: int, body: bytes) -> Answer:
    payload = _json(body)
    if status_code != 200 or not isinstance(payload, dict):
        shown = excerpt(body.decode("utf-8", "replace"), 80)
        return Answer(Outcome.NEEDS_BROWSER, detail=msg("rakuten.odd_reply", status=status_code, body=shown))
    status = payload.get("status")
    if isinstance(status, bool) or not isinstance(status, int) or status not in STATUSES:
        return Answer(Outcome.NEEDS_BROWSER, detail=msg("rakuten.odd_status", status=repr(status)))
    return Answer(STATUSES[status], raw_mark=f"status {status}", detail=msg("rakuten.experimental"))


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None


class Rakuten(Provider):
    carrier = Carrier.RAKUTEN
    manual_url = "https://network.mobile.rakuten.co.jp/restriction/"

    async def flow(self, session: SiteSession, imei: str) -> LookupResult:
        found = await session.get(
            self.origin + API_PATH.format(imei=imei), headers={"Accept": "application/json"}
        )
        answer = parse_result(found.response.status_code, found.response.content)
        return self.result(imei, answer, found.evidence)
