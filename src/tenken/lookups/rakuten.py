"""Rakuten Mobile: network.mobile.rakuten.co.jp/restriction/ — EXPERIMENTAL.

The public page is a JavaScript app. One client (2025) used its JSON endpoint
GET /restriction/eir/v1/rest-api/public/imei/{IMEI} → {"status": 0|1|2} for ○/△/×. Whether it answers
outside a browser is unverified, so anything but that exact shape (HTTP 200, one JSON object whose only
key is `status`, given once, with 0, 1 or 2) is NEEDS_BROWSER: a duplicate key, an `error` beside the
status, any key tenken does not know. What an unregistered IMEI looks like there is not known: a 404 (or any other answer) is never
read as −, or a moved endpoint would turn every phone "clean" at Rakuten (carriers-jp.md).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from tenken.facts import Carrier, Evidence, LookupResult, Outcome, msg
from tenken.lookups.base import Answer, Assisted, Provider, refusal
from tenken.lookups.client import SiteSession
from tenken.lookups.pages import excerpt
from tenken.lookups.shape import PageShape

PAGE_PATH = "/restriction/"  # the app a person opens (fill #imei, click #search, read #search-result)
API_PATH = "/restriction/eir/v1/rest-api/public/imei/{imei}"
SHAPE = PageShape(path=PAGE_PATH, form=False, api=API_PATH, answer=('{"status": 0|1|2}',))
STATUSES = {0: Outcome.OK, 1: Outcome.PENDING, 2: Outcome.RESTRICTED}
KNOWN_KEYS = frozenset({"status"})


class _DuplicateKey(ValueError):
    pass


def parse_result(status_code: int, body: bytes) -> Answer:
    payload = _json(body)
    if status_code != 200 or not isinstance(payload, dict):
        shown = excerpt(body.decode("utf-8", "replace"), 80)
        return Answer(Outcome.NEEDS_BROWSER, detail=msg("rakuten.odd_reply", status=status_code, body=shown))
    unknown = sorted(set(payload) - KNOWN_KEYS)
    if unknown:  # an `error` beside a status, or a shape tenken has not seen: not an answer
        return Answer(Outcome.NEEDS_BROWSER, detail=msg("rakuten.odd_keys", keys=unknown[:5]))
    status = payload.get("status")
    if isinstance(status, bool) or not isinstance(status, int) or status not in STATUSES:
        return Answer(Outcome.NEEDS_BROWSER, detail=msg("rakuten.odd_status", status=repr(status)))
    return Answer(STATUSES[status], raw_mark=f"status {status}", detail=msg("rakuten.experimental"))


def _json(body: bytes) -> Any:
    """The JSON value, or None when it is not JSON or an object in it gives a key twice (which one a
    reader believes differs between parsers: such a reply says nothing for sure)."""
    try:
        return json.loads(body, object_pairs_hook=_unique)
    except (UnicodeDecodeError, json.JSONDecodeError, _DuplicateKey):
        return None


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise _DuplicateKey
    return found


class Rakuten(Provider):
    carrier = Carrier.RAKUTEN
    shape = SHAPE
    assisted = Assisted(SHAPE.path, "#imei", "#search", reply=API_PATH, result="#search-result")

    async def flow(self, session: SiteSession, imei: str) -> LookupResult:
        found = await session.get(
            self.origin + API_PATH.format(imei=imei), headers={"Accept": "application/json"}
        )
        cut = refusal(200, found.cut, session.max_page_bytes)
        answer = (
            cut or _about(found.url, imei) or self.read(found.status, found.body, found.content_type, imei)
        )
        return self.result(imei, answer, found.evidence)

    def read(self, status: int, body: bytes, content_type: str, imei: str) -> Answer:
        # The IMEI is in the URL asked, not in the reply; any status but 200 is "needs a browser" here.
        return parse_result(status, body)

    def reread(self, imei: str, evidence: Evidence) -> Answer:
        cut = refusal(200, evidence.cut, len(evidence.body))
        about = _about(evidence.url, imei)
        return cut or about or self.read(evidence.http_status, evidence.body, evidence.content_type, imei)


def _about(url: str, imei: str) -> Answer | None:
    """The reply names no IMEI: the address it answered must be the one for the IMEI asked."""
    if urlsplit(url).path.endswith(API_PATH.format(imei=imei)):
        return None
    return Answer(Outcome.PARSE_ERROR, detail=msg("site.imei_not_named", asked=imei))
