"""Every turn is bounded: a huge message costs milliseconds, and a forged, mangled or foreign
button value is "expired" and changes nothing, whatever it names."""

from __future__ import annotations

import time

import pytest

from bot.core.content import Content
from bot.core.engine import ConversationEngine
from bot.core.invariants import Invariants
from bot.core.messages import Incoming
from bot.core.state import ConversationState
from bot.core.storage import conversation_key
from tests.conftest import CliRunner, Officer, text_of
from tools.fuzz import run_fuzz

HUGE = {
    "unclosed mentions": "<@" * 50_000,
    "unclosed links": "<http:" * 17_000,
    "links with labels": "<http://x|" * 10_000,
    "one unclosed mention": "<@U" + "a" * 100_000,
    "emoji": "😀" * 100_000,
    "mrkdwn": "*bold* _it_ ~st~ `code` > quote " * 3_200,
}


@pytest.mark.parametrize("size", [40_000, 100_000])
@pytest.mark.parametrize("kind", sorted(HUGE))
async def test_a_huge_message_costs_a_turn_of_milliseconds(
    engine: ConversationEngine, kind: str, size: int
) -> None:
    text = (HUGE[kind] * 2)[:size]
    await engine.handle(Incoming("test", "C1", "warm", text="hello"))
    fastest = 1.0
    for _ in range(3):  # the fastest of three, so a busy machine does not fail it
        started = time.perf_counter()
        out = await engine.handle(Incoming("test", "C1", "U1", text=text))
        fastest = min(fastest, time.perf_counter() - started)
    assert out.replies
    # a reading that grew with the square of the message would take seconds here; 200 ms leaves
    # room for a busy machine without hiding one
    assert fastest < 0.2, f"{kind} at {size} characters took {fastest * 1000:.0f} ms"


async def state_of(officer: Officer) -> ConversationState | None:
    return await officer.engine.load(conversation_key(officer.channel, "C1", officer.user))


async def test_a_non_ascii_digit_at_an_induction_check_is_read_as_text(officer: Officer) -> None:
    await officer.say("induction")
    await officer.press_label("Next")
    for typed in ("፩", "١"):  # ("²" reads as 2 once normalised: a fair answer)
        out = await officer.say(typed)
        assert out.state.node == "checking" and "Quick check" in text_of(out)


@pytest.mark.parametrize("step", ["²", "፩", "-1", "1.0", ""])
async def test_a_button_whose_step_is_not_ascii_digits_has_expired(officer: Officer, step: str) -> None:
    first = await officer.say("check")
    before = await state_of(officer)
    walk = first.replies[-1].choices[0].value.split("@")[1].split(".")[0]
    out = await officer.press(f"answer:yes@{walk}.{step}")
    assert "out of date" in text_of(out)
    after = await state_of(officer)
    assert before is not None and after is not None
    assert after.walk == before.walk


async def test_a_tour_button_forged_onto_a_flowchart_step_changes_nothing(officer: Officer) -> None:
    out = await officer.say("check")
    tail = out.replies[-1].choices[0].value.split("@")[1]
    for forged in (f"tour:stop@{tail}", f"tour:next@{tail}", f"option:1@{tail}", f"tour:acknowledge@{tail}"):
        out = await officer.press(forged)
        assert "out of date" in text_of(out) and out.state.node == "safety"
    stored = await state_of(officer)
    assert stored is not None and stored.tour is None
    await officer.say("stop")
    assert (await officer.say("induction")).state.node == "reading"  # the tour still starts


async def test_flowchart_buttons_forged_onto_the_tour_change_nothing(
    officer: Officer, content: Content
) -> None:
    out = await officer.say("induction")
    tail = out.replies[-1].choices[0].value.split("@")[1]
    for forged in (f"answer:yes@{tail}", f"back@{tail}", f"why@{tail}", f"record@{tail}", f"stop@{tail}"):
        out = await officer.press(forged)
        assert "out of date" in text_of(out) and (out.state.flow, out.state.node) == ("induction", "reading")
    out = await officer.press(f"tour:acknowledge@{tail}")  # a move the reading phase has not got
    assert "out of date" in text_of(out) and out.state.node == "reading"
    stored = await state_of(officer)
    assert stored is not None and Invariants(content).problems(stored) == []


async def test_two_thousand_random_and_forged_turns_crash_nothing_and_break_no_state(
    content: Content,
) -> None:
    result = await run_fuzz(content, turns=2000, seed=7)
    assert (result.turns, result.crashes, result.impossible) == (2000, 0, 0), result.examples


def test_the_fuzz_command_prints_turns_crashes_and_impossible_states(cli: CliRunner) -> None:
    run = cli("fuzz", "--turns", "50", "--seed", "3")  # the 2,000 turns above are in this process
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "turns 50, crashes 0, impossible states 0"
