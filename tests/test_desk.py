"""The desk service on a real store, with channels that write down what they were asked to
show: a record is taken, then closed; each post shows its state; the officer hears once; a
second press is told who has it; URGENT records nobody takes are raised again."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.core.content import Content
from bot.core.content.loader import load_content
from bot.core.desk import ACKNOWLEDGE, CLOSE, Desk, Press
from bot.core.errors import ContentError
from bot.core.lifecycle import Actor, DeskRecord, Post, State
from bot.core.messages import Reply
from bot.core.storage.relational import RelationalStore
from tests.conftest import FIXTURE_CONTENT, Clock
from tests.test_broken_content import edit
from tests.test_store_contract import decision

ALEX = Actor("U7", "Alex Comms")


@dataclass
class Written:
    """A channel at the network's edge: it keeps what the desk asked it to send."""

    name: str
    reaches: bool = True
    updates: list[tuple[Post, Reply]] = field(default_factory=list)
    told: list[tuple[str, str]] = field(default_factory=list)
    reminders: list[tuple[str, str]] = field(default_factory=list)

    async def update_post(self, post: Post, message: Reply) -> None:
        self.updates.append((post, message))

    async def tell_officer(self, desk: DeskRecord, text: str) -> bool:
        if self.reaches:
            self.told.append((desk.record.user, text))
        return self.reaches

    async def remind(self, desk: DeskRecord, text: str) -> None:
        self.reminders.append((desk.id, text))


@pytest.fixture
def channels() -> tuple[Written, Written]:
    return Written("slack"), Written("teams", reaches=False)


@pytest.fixture
def desk(store: RelationalStore, content: Content, clock: Clock, channels: tuple[Written, Written]) -> Desk:
    return Desk(store=store, content=content, clock=clock, ack_minutes=15, channels=list(channels))


async def test_taking_a_record_updates_every_post_and_tells_the_officer_once(
    desk: Desk, store: RelationalStore, channels: tuple[Written, Written]
) -> None:
    slack, teams = channels
    await store.add_record(decision(1), "fixture-1")
    await desk.posted(Post("R-0001", "slack", "comms", "CCOMMS", "1.1"))
    await desk.posted(Post("R-0001", "teams", "comms", "19:comms", "act-1", "http://127.0.0.1:1/"))
    new = desk.post_message(await desk.record("R-0001") or pytest.fail("no record"))
    assert [c.label for c in new.choices] == ["Mine", "Shut it"] and "Nobody has this yet." in new.text
    outcome = await desk.acknowledge("R-0001", ALEX)
    assert outcome.changed and outcome.message == "R-0001 is yours now."
    (shown_in_slack,) = slack.updates
    (shown_in_teams,) = teams.updates
    assert shown_in_slack[0].message_id == "1.1" and shown_in_teams[0].message_id == "act-1"
    message = shown_in_slack[1]
    assert "Taken by Alex Comms at 2026-11-25 09:00." in message.text
    assert [c.label for c in message.choices] == ["Shut it"]
    assert slack.told == [("U1", "Alex Comms from the Press Desk is on it (R-0001, Report it).")]
    actions = [(e.action, e.detail) for e in await desk.trail("R-0001")]
    assert actions == [("sent", "urgent"), ("posted", "slack"), ("posted", "teams"), ("acknowledged", None)]


async def test_a_second_press_changes_nothing_and_says_who_has_the_record(
    desk: Desk, store: RelationalStore, channels: tuple[Written, Written]
) -> None:
    await store.add_record(decision(1), "fixture-1")
    await desk.acknowledge("R-0001", ALEX)
    again = await desk.acknowledge("R-0001", Actor("U8", "Sam"))
    assert not again.changed and again.message == "Alex Comms already took R-0001 at 2026-11-25 09:00."
    assert len(channels[0].told) == 1


async def test_closing_shows_the_resolution_and_note_and_leaves_no_buttons(
    desk: Desk, store: RelationalStore, channels: tuple[Written, Written], clock: Clock
) -> None:
    await store.add_record(decision(1), "fixture-1")
    await desk.posted(Post("R-0001", "slack", "comms", "CCOMMS", "1.1"))
    clock.advance(20)
    outcome = await desk.close("R-0001", ALEX, "handled", "  rang   the resident ")
    assert outcome.changed and outcome.message == "R-0001 shut: Dealt with."
    message = channels[0].updates[-1][1]
    assert "Shut by Alex Comms at 2026-11-25 09:20: Dealt with." in message.text
    assert "Said: rang the resident" in message.text and message.choices == ()
    assert channels[0].told[-1][1] == "Alex Comms from the Press Desk shut R-0001 (Report it): Dealt with."
    late = await desk.close("R-0001", Actor("U8", "Sam"), "no_action")
    assert not late.changed and late.message == "R-0001 was already shut by Alex Comms at 2026-11-25 09:20."


async def test_an_unknown_record_or_resolution_is_refused(desk: Desk, store: RelationalStore) -> None:
    assert (await desk.acknowledge("R-GONE", ALEX)).message == "No such record any more."
    await store.add_record(decision(1), "fixture-1")
    with pytest.raises(ValueError):
        await desk.close("R-0001", ALEX, "made-up")
    assert (await desk.record("R-0001") or pytest.fail("no record")).lifecycle.state is State.NEW


async def test_an_urgent_record_nobody_takes_is_raised_every_interval_until_taken(
    desk: Desk, store: RelationalStore, channels: tuple[Written, Written], clock: Clock
) -> None:
    await store.add_record(decision(1, created_at="2026-11-25T09:00:00Z"), "fixture-1")
    clock.advance(14)
    assert await desk.remind_due() == []
    clock.advance(1)
    assert [d.id for d in await desk.remind_due()] == ["R-0001"]
    assert await desk.remind_due() == []
    assert channels[0].reminders == channels[1].reminders
    assert channels[0].reminders == [
        ("R-0001", "Still nobody on URGENT R-0001 (Report it) from Alex Officer after 15 min.")
    ]
    clock.advance(15)
    assert len(await desk.remind_due()) == 1
    await desk.acknowledge("R-0001", ALEX)
    clock.advance(15)
    assert await desk.remind_due() == []


@pytest.mark.parametrize(
    "value", ["desk:ack:", "desk:open:R-1", "desk:ack:" + "R" * 41, "walk:start", "", None]
)
def test_only_well_formed_desk_values_are_desk_presses(value: str | None) -> None:
    assert Press.parse(value) is None


def test_a_desk_press_round_trips() -> None:
    for verb in (ACKNOWLEDGE, CLOSE):
        assert Press.parse(Press(verb, "R-00AB").encode()) == Press(verb, "R-00AB")


@pytest.mark.parametrize(
    ("change", "where", "reason"),
    [
        (
            lambda d: d["resolutions"].append(dict(d["resolutions"][0])),
            "desk.yaml:",
            "duplicate id 'handled'",
        ),
        (lambda d: d["resolutions"][1].update(label="x" * 76), "resolutions[1].label", "at most 75"),
        (lambda d: d.update(resolutions=[]), "resolutions", "at least 1"),
        (lambda d: d["texts"].update(reminder="{who} forgot"), "texts.reminder", "unknown placeholder {who}"),
        (lambda d: d["texts"].pop("acknowledge"), "texts.acknowledge", "required key is missing"),
    ],
)
def test_a_broken_desk_file_gives_one_line_with_its_key_path(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], where: str, reason: str
) -> None:
    folder = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, folder)
    edit("desk.yaml", change)(folder)
    with pytest.raises(ContentError) as raised:
        load_content(folder)
    message = str(raised.value)
    assert "desk.yaml" in message and where in message and reason in message and "\n" not in message
