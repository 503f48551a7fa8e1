"""Sign-in through the council's OpenID Connect provider, with Authlib doing the protocol: the
authorization code flow with PKCE, state and nonce, and the ID token's signature, issuer,
audience, expiry and nonce checked against the provider's published keys."""

from __future__ import annotations

import time
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from authlib.integrations.base_client import BaseApp, FrameworkIntegration, OAuthError
from authlib.integrations.base_client.async_app import AsyncOAuth2Mixin
from authlib.integrations.base_client.async_openid import AsyncOpenIDMixin
from authlib.integrations.httpx_client import AsyncOAuth2Client
from joserfc.errors import JoseError

Session = MutableMapping[str, Any]
STATE_SECONDS = 600  # a sign-in must come back from the provider within ten minutes


class SignInError(Exception):
    """The provider refused, or what came back could not be trusted; the reason is for the log."""


@dataclass(frozen=True)
class Person:
    """Who signed in, from the validated ID token."""

    subject: str
    email: str
    name: str
    groups: frozenset[str]


class _SessionState(FrameworkIntegration):  # type: ignore[misc]
    """Keeps a sign-in's state, nonce and PKCE verifier in the (encrypted) session cookie of
    the browser that started it, so only that browser can finish it."""

    expires_in = STATE_SECONDS

    async def get_state_data(self, session: Session, state: str) -> dict[str, Any] | None:
        kept = session.get(f"_state_{self.name}_{state}")
        if not kept or kept.get("exp", 0) < time.time():
            return None
        data: dict[str, Any] = kept["data"]
        return data

    async def set_state_data(self, session: Session, state: str, data: dict[str, Any]) -> None:
        for key in [k for k in session if k.startswith(f"_state_{self.name}_")]:
            session.pop(key)  # one sign-in at a time keeps the cookie small
        session[f"_state_{self.name}_{state}"] = {"data": data, "exp": time.time() + self.expires_in}

    async def clear_state_data(self, session: Session, state: str) -> None:
        session.pop(f"_state_{self.name}_{state}", None)


class _Provider(AsyncOAuth2Mixin, AsyncOpenIDMixin, BaseApp):  # type: ignore[misc]
    client_cls = AsyncOAuth2Client


class OpenIdSignIn:
    """The two halves of a sign-in: where to send the browser, and what to make of its return."""

    def __init__(self, *, issuer: str, client_id: str, client_secret: str, redirect_url: str) -> None:
        self.redirect_url = redirect_url
        self.framework = _SessionState("oidc")
        self.provider = _Provider(
            self.framework,
            name="oidc",
            client_id=client_id,
            client_secret=client_secret,
            server_metadata_url=issuer.rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256", "timeout": 10},
        )

    async def start(self, session: Session) -> str:
        """The provider's authorization URL; state, nonce and verifier go into the session."""
        try:
            made = await self.provider.create_authorization_url(self.redirect_url)
        except Exception as exc:
            raise SignInError(f"discovery failed: {type(exc).__name__}") from None
        state = made.pop("state")
        url: str = made.pop("url")
        await self.framework.set_state_data(session, state, {"redirect_uri": self.redirect_url, **made})
        return url

    async def finish(self, session: Session, query: MutableMapping[str, str]) -> Person:
        """Check the state, exchange the code (with the verifier) and validate the ID token."""
        if "error" in query:
            raise SignInError(f"provider error {query['error']}")
        state = query.get("state", "")
        kept = await self.framework.get_state_data(session, state)
        await self.framework.clear_state_data(session, state)
        if not kept or not query.get("code"):
            raise SignInError("unknown or expired state")
        try:
            token = await self.provider.fetch_access_token(
                redirect_uri=kept["redirect_uri"], code=query["code"], code_verifier=kept["code_verifier"]
            )
            claims = await self.provider.parse_id_token(token, nonce=kept["nonce"])
        except (OAuthError, JoseError) as exc:
            raise SignInError(f"token refused: {type(exc).__name__}") from None
        except Exception as exc:
            raise SignInError(f"token exchange failed: {type(exc).__name__}") from None
        if claims is None:
            raise SignInError("no ID token")
        return person(claims)


def person(claims: MutableMapping[str, Any]) -> Person:
    """Entra ID puts the sign-in name in ``preferred_username`` (or ``upn``) and may leave
    ``email`` out; other providers send ``email``."""
    email = str(claims.get("email") or claims.get("preferred_username") or claims.get("upn") or "")
    groups = claims.get("groups") or []
    return Person(
        subject=str(claims["sub"]),
        email=email.lower(),
        name=str(claims.get("name") or email),
        groups=frozenset(str(g) for g in groups) if isinstance(groups, list) else frozenset(),
    )
