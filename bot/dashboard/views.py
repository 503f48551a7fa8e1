"""What the dashboard's pages show, shaped from the store's values: plain data for the
templates, no HTML here and no words of the page (those are in ``content/dashboard/``)."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import yaml

from bot.core.lifecycle import State
from bot.core.messages import InductionRecord
from bot.core.storage import AnsweredCount, UnansweredQuestion
from bot.reports import by_officer

STATES = tuple(State)  # the queue's sections, in the lifecycle's order
WEEKS = 12
TOP = 5  # FAQ entries shown per week


@dataclass(frozen=True)
class Step:
    question: str
    answer: str


@dataclass(frozen=True)
class TrailLine:
    at: str
    who: str
    action: str
    detail: str | None = None


@dataclass(frozen=True)
class QueueItem:
    """One record as the queue shows it, with where it stands at the desk."""

    id: str
    created_at: str
    state: str
    urgency: str
    outcome_title: str
    officer: str
    channel: str
    path: tuple[Step, ...]
    comment: str | None
    link: str | None = None
    acknowledged_by: str | None = None
    acknowledged_at: str | None = None
    closed_by: str | None = None
    closed_at: str | None = None
    resolution: str | None = None
    note: str | None = None
    trail: tuple[TrailLine, ...] = ()

    @property
    def urgent(self) -> bool:
        return self.urgency == "urgent"


def queue_sections(items: Iterable[QueueItem]) -> list[tuple[str, list[QueueItem]]]:
    """The queue by state (new first), urgent before the rest, newest first within each."""
    ordered = sorted(items, key=lambda i: i.created_at, reverse=True)
    ordered.sort(key=lambda i: not i.urgent)
    return [(state, [i for i in ordered if i.state == state]) for state in STATES]


def week_of(moment: str) -> date:
    """The Monday of the week an ISO time falls in."""
    day = date.fromisoformat(moment[:10])
    return day - timedelta(days=day.weekday())


def recent_weeks(today: date | None = None, count: int = WEEKS) -> list[date]:
    monday = week_of((today or datetime.now(UTC).date()).isoformat())
    return [monday - timedelta(weeks=n) for n in reversed(range(count))]


@dataclass(frozen=True)
class WeeklyCounts:
    """Counts per week and per series (an outcome, say), every week present even when empty."""

    weeks: list[date]
    series: list[str]
    counts: dict[tuple[date, str], int]

    def total(self, week: date) -> int:
        return sum(self.counts.get((week, s), 0) for s in self.series)

    def row(self, series: str) -> list[int]:
        return [self.counts.get((w, series), 0) for w in self.weeks]


def weekly(events: Iterable[tuple[str, str]], weeks: list[date]) -> WeeklyCounts:
    """(time, series) pairs counted per week; series ordered by how often they occur."""
    return weekly_counts(((week_of(moment), series, 1) for moment, series in events), weeks)


def weekly_counts(counts: Iterable[tuple[date, str, int]], weeks: list[date]) -> WeeklyCounts:
    """Counts already made per week and series, kept for the weeks shown."""
    shown = set(weeks)
    kept: Counter[tuple[date, str]] = Counter()
    totals: Counter[str] = Counter()
    for week, series, count in counts:
        if week in shown:
            kept[(week, series)] += count
            totals[series] += count
    return WeeklyCounts(weeks, [s for s, _ in totals.most_common()], dict(kept))


@dataclass(frozen=True)
class Ranked:
    """An FAQ entry's title (its id when the content no longer has it) and how often it was
    answered."""

    title: str
    count: int


@dataclass(frozen=True)
class WeekTop:
    week: date
    entries: list[Ranked]


def top_per_week(
    counts: Iterable[AnsweredCount], titles: Mapping[str, str], weeks: list[date], top: int = TOP
) -> list[WeekTop]:
    """The ``top`` entries answered most in each week, newest week first and every week present
    (an empty one too); within a week the most answered first, then by title."""
    by_week: dict[date, list[Ranked]] = {week: [] for week in weeks}
    for count in counts:
        if count.week in by_week:
            by_week[count.week].append(Ranked(titles.get(count.entry, count.entry), count.count))
    return [
        WeekTop(week, sorted(by_week[week], key=lambda r: (-r.count, r.title))[:top])
        for week in reversed(weeks)
    ]


_WORD = re.compile(r"[a-z0-9@']+")
_STOP = frozenset(
    (
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "can",
        "could",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "should",
        "so",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "was",
        "we",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "am",
        "im",
        "i'm",
    )
)


def words(text: str) -> frozenset[str]:
    """The words that carry meaning, lower case, a plural's s dropped: "Can I post memes?" and
    "posting a meme" share ``post`` and ``meme``."""
    found = set()
    for word in _WORD.findall(text.lower()):
        if word in _STOP:
            continue
        for ending in ("ing", "ed", "es", "s"):
            if len(word) > len(ending) + 3 and word.endswith(ending):
                word = word[: -len(ending)]
                break
        found.add(word)
    return frozenset(found)


@dataclass
class Group:
    """Unanswered questions worded alike: the phrasings, most recent first, and a stable key."""

    key: str
    phrasings: list[str] = field(default_factory=list)
    last_asked: str = ""
    _words: frozenset[str] = frozenset()

    @property
    def count(self) -> int:
        return len(self.phrasings)


SIMILAR = 0.5  # share of meaningful words two questions must have in common (Jaccard)


def similar(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a and b) and len(a & b) / len(a | b) >= SIMILAR


def group_unanswered(questions: Sequence[UnansweredQuestion]) -> list[Group]:
    """Greedy grouping by shared words: each question joins the first group whose first
    question it resembles; groups with the most questions first."""
    groups: list[Group] = []
    for question in sorted(questions, key=lambda q: q.asked_at, reverse=True):
        mine = words(question.text)
        group = next((g for g in groups if similar(g._words, mine)), None)
        if group is None:
            key = hashlib.sha256(" ".join(sorted(mine) or [question.text]).encode()).hexdigest()[:12]
            group = Group(key=key, last_asked=question.asked_at, _words=mine)
            groups.append(group)
        if question.text not in group.phrasings:
            group.phrasings.append(question.text)
    groups.sort(key=lambda g: g.last_asked, reverse=True)
    groups.sort(key=lambda g: g.count, reverse=True)  # stable: equal counts stay newest first
    return groups


def faq_snippet(group: Group) -> str:
    """The group's phrasings as an ``asked:`` list ready to paste under an FAQ entry in
    ``content/faq.yaml`` (an existing one, or a new entry written around them)."""
    listed = yaml.safe_dump({"asked": group.phrasings}, allow_unicode=True, sort_keys=False, width=1000)
    return "".join(f"    {line}\n" for line in listed.splitlines())


@dataclass(frozen=True)
class InductionRow:
    officer: str
    channel: str
    started_at: str
    finished_at: str | None
    score: int | None
    out_of: int
    acknowledged: bool
    attempts: int


def induction_rows(records: Iterable[InductionRecord]) -> tuple[list[InductionRow], list[InductionRow]]:
    """Officers who completed the induction (best attempt), and those who started but have not
    finished; each oldest first."""
    rows = [
        InductionRow(
            officer=r.user_name or r.user,
            channel=r.channel,
            started_at=r.started_at,
            finished_at=r.finished_at,
            score=r.score,
            out_of=r.out_of,
            acknowledged=r.acknowledged,
            attempts=n,
        )
        for r, n in by_officer(records)
    ]
    done = sorted((r for r in rows if r.finished_at), key=lambda r: r.finished_at or "")
    started = sorted((r for r in rows if not r.finished_at), key=lambda r: r.started_at)
    return done, started
