"""Bearer tokens the webhook accepts: from a file (one per line) or an environment variable (comma-separated).

Tokens are compared in constant time against every configured token, so neither a match's position
nor a common prefix shows in the response time. A token is known in logs and metrics by its label
(``token-1``...), never by its value.
"""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass
from pathlib import Path

TOKENS_ENV = "SNOWBALL_WEBHOOK_TOKENS"
MIN_TOKEN_LENGTH = 16


class TokenError(ValueError):
    pass


@dataclass(frozen=True)
class Tokens:
    values: tuple[bytes, ...]

    def label_of(self, presented: str | None) -> str | None:
        """The label of the token presented, None when it is none of them."""
        if not presented:
            return None
        candidate = presented.encode("utf-8", "surrogatepass")
        match = None
        for index, token in enumerate(self.values, start=1):
            if hmac.compare_digest(candidate, token) and match is None:  # no early exit: same time for all
                match = f"token-{index}"
        return match

    @classmethod
    def parse(cls, text: str, where: str) -> Tokens:
        values = [t.strip() for t in text.replace(",", "\n").splitlines()]
        values = [t for t in values if t and not t.startswith("#")]
        if not values:
            raise TokenError(f"no token in {where}")
        short = [i for i, t in enumerate(values, start=1) if len(t) < MIN_TOKEN_LENGTH]
        if short:
            raise TokenError(f"token {short[0]} of {where} is shorter than {MIN_TOKEN_LENGTH} characters: "
                             f"use a random one (python -c 'import secrets; print(secrets.token_urlsafe(32))')")
        return cls(tuple(t.encode() for t in values))

    @classmethod
    def load(cls, path: Path | None, environ: dict[str, str] | None = None) -> Tokens:
        environ = os.environ if environ is None else environ
        if path is not None:
            try:
                return cls.parse(path.read_text(encoding="utf-8"), str(path))
            except OSError as exc:
                raise TokenError(f"cannot read {path}: {exc.strerror}") from None
        if environ.get(TOKENS_ENV):
            return cls.parse(environ[TOKENS_ENV], TOKENS_ENV)
        raise TokenError(f"no tokens: give --tokens-file FILE or set {TOKENS_ENV}")
