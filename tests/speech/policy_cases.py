"""The access matrix for read-aloud: interface words, private speech and tapped words."""
from __future__ import annotations

from tests.web.policy_matrix import Case, everyone

CASES = [
    Case("speech.interface", "GET", lambda w: "/speech/ui/forged-token", everyone(404)),
    Case("speech.private", "GET", lambda w: "/speech/private/forged-token", everyone(404, anonymous=302)),
    Case("speech.tap", "GET", lambda w: "/speech/tap?t=Oak%20class", everyone(200, anonymous=302)),
]
