"""A local stand-in for the council's OpenID Connect provider (Entra ID, say): discovery, the
signing keys, authorize and token, as the standard describes them. ``authorize`` signs in
whoever the test names in ``next_user`` without asking; ``token`` checks the client's secret,
the code, the redirect URI and the PKCE verifier, and returns an ID token signed RS256 with the
nonce it was given. Tests can make it sign with a key it does not publish."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

CLIENT_ID = "dashboard-client"
CLIENT_SECRET = "dashboard-secret"


@dataclass
class Grant:
    user: dict[str, Any]
    client_id: str
    redirect_uri: str
    nonce: str
    challenge: str


@dataclass
class FakeOpenIdProvider:
    next_user: dict[str, Any] = field(default_factory=lambda: {"sub": "u-1", "email": "ada@council.example"})
    port: int = 0
    runner: web.AppRunner | None = None
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "k1"}))
    rogue_key: RSAKey | None = None  # signs with this instead, unpublished, when set
    grants: dict[str, Grant] = field(default_factory=dict)
    token_requests: int = 0

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/.well-known/openid-configuration", self._discovery)
        app.router.add_get("/keys", self._keys)
        app.router.add_get("/authorize", self._authorize)
        app.router.add_post("/token", self._token)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self.runner:
            await self.runner.cleanup()

    async def _discovery(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/keys",
                "response_types_supported": ["code"],
                "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            }
        )

    async def _keys(self, request: web.Request) -> web.Response:
        return web.json_response(KeySet([self.key]).as_dict(private=False))

    async def _authorize(self, request: web.Request) -> web.Response:
        q = request.query
        if q.get("response_type") != "code" or q.get("code_challenge_method") != "S256":
            return web.Response(status=400, text="code flow with S256 PKCE only")
        code = secrets.token_urlsafe(16)
        self.grants[code] = Grant(
            dict(self.next_user), q["client_id"], q["redirect_uri"], q.get("nonce", ""), q["code_challenge"]
        )
        back = urlencode({"code": code, "state": q.get("state", "")})
        raise web.HTTPFound(f"{q['redirect_uri']}?{back}")

    async def _token(self, request: web.Request) -> web.Response:
        self.token_requests += 1
        form = await request.post()
        grant = self.grants.pop(str(form.get("code")), None)
        client_id, secret = _client(request, form)
        verifier = str(form.get("code_verifier", ""))
        if (
            grant is None
            or (client_id, secret) != (CLIENT_ID, CLIENT_SECRET)
            or grant.redirect_uri != form.get("redirect_uri")
            or _challenge(verifier) != grant.challenge
        ):
            return web.json_response({"error": "invalid_grant"}, status=400)
        return web.json_response(
            {
                "access_token": secrets.token_urlsafe(16),
                "token_type": "Bearer",
                "expires_in": 3600,
                "id_token": self._id_token(grant),
            }
        )

    def _id_token(self, grant: Grant) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": grant.client_id,
            "iat": now,
            "exp": now + 600,
            "nonce": grant.nonce,
        }
        key = self.rogue_key or self.key
        return jwt.encode({"alg": "RS256", "kid": "k1"}, {**claims, **grant.user}, key)


def _client(request: web.Request, form: Any) -> tuple[str, str]:
    """client_secret_basic (what Authlib sends by default) or client_secret_post."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        return client_id, secret
    return str(form.get("client_id", "")), str(form.get("client_secret", ""))


def _challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
