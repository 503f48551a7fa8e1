"""botbuilder's CloudAdapter as the Teams channel uses it: its configuration, and two
speed-ups that leave its behaviour as it is (the retry codes msrest scans, the clients it
would otherwise rebuild on every turn)."""

from __future__ import annotations

from typing import Any

from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from msrest.universal_http import requests as msrest_requests


def speed_up_msrest() -> None:
    """msrest scans a 500-element list once per status code, twice a turn (~7 ms of CPU);
    a frozenset holds the same codes and makes the scan instant."""
    policy = msrest_requests.ClientRetryPolicy
    policy.safe_codes = frozenset(policy.safe_codes)  # type: ignore[assignment]


class _ReusedConnectors:
    """One connector client per service URL and audience, instead of a new client (and a new
    msrest configuration) on every turn; the credentials inside refresh their own tokens."""

    def __init__(self, inner: Any, cache: dict[tuple[str, str | None], Any]) -> None:
        self._inner = inner
        self._cache = cache

    async def create(self, service_url: str, audience: str | None = None) -> Any:
        key = (service_url, audience)
        if key not in self._cache:
            self._cache[key] = await self._inner.create(service_url, audience)
        return self._cache[key]


class Authentication(ConfigurationBotFrameworkAuthentication):  # type: ignore[misc]
    """botbuilder's authentication, reusing the per-turn clients it would otherwise rebuild."""

    def __init__(self, configuration: Any) -> None:
        super().__init__(configuration)
        self._connectors: dict[tuple[str, str | None], Any] = {}
        self._user_tokens: dict[tuple[object, ...], Any] = {}

    async def authenticate_request(self, activity: Activity, auth_header: str) -> Any:
        result = await super().authenticate_request(activity, auth_header)
        if result.connector_factory is not None:
            result.connector_factory = _ReusedConnectors(result.connector_factory, self._connectors)
        return result

    async def create_user_token_client(self, claims_identity: Any) -> Any:
        claims = claims_identity.claims or {}
        key = (claims.get("aud"), claims.get("appid"), claims.get("azp"))
        if key not in self._user_tokens:
            self._user_tokens[key] = await super().create_user_token_client(claims_identity)
        return self._user_tokens[key]


class Configuration:
    """The attribute names botbuilder's configuration factories read."""

    def __init__(self, app_id: str, password: str, app_type: str, tenant_id: str) -> None:
        self.APP_ID = app_id
        self.APP_PASSWORD = password
        self.APP_TYPE = app_type
        self.APP_TENANTID = tenant_id


def cloud_adapter(*, app_id: str, password: str, app_type: str, tenant_id: str) -> CloudAdapter:
    """The adapter for these credentials, with msrest's retry-code scan made instant."""
    speed_up_msrest()
    return CloudAdapter(Authentication(Configuration(app_id, password, app_type, tenant_id)))
