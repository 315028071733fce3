"""URLs as they may be shown: in `tenken config`, in errors, in logs. Database URLs, and the webhook's.

A URL can carry a credential in more places than its userinfo: libpq reads `password=` and
`sslpassword=` from the query, MySQL drivers `passwd=`, pyodbc a whole connection string with `PWD=`, and
a webhook receiver may take a `token=`, `key=`, `sig=` or `api_key=`. SQLAlchemy's
`render_as_string(hide_password=True)` hides only the first; `masked` hides them all, and `masked_in`
every URL and connection-string password in a text (a log line, an error).
"""

from __future__ import annotations

import re
from urllib.parse import quote_plus

import sqlalchemy as sa

HIDDEN = "***"
# query parameter names that hold a credential (not `passfile`, `sslkey`, `sslcert`: those name files)
_SECRET_NAME = re.compile(
    r"(pass|passwd|password|pwd)$|secret|token|(^|[_.-])(api|access|private|signing|secret)?_?key$|apikey"
    r"|^sig$|signature|credential|^auth",
    re.IGNORECASE,
)
# a credential inside a parameter's value: an ODBC or libpq connection string
_SECRET_PAIR = re.compile(
    r"\b((?:ssl)?password|passwd|pwd)(\s*=\s*)(\{[^}]*\}|'[^']*'|[^;&\s]*)", re.IGNORECASE
)
# the userinfo password of anything that looks like a URL, when SQLAlchemy cannot parse it
_USERINFO = re.compile(r"(://[^:/@?#]*:)[^@/]*@")
# a URL within a text (a log line): up to white space or a quote; the punctuation that ends a sentence
# or closes a bracket after it is not part of it
_URL_IN_TEXT = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s'\"<>]*[^\s'\"<>.,;:)\]}]", re.IGNORECASE)


def masked_in(text: str) -> str:
    """`text` with every URL in it masked, and every connection-string password (`password=…`)."""
    return _hide_pairs(_URL_IN_TEXT.sub(lambda found: masked(found.group(0)), text))


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
