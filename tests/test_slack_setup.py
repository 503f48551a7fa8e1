"""Slack set-up: manifests, settings, start-up status and Block Kit limits."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.channels.slack import SlackChannel, render
from bot.core.engine import ConversationEngine
from bot.core.messages import Choice, Quote, Reply
from bot.server import channel_status
from bot.settings import Settings
from tests.conftest import ROOT, CliRunner


@pytest.mark.parametrize("name", ["manifest.yml", "manifest-socket-mode.yml"])
def test_the_manifests_declare_the_command_events_and_scopes_the_bot_uses(name: str) -> None:
    manifest = yaml.safe_load((ROOT / "slack" / name).read_text(encoding="utf-8"))
    assert manifest["features"]["slash_commands"][0]["command"] == Settings().slack_command
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == {
        "app_home_opened",
        "app_mention",
        "message.im",
    }
    assert {"chat:write", "commands", "im:history", "app_mentions:read"} <= set(
        manifest["oauth_config"]["scopes"]["bot"]
    )
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["settings"]["socket_mode_enabled"] is (name == "manifest-socket-mode.yml")


def test_half_configured_slack_stops_with_the_missing_variable(cli: CliRunner) -> None:
    run = cli("serve", env={"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "", "SLACK_APP_TOKEN": ""})
    assert run.returncode == 2
    assert "SLACK_SIGNING_SECRET" in run.stderr and len(run.stderr.strip().splitlines()) == 1


def test_start_up_says_which_channels_are_on_and_how_to_turn_them_on(tmp_path: Path) -> None:
    assert "SLACK_BOT_TOKEN" in channel_status(Settings())[0]
    on = Settings(slack_bot_token="xoxb-1", slack_signing_secret="s")
    assert channel_status(on)[0].startswith("Slack: on at POST /slack/events")
    socket = Settings(slack_bot_token="xoxb-1", slack_app_token="xapp-1")
    assert "Socket Mode" in channel_status(socket)[0]


def test_socket_mode_needs_no_signing_secret(engine: ConversationEngine) -> None:
    channel = SlackChannel(
        engine=engine,
        token="xoxb-1",
        signing_secret=None,
        api_url="http://127.0.0.1:9/api/",
        command="/socialmedia",
        comms_channel=None,
    )
    assert channel.app is not None


def test_long_texts_and_many_buttons_fit_block_kit_limits() -> None:
    reply = Reply(
        text="line\n" * 3000, title="T" * 400, choices=tuple(Choice("L" * 100, f"v{n}") for n in range(30))
    )
    (message,) = render.messages([reply])
    assert len(message) <= render.BLOCKS_PER_MESSAGE
    for block in message:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "actions":
            assert len(block["elements"]) <= 25
            assert all(len(e["text"]["text"]) <= 75 for e in block["elements"])
    ids = [e["action_id"] for b in message if b["type"] == "actions" for e in b["elements"]]
    assert len(ids) == len(set(ids)) == 30


def test_the_notification_text_is_escaped() -> None:
    assert render.fallback([Reply(text="<!channel> & <@U1>")]) == "&lt;!channel&gt; &amp; &lt;@U1&gt;"


def test_every_text_past_a_block_kit_limit_is_cut_not_refused() -> None:
    """slack-sdk's block models refuse an over-long text; the renderer cuts first."""
    reply = Reply(
        text="x" * 10_000,
        title="T" * 400,
        prompt="P" * 5_000,
        quotes=(Quote("q" * 100_000, "C" * 5_000), Quote("short", "Policy: 1")),
        choices=(Choice("L" * 500, "v"),),
    )
    (message,) = render.messages([reply])
    contexts = [b for b in message if b["type"] == "context"]
    assert [len(c["elements"]) for c in contexts] == [10, 2]
    assert contexts[0]["elements"][-1]["text"].startswith("CCC")  # the source is never cut off
    assert contexts[1]["elements"][-1]["text"] == "Policy: 1"
    assert render.home_view(reply).to_dict()["type"] == "home"


def test_a_reply_rendered_twice_gets_block_ids_of_its_own_each_time() -> None:
    reply = Reply(text="Question 1", choices=(Choice("Yes", "answer:yes@w.0"), Choice("No", "answer:no@w.0")))
    first, second = render.reply_blocks(reply), render.reply_blocks(reply)
    ids = {b["block_id"] for b in first + second if b["type"] == "actions"}
    assert len(ids) == 2
    first[0]["text"]["text"] = "changed"
    assert render.reply_blocks(reply)[0]["text"]["text"] == "Question 1"
