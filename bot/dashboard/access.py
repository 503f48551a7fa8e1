"""Only the Communications Team gets in: an encrypted, HttpOnly, Secure, SameSite session
cookie with a lifetime (aiohttp-session), set only after the identity provider vouches for a
member of the team; a CSRF token on every action; everything else refused."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.typedefs import Middleware
from aiohttp.web_exceptions import NotAppKeyWarning
from aiohttp_session import Session, get_session, new_session, session_middleware
from aiohttp_session.cookie_storage import EncryptedCookieStorage

from bot.core.content.models import DeskTexts
from bot.dashboard.oidc import OpenIdSignIn, Person
from bot.settings import Settings

log = logging.getLogger("advisor.dashboard")
# aiohttp-session 2.12 keys requests with strings, which aiohttp 3.14 warns about on every
# request; the keys are its own and cannot clash with ours.
warnings.filterwarnings("ignore", category=NotAppKeyWarning, module="aiohttp_session")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
POLICY = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'"
COOKIE = "comms_session"
PUBLIC = ("/comms/signin", "/comms/callback", "/comms/static/")
SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Gate:
    """Who may come in, and how they prove it."""

    mode: str  # "oidc", "local" or "off"
    oidc: OpenIdSignIn | None
    emails: frozenset[str]
    group: str | None
    hours: float

    def admits(self, person: Person) -> bool:
        """A member: on the allow-list of emails, or in the team's group (either suffices)."""
        return bool(person.email and person.email in self.emails) or bool(
            self.group and self.group in person.groups
        )


GATE = web.AppKey("gate", Gate)


def gate_of(settings: Settings) -> Gate:
    oidc = None
    if settings.dashboard_sign_in == "oidc":
        oidc = OpenIdSignIn(
            issuer=settings.oidc_issuer or "",
            client_id=settings.oidc_client_id or "",
            client_secret=settings.oidc_client_secret or "",
            redirect_url=settings.oidc_redirect_url or "",
        )
    return Gate(
        mode=settings.dashboard_sign_in,
        oidc=oidc,
        emails=settings.allowed_emails,
        group=settings.comms_group,
        hours=settings.session_hours,
    )


def sessions(settings: Settings) -> Middleware:
    """Encrypted cookies: the secret is shared by every server behind the load balancer; a
    local dashboard with none gets one for this process (sign-ins end when it stops)."""
    secret = settings.session_secret or secrets.token_urlsafe(32)
    storage = EncryptedCookieStorage(
        hashlib.sha256(secret.encode()).digest(),
        cookie_name=COOKIE,
        max_age=int(settings.session_hours * 3600),
        path="/comms",
        secure=True,  # browsers accept Secure cookies from http://127.0.0.1 as well
        httponly=True,
        samesite="Lax",  # Lax, not Strict: the provider's redirect back is a cross-site GET
    )
    return session_middleware(storage)


def signed_in(session: Session) -> bool:
    return bool(session.get("email"))


def csrf_token(session: Session) -> str:
    """The session's CSRF token, made on first use; every form carries it."""
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def guard(texts: DeskTexts) -> Middleware:
    """No session, no page: a page redirects to sign-in, anything else is 401. Every action
    (any method that is not a read) needs the session's CSRF token and a same-origin request.
    Its refusals are worded in content (``desk.yaml`` texts)."""

    @web.middleware
    async def guarded(request: web.Request, handler: Handler) -> web.StreamResponse:
        session = await get_session(request)
        if not request.path.startswith(PUBLIC) and not signed_in(session):
            if request.method == "GET" and not request.path.startswith("/comms/api/"):
                raise web.HTTPFound("/comms/signin")
            challenge = {"WWW-Authenticate": 'Cookie realm="comms"'}
            raise web.HTTPUnauthorized(text=texts.sign_in_first, headers=challenge)
        if request.method not in SAFE:
            await _check_forgery(request, session, texts)
        response = await handler(request)
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", POLICY)
        return response

    return guarded


async def _check_forgery(request: web.Request, session: Session, texts: DeskTexts) -> None:
    origin = request.headers.get("Origin")
    if origin is not None and urlsplit(origin).netloc != request.host:
        log.info("dashboard action refused: cross-origin path=%s", request.path)
        raise web.HTTPForbidden(text=texts.cross_origin)
    sent = request.headers.get("X-CSRF-Token") or str((await request.post()).get("csrf", ""))
    kept = session.get("csrf")
    if not (isinstance(kept, str) and sent and hmac.compare_digest(sent, kept)):
        log.info("dashboard action refused: bad CSRF token path=%s", request.path)
        raise web.HTTPForbidden(text=texts.form_expired)


async def start_session(request: web.Request, person: Person) -> None:
    """A fresh session (never the one from before sign-in, so it cannot be fixed in advance)."""
    session = await new_session(request)
    session.update(email=person.email, name=person.name, subject=person.subject, since=int(time.time()))
    csrf_token(session)
