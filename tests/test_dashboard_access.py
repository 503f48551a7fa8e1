"""Only the Communications Team gets in: every page and API refuses without a session, sign-in
goes through the OpenID provider and the allow-list, and every action needs its CSRF token."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from aiohttp import ClientSession
from joserfc.jwk import RSAKey

from tests.conftest import CliRunner
from tests.dashboard_helpers import GROUP_MEMBER, MEMBER, STRANGER, running_desk, sign_in

PAGES = ["/comms/", "/comms/asks", "/comms/induction", "/comms/asks/unanswered/abc.yaml"]


async def test_every_page_redirects_to_sign_in_and_the_api_answers_401_without_a_session(
    tmp_path: Path,
) -> None:
    async with running_desk(tmp_path) as desk, desk.client() as client:
        for path in PAGES:
            async with client.get(path, allow_redirects=False) as response:
                assert response.status == 302, path
                assert response.headers["Location"] == "/comms/signin"
        async with client.get("/comms", allow_redirects=True) as response:
            assert str(response.url).endswith("/comms/signin")
        async with client.get("/comms/api/queue") as response:
            assert response.status == 401
            assert await response.text() == "Fixture: sign in first."  # worded in content
        for path in ["/comms/records/R1/acknowledge", "/comms/records/R1/close", "/comms/signout"]:
            async with client.post(path, data={"csrf": "x"}, allow_redirects=False) as response:
                assert response.status == 401, path


async def test_a_team_member_signs_in_through_the_provider_and_gets_a_secure_session(tmp_path: Path) -> None:
    async with running_desk(tmp_path) as desk, desk.client() as client:
        status, page = await sign_in(desk, client, MEMBER)
        assert status == 200
        assert "Signed in as Ada Lovelace" in page
        cookie = next(c for c in client.cookie_jar if c.key == "comms_session")
        assert cookie["secure"] and cookie["httponly"]
        assert cookie["samesite"] == "Lax" and cookie["path"] == "/comms"
        assert int(cookie["max-age"]) == 8 * 3600
        async with client.get("/comms/api/queue") as response:
            assert response.status == 200
            assert await response.json() == []


async def test_a_member_of_the_team_group_gets_in_without_being_on_the_list(tmp_path: Path) -> None:
    async with running_desk(tmp_path) as desk, desk.client() as client:
        status, page = await sign_in(desk, client, GROUP_MEMBER)
        assert status == 200 and "Signed in as Bo" in page


async def test_someone_outside_the_team_is_refused_and_gets_no_session(tmp_path: Path) -> None:
    async with running_desk(tmp_path) as desk, desk.client() as client:
        status, page = await sign_in(desk, client, STRANGER)
        assert status == 403
        assert "not on the list" in page
        async with client.get("/comms/api/queue") as response:
            assert response.status == 401


async def test_an_id_token_signed_with_a_key_the_provider_does_not_publish_is_refused(tmp_path: Path) -> None:
    async with running_desk(tmp_path) as desk, desk.client() as client:
        desk.provider.rogue_key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
        status, _ = await sign_in(desk, client, MEMBER)
        assert status == 401
        async with client.get("/comms/api/queue") as response:
            assert response.status == 401


async def test_a_callback_the_browser_did_not_start_is_refused(tmp_path: Path) -> None:
    async with running_desk(tmp_path) as desk, desk.client() as client:
        async with client.get("/comms/callback?code=abc&state=forged") as response:
            assert response.status == 401
        async with client.get("/comms/callback?error=access_denied&state=x") as response:
            assert response.status == 401
        assert desk.provider.token_requests == 0


async def test_an_action_with_a_forged_or_missing_csrf_token_or_from_another_site_is_refused(
    tmp_path: Path,
) -> None:
    async with running_desk(tmp_path) as desk, desk.client() as client:
        await sign_in(desk, client, MEMBER)
        for data, headers, said in [
            ({"csrf": "forged"}, {}, "Fixture: the form has expired."),
            ({}, {}, "Fixture: the form has expired."),
            ({"csrf": "forged"}, {"Origin": "https://evil.example"}, "Fixture: another site."),
        ]:
            async with client.post(
                "/comms/signout", data=data, headers=headers, allow_redirects=False
            ) as response:
                assert response.status == 403
                assert await response.text() == said  # worded in content
        async with client.get("/comms/api/queue") as response:
            assert response.status == 200, "still signed in: the forged sign-out did nothing"


async def test_signing_out_ends_the_session(tmp_path: Path) -> None:
    async with running_desk(tmp_path) as desk, desk.client() as client:
        _, page = await sign_in(desk, client, MEMBER)
        token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        async with client.post("/comms/signout", data={"csrf": token}, allow_redirects=False) as response:
            assert response.status == 302
        async with client.get("/comms/api/queue") as response:
            assert response.status == 401


async def test_local_sign_in_works_only_when_asked_for_on_loopback(tmp_path: Path) -> None:
    async with (
        running_desk(
            tmp_path,
            oidc_issuer=None,
            oidc_client_id=None,
            oidc_client_secret=None,
            oidc_redirect_url=None,
            session_secret=None,
            dashboard_local=True,
        ) as desk,
        desk.client() as client,
    ):
        async with client.get("/comms/signin") as response:
            page = await response.text()
        token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        async with client.post("/comms/signin/local", data={"csrf": token}) as response:
            assert response.status == 200 and "Signed in as local user" in await response.text()
    async with (
        running_desk(
            tmp_path,
            oidc_issuer=None,
            oidc_client_id=None,
            oidc_client_secret=None,
            oidc_redirect_url=None,
            session_secret=None,
            dashboard_local=True,
            host="10.0.0.5",
        ) as desk,
        desk.client() as client,
    ):
        async with client.get("/comms/signin") as response:
            page = await response.text()
        assert "Sign-in is not set up" in page
        assert "/comms/signin/local" not in page
        async with client.post("/comms/signin/local", data={"csrf": "x"}) as response:
            assert response.status in (403, 404)


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"OIDC_ISSUER": "https://login.example/t/v2.0"}, "OIDC_CLIENT_ID is not set"),
        (
            {
                "OIDC_ISSUER": "https://i",
                "OIDC_CLIENT_ID": "c",
                "OIDC_CLIENT_SECRET": "s",
                "OIDC_REDIRECT_URL": "https://a/comms/callback",
                "SESSION_SECRET": "x" * 32,
            },
            "COMMS_ALLOWED_EMAILS or COMMS_GROUP is not set",
        ),
        (
            {
                "OIDC_ISSUER": "https://i",
                "OIDC_CLIENT_ID": "c",
                "OIDC_CLIENT_SECRET": "s",
                "OIDC_REDIRECT_URL": "https://a/comms/callback",
                "SESSION_SECRET": "short",
                "COMMS_GROUP": "g",
            },
            "SESSION_SECRET must be at least 32 characters",
        ),
    ],
)
def test_half_set_sign_in_settings_stop_start_up_with_one_line(
    cli: CliRunner, env: dict[str, str], named: str
) -> None:
    result = cli("serve", env=env)
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert named in result.stderr


async def test_a_session_past_its_lifetime_is_refused(tmp_path: Path) -> None:
    async with running_desk(tmp_path, session_hours=1 / 3600) as desk, desk.client() as client:
        status, _ = await sign_in(desk, client, MEMBER)
        assert status == 200
        kept = next(c.value for c in client.cookie_jar if c.key == "comms_session")
        await asyncio.sleep(2.1)
        # The browser would drop the cookie by now; the server refuses it even when sent again.
        async with (
            ClientSession(desk.url) as replay,
            replay.get("/comms/api/queue", headers={"Cookie": f"comms_session={kept}"}) as response,
        ):
            assert response.status == 401
