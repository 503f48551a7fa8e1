"""An outcome as an officer with a post on the screen needs it: short, with whom to contact
and when, and the policy behind it one button (or "policy") away. Real engine, real SQLite."""

from __future__ import annotations

from bot.core.content import Content
from tests.conftest import Officer, labels, text_of


async def walk_to(officer: Officer, *answers: str) -> None:
    await officer.say("check")
    for answer in answers:
        await officer.say(answer)


async def test_show_the_policy_gives_the_considerations_and_the_cited_passages(
    officer: Officer, content: Content
) -> None:
    await walk_to(officer, "no", "no", "no", "yes")
    out = await officer.press_label("The rules")
    reply = out.replies[-1]
    assert reply.title == "Rules behind it"
    assert "Give the facts or the right link." in reply.text  # the outcome's summary
    assert "Check before replying" in reply.text and "Name: " in reply.text
    assert [q.cite for q in reply.quotes] == ["Fixture Policy, Part B / Reply politely"]
    assert "The rules" not in labels(out) and "Suggest wording" in labels(out)
    assert out.state.outcome == "answer_or_signpost", "the walk stays at its outcome"


async def test_an_outcome_that_involves_replying_names_the_considerations_and_others_do_not(
    officer: Officer,
) -> None:
    await walk_to(officer, "no", "no", "no")
    reply = await officer.say("yes")
    assert reply.state.outcome == "answer_or_signpost" and "mind the considerations" in text_of(reply)
    await officer.say("start again")
    urgent = await officer.say("yes")
    assert urgent.state.outcome == "urgent_escalation" and "considerations" not in text_of(urgent)


async def test_typing_policy_or_why_at_an_outcome_shows_the_policy(officer: Officer) -> None:
    await walk_to(officer, "no", "yes")
    for typed in ["policy", "why"]:
        out = await officer.say(typed)
        assert out.replies[-1].title == "Rules behind it", typed
        assert out.replies[-1].quotes and out.state.outcome == "evidence_and_remove"


async def test_the_urgent_outcome_says_how_to_reach_each_contact_out_of_hours(officer: Officer) -> None:
    await walk_to(officer, "yes")
    text = officer.last.replies[-1].text if officer.last else ""
    assert "After hours: the duty press officer on 07700 900001." in text
    assert "Reach Testshire Safeguarding Hub" in text and "the emergency duty team on 01632 960099" in text
    assert "By: Straight away." in text
    assert labels(officer.last)[0] == "Send to the Press Desk" if officer.last else False


async def test_an_outcome_that_is_not_urgent_gives_office_hours_only(officer: Officer) -> None:
    await walk_to(officer, "no", "yes")
    text = text_of(officer.last) if officer.last else ""
    assert "open weekdays 8am to 6pm" in text and "After hours" not in text
    assert "By: Same day." in text


async def test_the_record_keeps_every_question_of_the_path_in_full(
    officer: Officer, content: Content
) -> None:
    await walk_to(officer, "no", "yes")
    await officer.press_label("Send to the Press Desk")
    sent = await officer.press_label("Send as it is")
    notice = sent.escalations[0].message.text
    for question in content.flowchart.questions[:2]:
        assert question.text in notice


async def test_a_policy_button_from_an_earlier_outcome_has_expired(officer: Officer) -> None:
    await walk_to(officer, "no", "yes")
    old = officer.last
    await officer.say("back")
    await officer.say("no")
    out = await officer.press_label("The rules", old)
    assert "out of date" in text_of(out)
    assert out.state.node == "political"
