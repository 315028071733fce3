"""Database URLs as they may be shown: in `tenken config`, in errors, in logs.

A URL can carry a credential in more places than its userinfo: libpq reads `password=` and
`sslpassword=` from the query, MySQL drivers `passwd=`, pyodbc a whole connection string with `PWD=`.
SQLAlchemy's `render_as_string(hide_password=True)` hides only the first; `masked` hides them all.
"""

from __future__ import annotations

import re
from urllib.parse import quote_plus

import sqlalchemy as sa

HIDDEN = "***"
# query parameter names that hold a credential (not `passfile`, `sslkey`: those name files)
_SECRET_NAME = re.compile(r"(pass|passwd|password|pwd)$|secret|token", re.IGNORECASE)
# a credential inside a parameter's value: an ODBC or libpq connection string
_SECRET_PAIR = re.compile(
    r"\b((?:ssl)?password|passwd|pwd)(\s*=\s*)(\{[^}]*\}|'[^']*'|[^;&\s]*)", re.IGNORECASE
)
# the userinfo password of anything that looks like a URL, when SQLAlchemy cannot parse it
_USERINFO = re.compile(r"(://[^:/@?#]*:)[^@/]*@")


def masked(url: str) -> str:
    """The URL with every credential it carries replaced by ***; without any, the URL as given."""
    try:
        parsed = sa.engine.make_url(url)
    except (sa.exc.ArgumentError, ValueError):  # a file path, or not a URL SQLAlchemy can read
        return _hide_pairs(_USERINFO.sub(rf"\g<1>{HIDDEN}@", url))
    query = [
        (name, value)
        for name, values in parsed.query.items()
        for value in ((values,) if isinstance(values, str) else values)
    ]
    if parsed.password is None and not any(_secret(name, value) for name, value in query):
        return url
    shown = parsed.set(query={}).render_as_string(hide_password=True)
    pairs = [f"{quote_plus(name)}={_shown_value(name, value)}" for name, value in query]
    return f"{shown}?{'&'.join(pairs)}" if pairs else shown


def _secret(name: str, value: str) -> bool:
    return bool(_SECRET_NAME.search(name) or _SECRET_PAIR.search(value))


def _shown_value(name: str, value: str) -> str:
    if _SECRET_NAME.search(name):
        return HIDDEN
    return quote_plus(_hide_pairs(value), safe="*")


def _hide_pairs(text: str) -> str:
    return _SECRET_PAIR.sub(rf"\g<1>\g<2>{HIDDEN}", text)
