"""SASL LOGIN (draft-murchison-sasl-login): username, then password,
each in answer to a server prompt ("Username:", "Password:")."""

from __future__ import annotations

from .base import Mechanism


class Login(Mechanism):
    """LOGIN: an obsolete but widespread mechanism; prefer PLAIN."""

    name = "LOGIN"

    def __init__(self, username: str, password: str) -> None:
        self._answers = [username.encode(), password.encode()]
        self._step = 0

    def process(self, challenge: bytes) -> bytes:
        # Servers prompt "Username:" then "Password:"; some send empty
        # prompts, so the order decides, not the prompt text.
        prompt = challenge.strip().lower()
        if prompt.startswith(b"password"):
            self._step = 1
        answer = self._answers[min(self._step, 1)]
        self._step += 1
        return answer

    @property
    def done(self) -> bool:
        return self._step >= 2
