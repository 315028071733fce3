"""Users' passwords (argon2id, through argon2-cffi's defaults: RFC 9106's second recommended profile) and
the page's sessions: a random id in an HttpOnly, SameSite=Strict cookie, the CSRF token every POST
carries derived from it with the process's own key (a token from another session, or none, is refused).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

COOKIE = "tenken_session"
SESSIONS = 10_000  # kept at most; the oldest go first

_HASHER = PasswordHasher()  # argon2id
# Checked when a name has no user, so that a wrong name takes as long as a wrong password.
_DUMMY = _HASHER.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(stored or _DUMMY, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@dataclass
class Sessions:
    """Session id → the user logged in on it ("" for a session without a login)."""

    key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    users: dict[str, str] = field(default_factory=dict)

    def new(self, user: str = "") -> str:
        while len(self.users) >= SESSIONS:
            del self.users[next(iter(self.users))]
        session = secrets.token_urlsafe(32)
        self.users[session] = user
        return session

    def known(self, session: str | None) -> bool:
        return session is not None and session in self.users

    def user(self, session: str | None) -> str:
        return self.users.get(session or "", "")

    def end(self, session: str | None) -> None:
        self.users.pop(session or "", None)

    def token(self, session: str) -> str:
        return hmac.new(self.key, session.encode(), hashlib.sha256).hexdigest()

    def token_fits(self, session: str | None, token: str | None) -> bool:
        if not self.known(session) or not token:
            return False
        assert session is not None
        return hmac.compare_digest(self.token(session), token)
