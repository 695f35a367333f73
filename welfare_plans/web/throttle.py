"""Throttling password guesses, on Flask-Limiter, shaped so that nobody can lock someone else out.

Only failures count, under three keys (moving windows, in Redis when one is configured, so that every
app server and worker counts together; in each process's memory otherwise):

- an account from one address: ``LOGIN_MAX_FAILURES`` in ``LOGIN_LOCKOUT_MINUTES`` refuse that pair, even
  the right password. Only whoever has been failing from that address waits.
- an account from everywhere: past ``LOGIN_ACCOUNT_LIMIT`` (a guessing campaign spread over many
  addresses), an address that has failed for the account in the window is refused at once, instead of
  after its own allowance; an address that has not failed still reaches the account, so its owner signs in.
- an address, over every account: past ``LOGIN_ADDRESS_LIMIT`` (a script trying many accounts) the
  address is refused, except for the accounts that signed in from it in the last
  ``LOGIN_KNOWN_PAIR_DAYS`` days: colleagues behind the same office address keep working.

A right password clears the pair's failures and marks the pair known. The current password asked when
changing one is throttled per account (``PASSWORD_CHANGE_LIMIT``).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse

EXTENSION = "welfare_plans.throttle"


@dataclass(frozen=True)
class Refusal:
    """Why an attempt is refused, and within how many minutes trying again can succeed."""

    reason: str
    minutes: int


def storage_uri(config) -> str:
    """Where the counts live: ``RATELIMIT_STORAGE_URI``, else the Redis of the job queue, else memory."""
    if config.get("RATELIMIT_STORAGE_URI"):
        return config["RATELIMIT_STORAGE_URI"]
    broker = config.get("CELERY_BROKER_URL") or ""
    if urlsplit(broker).scheme in ("redis", "rediss"):
        return broker
    return "memory://"


class SignInThrottle:
    """The app's limiter and the limits of sign-in and of the password change (one per app)."""

    def __init__(self, app: Flask) -> None:
        config = app.config
        config["RATELIMIT_STORAGE_URI"] = storage_uri(config)
        config.setdefault("RATELIMIT_KEY_PREFIX", "welfare")
        self.limiter = Limiter(get_remote_address, app=app, strategy="moving-window")
        self.pair = parse(f"{config['LOGIN_MAX_FAILURES']} per {config['LOGIN_LOCKOUT_MINUTES']} minutes")
        self.account = parse(config["LOGIN_ACCOUNT_LIMIT"])
        self.address = parse(config["LOGIN_ADDRESS_LIMIT"])
        self.password_change = parse(config["PASSWORD_CHANGE_LIMIT"])
        self.known_seconds = int(config["LOGIN_KNOWN_PAIR_DAYS"]) * 86400

    # -- sign-in -------------------------------------------------------------------------------------------
    def refusal(self, email: str, address: str) -> Refusal | None:
        """Why an attempt for ``email`` from ``address`` is refused before its password is even looked at."""
        strategy = self.limiter.limiter
        if not strategy.test(self.pair, "pair", email, address):
            return Refusal("pair", _minutes(self.pair))
        known = self._known(email, address)
        failed_here = (
            strategy.get_window_stats(self.pair, "pair", email, address).remaining < self.pair.amount
        )
        if failed_here and not known and not strategy.test(self.account, "account", email):
            return Refusal("account", _minutes(self.pair))
        if not known and not strategy.test(self.address, "address", address):
            return Refusal("address", _minutes(self.address))
        return None

    def failed(self, email: str, address: str) -> None:
        """Count a wrong password (or an unknown e-mail) under the three keys."""
        strategy = self.limiter.limiter
        strategy.hit(self.pair, "pair", email, address)
        strategy.hit(self.account, "account", email)
        strategy.hit(self.address, "address", address)

    def succeeded(self, email: str, address: str) -> None:
        """The right password: the pair's failures are forgiven and the pair is known for a while."""
        self.limiter.limiter.clear(self.pair, "pair", email, address)
        self.limiter.storage.incr(self._known_key(email, address), self.known_seconds)

    def _known_key(self, email: str, address: str) -> str:
        return f"{current_app.config['RATELIMIT_KEY_PREFIX']}/known/{email}/{address}"

    def _known(self, email: str, address: str) -> bool:
        return self.limiter.storage.get(self._known_key(email, address)) > 0

    # -- the password change ---------------------------------------------------------------------------------
    def password_change_refused(self, user_id: int) -> int | None:
        """Minutes to wait when the account has guessed its current password too often, or None."""
        if self.limiter.limiter.test(self.password_change, "password", str(user_id)):
            return None
        return _minutes(self.password_change)

    def password_change_failed(self, user_id: int) -> None:
        self.limiter.limiter.hit(self.password_change, "password", str(user_id))

    def reset(self) -> None:
        """Forget every count (``flask users unlock``-like maintenance, and tests)."""
        self.limiter.reset()


def _minutes(limit: RateLimitItem) -> int:
    return max(1, limit.get_expiry() // 60)


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = SignInThrottle(app)


def throttle(app: Flask) -> SignInThrottle:
    """The app's sign-in throttle."""
    return app.extensions[EXTENSION]
