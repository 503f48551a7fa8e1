"""Bot Framework tokens signed by a key the test installs, so nothing is fetched online."""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any

import jwt
from botframework.connector.auth import AuthenticationConstants
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

KEY_ID = "test-key"
_PRIVATE = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def install_test_key() -> None:
    """Put the test key in botframework's metadata cache for every issuer it knows, dated
    now, so validation never goes online to refresh keys."""
    public = json.loads(RSAAlgorithm.to_jwk(_PRIVATE.public_key()))
    public |= {"kid": KEY_ID, "endorsements": ["msteams"]}
    for url in (
        AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL,
        AuthenticationConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL,
    ):
        metadata = JwtTokenExtractor.get_open_id_metadata(url)
        metadata.keys = [public]
        metadata.last_updated = datetime.now()


def token(
    *,
    app_id: str,
    service_url: str,
    issuer: str = "https://api.botframework.com",
    expires_in: int = 3600,
    audience: str | None = None,
) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": audience or app_id,
        "serviceurl": service_url,
        "nbf": now - 60,
        "iat": now - 60,
        "exp": now + expires_in,
    }
    return jwt.encode(claims, _PRIVATE, algorithm="RS256", headers={"kid": KEY_ID})
