"""The stored conversation state: each flow's own typed model under a schema version that is
checked on read. A state from the first release is read as it was meant; one this release
cannot read gets the polite error and is left as it was, for the release that wrote it."""

from __future__ import annotations

import json

import pytest

from bot.channels.turns import safe_turn
from bot.core.content.models import Content, Words
from bot.core.engine import ConversationEngine
from bot.core.errors import StateError
from bot.core.messages import Incoming
from bot.core.state import SCHEMA, ConversationState
from bot.core.storage import Saved, conversation_key
from bot.core.vocabulary import Intent
from tests.conftest import Officer, text_of

KEY = conversation_key("test", "C1", "U1")


def first_release(**fields: object) -> Saved:
    return Saved(json.dumps(fields), version=4, updated_at=1.0)


def test_a_first_release_walk_waiting_for_a_note_beside_a_paused_tour_is_read_as_both() -> None:
    old = first_release(
        flow="flowchart",
        outcome="urgent_escalation",
        path=[["safety", "yes"]],
        walk="ab12",
        awaiting="note",
        suspended={
            "node": "checking",
            "chapter": 1,
            "tries": 0,
            "results": {"purpose": True},
            "started_at": "2026-11-01T09:00:00Z",
            "walk": "cd34",
        },
    )
    state = ConversationState.from_saved(old)
    assert state.walk is not None and state.tour is not None
    assert (state.walk.at, state.walk.outcome, state.walk.path) == (
        "note",
        "urgent_escalation",
        [("safety", "yes")],
    )
    assert (state.tour.at, state.tour.resume, state.tour.chapter) == ("paused", "checking", 1)
    assert state.version == 4


def test_a_state_saved_and_read_back_is_the_same_state() -> None:
    old = first_release(
        flow="induction", node="retrying", chapter=2, tries=1, results={}, walk="x1", started_at="t"
    )
    state = ConversationState.from_saved(old)
    again = ConversationState.from_saved(state.saved())
    assert again == state and json.loads(state.saved().data)["schema"] == SCHEMA


@pytest.mark.parametrize(
    "data",
    [
        '{"schema": 99, "walk": {"run": "a", "at": "safety"}}',
        '{"schema": 2, "walk": {"run": "a", "at": "safety", "colour": "red"}}',
        '{"schema": 2, "walk": {"run": "a"}}',
        "[1, 2]",
        "not json",
    ],
)
def test_a_state_this_release_cannot_read_is_refused_by_name(data: str) -> None:
    with pytest.raises(StateError):
        ConversationState.from_saved(Saved(data, version=1))


async def test_an_unreadable_state_gets_the_polite_error_and_is_left_as_it_was(
    engine: ConversationEngine,
) -> None:
    newer = '{"schema": 99, "walk": {"run": "a", "at": "somewhere-new"}}'
    await engine.store.save(KEY, Saved(newer))
    out = await safe_turn(engine, Incoming("test", "C1", "U1", text="no"))
    assert "Something broke" in text_of(out) and not out.accepted
    kept = await engine.store.load(KEY)
    assert kept is not None and (kept.data, kept.version) == (newer, 1)


async def test_a_button_from_before_going_back_expires_even_at_the_same_question_number(
    officer: Officer,
) -> None:
    """Answering question 1 differently after "back" reaches another question 2; a button
    from the first question 2 must not answer the new one."""
    await officer.say("check")
    first_q2 = await officer.say("no")
    await officer.say("back")
    new_q2 = await officer.say("yes")
    assert new_q2.state.outcome == "urgent_escalation"
    await officer.say("back")
    await officer.say("no")
    out = await officer.press_label("Yes", first_q2)
    assert "out of date" in text_of(out) and out.state.node == "unlawful"


def test_every_intent_is_a_command_in_content_and_every_command_an_intent(content: Content) -> None:
    assert (
        {str(i) for i in Intent} == set(Words.model_fields) == set(type(content.messages.words).model_fields)
    )


async def test_one_machine_serves_officers_whose_walks_end_and_go_on(engine: ConversationEngine) -> None:
    """Each dialog builds its machine once; a walk that ends must not stop anyone else's."""
    first, second = Officer(engine, user="U1"), Officer(engine, user="U2")
    await first.say("check")
    await second.say("check")
    assert (await first.say("stop")).state.flow is None
    assert (await second.say("no")).state.node == "unlawful"
    assert (await first.say("check")).state.node == "safety"
    assert (await first.say("no")).state.node == "unlawful"
