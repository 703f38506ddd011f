"""Random tokens and their stored hashes.

Tokens are long and random, so a fast hash is enough; only the hash is ever stored.
"""
from __future__ import annotations

import hashlib
import secrets

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a TA reading a card aloud cannot mix them up.
SHORT_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_short_code(length: int = 6) -> str:
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(length))


def normalise_short_code(code: str) -> str:
    """Accept a code typed in lower case, with spaces or a dash, as printed 'ABC-DEF'."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def short_code_hash(school_id: int, code: str) -> str:
    return hashlib.sha256(f"{school_id}:{normalise_short_code(code)}".encode()).hexdigest()
