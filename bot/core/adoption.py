"""What a council adopting the bot still has to do, for ``app.py check`` to warn about: values
left as placeholders, and outcomes whose first message its own contacts have made too long."""

from __future__ import annotations

from collections.abc import Iterator

from bot.core.choices import Stamp
from bot.core.contacts import placeholder_warnings
from bot.core.content.models import Content
from bot.core.present import Presenter

OUTCOME_TARGET = 700  # characters before the first button: what an officer reads at a glance
Path = list[tuple[str, str]]


def warnings(content: Content) -> list[str]:
    """One line per thing to fix; none stops the bot from working."""
    return placeholder_warnings(content) + long_outcomes(content)


def long_outcomes(content: Content) -> list[str]:
    """Each outcome whose first message, by its longest path, runs past the target."""
    present = Presenter(content)
    longest: dict[str, int] = {}
    for outcome, path in paths(content):
        reply = present.outcome(outcome, path=path, stamp=Stamp("check", 0))
        size = sum(len(part) + 1 for part in (reply.title, reply.text, reply.prompt) if part)
        longest[outcome] = max(longest.get(outcome, 0), size)
    index = {o.id: n for n, o in enumerate(content.flowchart.outcomes)}
    return [
        f"flowchart.yaml: outcomes[{index[o]}]: '{o}' says {size} characters before its buttons"
        f" (target {OUTCOME_TARGET}): shorten its steps or its contacts"
        for o, size in longest.items()
        if size > OUTCOME_TARGET
    ]


def paths(content: Content) -> Iterator[tuple[str, Path]]:
    """Every outcome with every path to it, "not sure" standing for the branch it takes."""
    questions = {q.id: q for q in content.flowchart.questions}

    def walk(node: str, path: Path, seen: frozenset[str]) -> Iterator[tuple[str, Path]]:
        if node not in questions:
            yield node, path
            return
        if node in seen:  # content is checked for reachability, not for loops
            return
        question = questions[node]
        for answer in ("yes", "no"):
            said = "unsure" if question.unsure.branch == answer else answer
            yield from walk(getattr(question, answer), [*path, (node, said)], seen | {node})

    yield from walk(content.flowchart.start, [], frozenset())
