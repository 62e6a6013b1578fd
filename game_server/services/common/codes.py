"""Codes people read off a screen or a message and type on a phone."""

import secrets

# No 0/O, 1/I/L: they are misread on a projector and mistyped on a phone.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def readable_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def clean_code(code: str) -> str:
    """What was typed, without spaces or dashes, in capitals."""
    return "".join(ch for ch in code.upper() if ch.isalnum())
