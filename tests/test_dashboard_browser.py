"""The dashboard driven as the team uses it, in a real headless Chromium (the system's, through
Playwright; nothing downloaded): sign in through the local fake OpenID provider, see an URGENT
record from Slack arrive, acknowledge it by keyboard, and check every page with axe-core
(bundled in axe-playwright-python) against WCAG 2.2 AA. Screenshots of each page go to
``data/screenshots/``; the README shows the queue's."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page, async_playwright

from bot.core.messages import InductionRecord
from bot.core.storage import AnsweredQuestion
from bot.dashboard.views import recent_weeks
from bot.server import ENGINE
from tests import slack_helpers as s
from tests.conftest import ROOT
from tests.dashboard_helpers import MEMBER, STRANGER, Desk, posted, running_desk, urgent_record_from_slack

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "data" / "screenshots"
# Chromium as the system packages it, kept off the network: no updates, sync or QUIC.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """The system's Chromium; skipped where it is missing, except under CI, where it must run."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is missing: CI must run the browser tests (.ci/run installs it)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        await launched.close()


async def accessible(page: Page, name: str) -> None:
    """No WCAG 2.2 A or AA violation axe-core can find; a full-page screenshot for the docs."""
    results = await Axe().run(page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"dashboard-{name}.png"), full_page=True)


async def signed_in_page(browser: Browser, desk: Desk, user: dict[str, Any]) -> Page:
    """A new browser, at the dashboard, through the sign-in page and the provider."""
    page = await browser.new_page(viewport={"width": 1100, "height": 900})
    desk.provider.next_user = dict(user)
    await page.goto(f"{desk.url}/comms/")
    assert page.url.endswith("/comms/signin")
    await page.get_by_role("link", name="Sign in with your council account").click()
    await page.wait_for_load_state()
    return page


async def test_an_urgent_record_from_slack_is_acknowledged_by_keyboard_then_closed_on_the_dashboard(
    tmp_path: Path, browser: Browser
) -> None:
    async with running_desk(tmp_path) as desk, desk.client() as client:
        page = await browser.new_page(viewport={"width": 1100, "height": 900})
        await page.goto(f"{desk.url}/comms/")
        await accessible(page, "signin")
        await page.close()

        page = await signed_in_page(browser, desk, MEMBER)
        assert page.url == f"{desk.url}/comms/"
        await page.get_by_text("Signed in as Ada Lovelace").wait_for()
        assert await page.get_by_role("heading", name="New (0)").count() == 1

        comms_post = await urgent_record_from_slack(desk, client)
        assert "Mine" in s.buttons(comms_post["blocks"])
        await page.reload()
        new = page.locator("section", has=page.get_by_role("heading", name="New (1)"))
        record = new.get_by_role("article")
        assert "URGENT" in await record.get_by_role("heading").inner_text()
        await record.get_by_text("Path taken").click()
        assert "Is anyone at risk" in await record.inner_text()
        await accessible(page, "queue")

        # By keyboard, from a fresh load: the skip link first, then on to the record's button.
        await page.goto(f"{desk.url}/comms/")
        await page.keyboard.press("Tab")
        assert await page.evaluate("document.activeElement.textContent") == "Skip to main content"
        await page.keyboard.press("Enter")
        for _ in range(30):
            await page.keyboard.press("Tab")
            focused = await page.evaluate("document.activeElement.textContent")
            if focused.startswith("Mine"):
                break
        else:
            raise AssertionError("the acknowledge button is not reachable by Tab")
        await page.keyboard.press("Enter")
        await page.wait_for_load_state()

        await page.get_by_role("status").get_by_text("is yours now").wait_for()
        acknowledged = page.locator("section", has=page.get_by_role("heading", name="Acknowledged (1)"))
        assert "Ada Lovelace" in await acknowledged.get_by_role("article").inner_text()
        await acknowledged.get_by_text("Audit trail").click()
        assert "acknowledged by Ada Lovelace" in await acknowledged.inner_text()
        await accessible(page, "queue-acknowledged")

        # The same change as the chat button: the team's Slack post shows who has the record,
        # with no button left to take it, and the officer hears privately.
        [update] = [u for u in desk.slack.of("chat.update") if u["channel"] == "CCOMMS"]
        assert "Taken by Ada Lovelace" in s.texts(update["blocks"])
        assert "Mine" not in s.buttons(update["blocks"])
        told = await posted(desk, 1, channel="U1")
        assert "Ada Lovelace from the Press Desk is on it" in s.texts(told["blocks"])

        # Closing, with a resolution from the desk's content and a note.
        await acknowledged.get_by_text("Shut the record").click()
        await accessible(page, "queue-close-form")
        await acknowledged.get_by_label("Outcome").select_option(label="Dealt with")
        await acknowledged.get_by_label("Anything to add?").fill("phoned the resident")
        await acknowledged.get_by_role("button", name="Shut", exact=True).click()
        await page.get_by_role("status").get_by_text("shut: Dealt with").wait_for()
        closed = page.locator("section", has=page.get_by_role("heading", name="Closed (1)"))
        assert "phoned the resident" in await closed.get_by_role("article").inner_text()
        told = await posted(desk, 2, channel="U1")
        assert "Ada Lovelace from the Press Desk shut" in s.texts(told["blocks"])


async def test_the_asks_and_induction_pages_pass_the_scan(tmp_path: Path, browser: Browser) -> None:
    async with running_desk(tmp_path) as desk:
        store = desk.app[ENGINE].store
        for n, text in enumerate(
            [
                "can I post memes on the council page",
                "posting memes on our page?",
                "who pays for my phone bill",
            ]
        ):
            await store.log_unanswered(text, f"2026-11-2{n}T10:00:00Z")
        await store.log_answered([AnsweredQuestion("logo-personal", f"{recent_weeks()[-1]}T10:00:00Z")])
        await store.save_induction(
            InductionRecord(
                "U7", "Grace", "slack", "2026-11-20T09:00:00Z", "2026-11-20T09:12:00Z", 3, 3, True, "v1"
            )
        )
        await store.save_induction(
            InductionRecord("U8", "Linus", "teams", "2026-11-21T09:00:00Z", None, None, 3, False, "v1")
        )
        page = await signed_in_page(browser, desk, MEMBER)
        await page.get_by_role("link", name="What officers ask").click()
        await page.get_by_role("heading", name="Unanswered questions, grouped by wording").wait_for()
        assert await page.get_by_text("asked 2 times").count() == 1
        assert await page.get_by_role("table", name="Top questions, by week starting").count() == 1
        await accessible(page, "asks")
        await page.get_by_role("link", name="Induction").click()
        assert "Grace" in await page.locator("section", has_text="Completed (1)").inner_text()
        assert "Linus" in await page.locator("section", has_text="Started, not finished (1)").inner_text()
        await accessible(page, "induction")


async def test_someone_outside_the_team_is_refused_in_the_browser(tmp_path: Path, browser: Browser) -> None:
    async with running_desk(tmp_path) as desk:
        page = await signed_in_page(browser, desk, STRANGER)
        await page.get_by_role("heading", name="Not signed in").wait_for()
        await accessible(page, "refused")
        await page.goto(f"{desk.url}/comms/")
        assert page.url.endswith("/comms/signin")


async def test_a_forged_csrf_token_changes_nothing(tmp_path: Path, browser: Browser) -> None:
    async with running_desk(tmp_path) as desk, desk.client() as client:
        await urgent_record_from_slack(desk, client)
        page = await signed_in_page(browser, desk, MEMBER)
        await page.evaluate("document.querySelectorAll('input[name=csrf]').forEach(i => i.value = 'forged')")
        async with page.expect_response(lambda r: r.url.endswith("/acknowledge")) as answer:
            await page.get_by_role("button", name="Mine").click()
        assert (await answer.value).status == 403
        await page.goto(f"{desk.url}/comms/")
        assert await page.get_by_role("heading", name="New (1)").count() == 1
