"""The outcomes as the council's content and the fixture's give them: every first message
fits about 700 characters before its first button, in the console, on Slack (Block Kit) and
on Teams (the card), by whichever path it is reached, with the policy one button away; each
names its contacts and when to act; the drafted replies follow the response considerations."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.channels.console import render_text
from bot.channels.slack.render import reply_blocks
from bot.channels.teams.cards import card
from bot.core.adoption import paths
from bot.core.choices import Stamp
from bot.core.content import Content
from bot.core.drafts import draft
from bot.core.messages import Reply
from bot.core.present import Presenter

LIMIT = 700


def console_text(reply: Reply) -> str:
    return render_text(reply)  # the buttons are printed after this, as numbered options


def slack_text(reply: Reply) -> str:
    """The text of every block above the first row of buttons."""
    out: list[str] = []
    for block in reply_blocks(reply):
        if block["type"] == "actions":
            break
        if isinstance(block.get("text"), dict):
            out.append(block["text"]["text"])
        out += [e["text"] for e in block.get("elements", []) if "text" in e]
    return "\n".join(out)


def teams_text(reply: Reply) -> str:
    """The card's body: its actions (the buttons) come after all of it."""
    body: list[dict[str, Any]] = card(reply)["body"]
    return "\n".join(b["text"] for b in body)


RENDER = {"console": console_text, "slack": slack_text, "teams": teams_text}


@pytest.mark.parametrize("channel", sorted(RENDER))
@pytest.mark.parametrize("which", ["fixture", "council"])
def test_every_outcome_fits_before_its_first_button(
    channel: str, which: str, content: Content, real_content: Content
) -> None:
    chosen = content if which == "fixture" else real_content
    present = Presenter(chosen)
    reached = set()
    for outcome, path in paths(chosen):  # every path, "not sure" standing for its branch
        reply = present.outcome(outcome, path=path, stamp=Stamp("abc123", 12))
        size = len(RENDER[channel](reply))
        assert size <= LIMIT, f"{outcome} on {channel}: {size} characters\n{RENDER[channel](reply)}"
        assert chosen.messages.labels.policy in [c.label for c in reply.choices]
        reached.add(outcome)
    assert reached == {o.id for o in chosen.flowchart.outcomes}


REPLYING = {"answer_or_signpost", "join_in", "fix_the_facts", "restore", "respond_with_care"}
# Written here, not read from drafts.yaml's never_say, so a council's list cannot weaken it.
POLITICAL = re.compile(
    r"\b(vot(e|ed|es|ing)|elect(ion|ions|ed)?|part(y|ies)|politic(s|al|ian|ians)?|labour|"
    r"conservatives?|tor(y|ies)|lib ?dems?|liberal democrats?|green party|reform uk|snp|plaid|"
    r"manifesto|campaign|candidates?)\b",
    re.IGNORECASE,
)
PERSONAL = re.compile(r"\b(details?|address|phone|number|e-?mail|date of birth|name)\b", re.IGNORECASE)


def test_the_five_replying_outcomes_have_drafts_with_gaps_for_the_officer(real_content: Content) -> None:
    assert set(real_content.drafts.replies) == REPLYING
    for outcome, text in real_content.drafts.replies.items():
        assert re.search(r"\[[^\]]+\]", text) or outcome == "join_in", f"{outcome}: no [gap] for the facts"


def test_no_draft_is_political(real_content: Content) -> None:
    drafts = real_content.drafts
    for where, text in [*drafts.replies.items(), ("signoff", drafts.signoff), ("refer", drafts.refer)]:
        assert not POLITICAL.search(text), f"{where}: {POLITICAL.search(text)}"


def test_no_draft_asks_for_personal_details_in_public(real_content: Content) -> None:
    """Any sentence about someone's details sends them to a private message."""
    for outcome, text in real_content.drafts.replies.items():
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            if PERSONAL.search(sentence):
                assert "private message" in sentence, f"{outcome}: {sentence}"


def test_a_draft_is_signed_only_for_a_site_the_council_does_not_run(real_content: Content) -> None:
    council = real_content.about.council
    for outcome in REPLYING:
        signed = draft(real_content, outcome, signature="Sam Patel, Waste Services Officer").text
        assert signed.endswith(f"Sam Patel, Waste Services Officer, {council}")
        assert "Sam Patel" not in draft(real_content, outcome, signature=None).text


def test_every_outcome_names_a_contact_and_the_urgent_one_a_safeguarding_route(real_content: Content) -> None:
    contacts = real_content.contacts.contacts
    for outcome in real_content.flowchart.outcomes:
        assert outcome.contacts and all(c in contacts for c in outcome.contacts)
        assert outcome.when
    urgent = next(o for o in real_content.flowchart.outcomes if o.escalate == "urgent")
    assert urgent.contacts == ["comms", "safeguarding"]
    assert contacts["comms"].out_of_hours and contacts["safeguarding"].out_of_hours


def test_the_transparency_consideration_says_it_as_appendix_b_does(real_content: Content) -> None:
    """Name or job title on sites not branded as the Council's, as the FAQ says too."""
    item = next(c for c in real_content.flowchart.considerations.items if c.name == "Transparency")
    assert "not branded as the Council" in item.text and "name or job title" in item.text
    faq = next(e for e in real_content.faq.entries if e.id == "identify-yourself-on-other-sites")
    assert "not branded as the Council" in faq.answer
