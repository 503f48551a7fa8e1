"""Suggested replies: a draft from the content's templates, for the officer to copy and edit.
The bot never posts; a comment the officer pastes is quoted in the draft and kept nowhere."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.content.models import Content
from bot.core.text import clean

QUOTE_LIMIT = 120  # a draft names the comment it answers; the whole comment is on the page
SIGNATURE_LIMIT = 100
# What a public reply must never repeat: an email address, a phone number, a web address.
PERSONAL = re.compile(r"\S+@\S+\.\S+|\+?\d[\d\s().-]{6,}\d|https?://|www\.", re.IGNORECASE)


@dataclass(frozen=True)
class Draft:
    """A draft's text, and whether a pasted comment was left out of it (it had contact
    details or a link in it)."""

    text: str
    withheld: bool = False


def signature(typed: str) -> str:
    """A name or job title as typed, on one line and of a sensible length."""
    return clean(typed, limit=SIGNATURE_LIMIT)[0].strip(" .,-")


FACTS_LIMIT = 300


def facts_in(content: Content, text: str) -> str | None:
    """The facts an officer gives with a request for a draft ("draft something saying it's
    closed for refurb, reopening 24 March"): what follows the first of ``facts_cues``."""
    cues = sorted(content.drafts.facts_cues, key=len, reverse=True)
    if not cues:
        return None
    pattern = r"\b(?:" + "|".join(re.escape(c) for c in cues) + r")\b[\s:,]+(?:that\s+)?(.+)$"
    found = re.search(pattern, text, re.IGNORECASE | re.DOTALL)
    facts = clean(found.group(1), limit=FACTS_LIMIT)[0].strip(" .,;:-\"'") if found else ""
    return facts or None


def _with_facts(content: Content, outcome_id: str, reply: str, facts: str | None) -> str:
    """The reply with the officer's facts in place of its facts placeholder, unless they say
    what no public reply may (a never_say word, contact details or a link)."""
    placeholder = content.drafts.facts.get(outcome_id)
    if not facts or placeholder is None or PERSONAL.search(facts):
        return reply
    words = set(re.findall(r"[a-z0-9]+", facts.lower()))
    if any(set(re.findall(r"[a-z0-9]+", w.lower())) <= words for w in content.drafts.never_say):
        return reply
    sentence = facts[0].upper() + facts[1:]
    opens = placeholder[1:2].isupper()  # "[The answer ...]" opens a sentence; "[what will be ...]" does not
    text = sentence if opens else facts
    if opens and text[-1] not in ".!?":
        text += "."
    return reply.replace(placeholder, text, 1)


def draft(
    content: Content,
    outcome_id: str,
    *,
    signature: str | None,
    comment: str | None = None,
    facts: str | None = None,
) -> Draft:
    """The reply suggested for ``outcome_id``: with ``comment``, opened by a line naming it
    (unless it holds personal details); with ``facts``, the officer's own in place of its
    facts placeholder; with ``signature``, signed as the policy asks on a site not branded as
    the Council's."""
    drafts = content.drafts
    council = content.about.council
    parts = []
    withheld = False
    if comment:
        whole = clean(comment, limit=QUOTE_LIMIT * 20)[0]
        quoted = _short(whole)
        withheld = bool(PERSONAL.search(whole))
        if quoted and not withheld:
            parts.append(drafts.refer.format(comment=quoted))
    parts.append(_with_facts(content, outcome_id, drafts.replies[outcome_id].format(council=council), facts))
    if signature:
        parts.append(drafts.signoff.format(signature=signature, council=council))
    return Draft(text="\n".join(parts), withheld=withheld)


def _short(text: str) -> str:
    """The comment's first words, cut at a word within ``QUOTE_LIMIT`` characters."""
    if len(text) <= QUOTE_LIMIT:
        return text
    cut = text.rfind(" ", 0, QUOTE_LIMIT)
    return text[: cut if cut > 0 else QUOTE_LIMIT].rstrip(" ,;:") + "…"
