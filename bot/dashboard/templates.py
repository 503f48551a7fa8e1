"""The dashboard's pages are Jinja2 templates in ``content/dashboard/``, so a council words them
as it words the bot; every one is compiled at start-up, and a mistake is one line naming the
file, the line and the problem, like any other content error."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    Template,
    TemplateError,
    TemplateSyntaxError,
)

from bot.core.errors import ContentError
from bot.core.messages import shown_time

FOLDER = "dashboard"
PAGES = ("layout.html", "queue.html", "asks.html", "induction.html", "signin.html", "refused.html")


class Pages:
    """Every page compiled once; ``render`` fills one in (values are escaped: autoescape)."""

    def __init__(self, content_dir: Path) -> None:
        folder = content_dir / FOLDER
        self.env = Environment(
            loader=FileSystemLoader(folder),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(when=shown_time, day=day, capitalize_first=capitalize_first)
        self.templates = {name: _compiled(self.env, name) for name in PAGES}

    def render(self, name: str, **values: Any) -> str:
        try:
            return self.templates[name].render(**values)
        except TemplateError as exc:  # an edit that compiles but names a value that is not there
            raise ContentError(f"{FOLDER}/{name}", "", str(exc)) from None


def day(week: date) -> str:
    return f"{week.day:02d}/{week.month:02d}"


def capitalize_first(text: str) -> str:
    """ "the Communications Team" at the start of a title: only the first letter changes."""
    return text[:1].upper() + text[1:]


def _compiled(env: Environment, name: str) -> Template:
    try:
        return env.get_template(name)
    except TemplateSyntaxError as exc:
        raise ContentError(
            f"{FOLDER}/{exc.name or name}", "", exc.message or "syntax error", exc.lineno
        ) from None
    except TemplateError as exc:
        raise ContentError(f"{FOLDER}/{name}", "", f"missing or unreadable: {exc}") from None
