"""The council's contacts as the bot says them: one short line per contact, from templates."""

from __future__ import annotations

import re

from bot.core.content.models import Contact, Content

WAYS = ("phone", "email", "channel", "link")
# Text in square brackets is a value the council has still to fill in ("[phone number]").
PLACEHOLDER = re.compile(r"\[[^\[\]]+\]")


def contact_line(content: Content, contact_id: str, *, out_of_hours: bool = False) -> str:
    """``contact_id`` as one line: its name, the ways to reach it and its hours; with
    ``out_of_hours``, its route outside them too. An unknown id raises ``KeyError``."""
    contact = content.contacts.contacts[contact_id]
    texts = content.messages.texts
    ways = ", ".join(
        getattr(texts, f"contact_{way}").format(**{way: value})
        for way in WAYS
        if (value := getattr(contact, way)) is not None
    )
    parts = [texts.contact.format(name=contact.name, ways=ways)]
    if contact.hours:
        parts.append(texts.contact_hours.format(hours=contact.hours))
    if out_of_hours and contact.out_of_hours:
        parts.append(texts.contact_out_of_hours.format(out_of_hours=contact.out_of_hours))
    line = " ".join(parts)
    return line[:1].upper() + line[1:]


def placeholder_warnings(content: Content) -> list[str]:
    """One line per contact field still holding a placeholder: the bot works with them, but
    an officer would read "[phone number]" where a number should be."""
    found = []
    for contact_id, contact in content.contacts.contacts.items():
        for field in Contact.model_fields:
            value = getattr(contact, field)
            if isinstance(value, str) and PLACEHOLDER.search(value):
                where = f"contacts.yaml: contacts.{contact_id}.{field}"
                found.append(f"{where}: fill in the placeholder {value!r}")
    return found
