"""The record hash a certificate carries, and that `tenken verify` computes again from the store.

    record_sha256 = sha256( UTF-8( canonical_json( {"inspection": I, "evidence": E} ) ) )

- I is the inspection as stored (the `inspection_json` column: what `inspect --json` prints for the
  phone, messages as code and parameters without their English text);
- E maps the record id of every carrier answer the inspection links to (`inspection_lookups`) to the
  sha256 of that answer's page as stored (the `sha256` column of `lookups`; null when no page came back);
- canonical_json is `json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`:
  keys sorted, no whitespace, non-ASCII characters as themselves.

So the hash changes when anything in the inspection changes (a fact, a mark, a verdict, the policy's
hash) or when the set of evidence pages or any page's hash does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def record_sha256(inspection: Mapping[str, Any], evidence: Mapping[str, str | None]) -> str:
    """The record hash of a stored inspection and its evidence pages' hashes (by look-up record id)."""
    return hashlib.sha256(canonical_json({"inspection": inspection, "evidence": evidence})).hexdigest()
