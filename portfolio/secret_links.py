"""What every secret link for someone without an account has in common: the About me page for an
employer and the employer's feedback form. Only a hash of the token is stored; a link works until it
expires, is stopped, or its learner leaves; and read-aloud on its page is bound to that one link."""
from __future__ import annotations

import enum
from datetime import datetime

from itsdangerous import BadSignature, URLSafeSerializer

from portfolio.models import User


class LinkState(enum.Enum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return {"active": "Working", "expired": "Expired", "revoked": "Stopped", "unknown": "Unknown"}[self.value]

    @property
    def symbol(self) -> str:
        return {"active": "yes", "expired": "clock", "revoked": "stop", "unknown": "warning"}[self.value]


def state_of(*, revoked_at: datetime | None, expires_at: datetime, learner: User | None, school_id: int,
             now: datetime) -> LinkState:
    """A learner who has left the school (or moved to another) takes their links with them."""
    if revoked_at is not None:
        return LinkState.REVOKED
    if expires_at <= now:
        return LinkState.EXPIRED
    if learner is None or learner.school_id != school_id or not learner.active:
        return LinkState.UNKNOWN
    return LinkState.ACTIVE


class SpeechTokens:
    """Signed read-aloud tokens bound to one link, so a page speaks nothing through any other link."""

    def __init__(self, secret: str, salt: str) -> None:
        self._serializer = URLSafeSerializer(secret, salt=salt)

    def make(self, link_id: int, text: str) -> str:
        return self._serializer.dumps([link_id, text])

    def read(self, link_id: int, token: str) -> str | None:
        try:
            value = self._serializer.loads(token)
        except BadSignature:
            return None
        if not (isinstance(value, list) and len(value) == 2 and value[0] == link_id and isinstance(value[1], str)):
            return None
        return value[1]
