"""Load ``content/`` into one validated ``Content`` and check every cross-reference."""

from __future__ import annotations

import hashlib
import inspect
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from bot.core.content.models import (
    About,
    Contacts,
    Content,
    Desk,
    Drafts,
    Faq,
    Flowchart,
    Induction,
    Matching,
    Messages,
    OutOfScope,
    Policy,
    Safety,
    Section,
    Triage,
)
from bot.core.content.yamlfile import Loc, YamlFile
from bot.core.errors import ContentError
from bot.core.safety import SafetyNet

FILES = (
    "about",
    "policy",
    "faq",
    "out_of_scope",
    "flowchart",
    "induction",
    "matching",
    "messages",
    "safety",
    "contacts",
    "drafts",
    "desk",
)


def load_content(directory: Path, *, cache: Path | None = None) -> Content:
    """Parse and cross-check every content file; raise ``ContentError`` on the first problem.
    With ``cache``, each file's parsed data is kept there by its text's digest."""
    if not directory.is_dir():
        raise ContentError(str(directory), "", "content folder not found")
    files = {key: YamlFile(directory / f"{key}.yaml", cache) for key in FILES}
    optional = directory / "triage.yaml"  # a council may leave it out: then no suggestions
    triage = YamlFile(optional, cache) if optional.exists() else None
    content = Content(
        about=files["about"].parse(About),
        policy=files["policy"].parse(Policy),
        faq=files["faq"].parse(Faq),
        out_of_scope=files["out_of_scope"].parse(OutOfScope),
        flowchart=files["flowchart"].parse(Flowchart),
        induction=files["induction"].parse(Induction),
        matching=files["matching"].parse(Matching),
        messages=files["messages"].parse(Messages),
        safety=files["safety"].parse(Safety),
        contacts=files["contacts"].parse(Contacts),
        drafts=files["drafts"].parse(Drafts),
        desk=files["desk"].parse(Desk),
        triage=triage.parse(Triage) if triage else None,
    )
    every = [*files.values(), *([triage] if triage else [])]
    if not _checked_before(every, cache):
        _cross_check(content, files, triage)
        _remember_checked(every, cache)
    return content


def _checked_marker(files: list[YamlFile], cache: Path) -> Path:
    """Names the cross-checks' success by every file's text and the code of the checks (this
    module's, and the safety net's that checks ``must_not_match``)."""
    sources = (Path(__file__), Path(inspect.getfile(SafetyNet)))
    code = hashlib.sha256(b"".join(p.read_bytes() for p in sources)).hexdigest()
    key = hashlib.sha256(" ".join([code, *(f"{f.name}:{f.digest}" for f in files)]).encode())
    return cache / f"checked-{key.hexdigest()[:24]}"


def _checked_before(files: list[YamlFile], cache: Path | None) -> bool:
    """Whether these very files passed the cross-checks before: they cost a third of a second
    at every start with a large FAQ, and cannot fail for content that passed them once."""
    return cache is not None and _checked_marker(files, cache).exists()


def _remember_checked(files: list[YamlFile], cache: Path | None) -> None:
    if cache is None:
        return
    try:
        _checked_marker(files, cache).touch()
    except OSError:
        return  # a folder that cannot be written costs only the next start's checks


def _cross_check(content: Content, files: Mapping[str, YamlFile], triage: YamlFile | None) -> None:
    """Each file's references to the others, and the rules no single model can state."""
    _check_policy(content.policy, files["policy"])
    sections = {s.id: s for s in content.policy.sections}
    _check_faq(content.faq, sections, files["faq"])
    _check_follow_ups(content, files["messages"])
    _check_flowchart(content.flowchart, set(sections), files["flowchart"])
    _check_out_of_scope(content, files["out_of_scope"])
    _check_facets(content, files["faq"], files["flowchart"])
    _check_induction(content.induction, set(sections), files["induction"])
    _check_safety(content.safety, files["safety"])
    _check_urgent_start(content.flowchart, files["flowchart"])
    _check_outcome_extras(content, files["flowchart"], files["drafts"])
    _unique((r.id for r in content.desk.resolutions), "resolutions", files["desk"])
    if content.triage is not None and triage is not None:
        _check_triage(content.triage, content.flowchart, triage)


def _check_triage(triage: Triage, chart: Flowchart, file: YamlFile) -> None:
    """Examples teach the suggestion for a question of the flowchart, so each must name one."""
    questions = {q.id for q in chart.questions}
    for question in triage.questions:
        if question not in questions:
            raise file.error(("questions", question), f"unknown question '{question}'")


def _unique(ids: Iterable[str], where: str, file: YamlFile) -> None:
    seen: set[str] = set()
    for index, item in enumerate(ids):
        if item in seen:
            raise file.error((where, index, "id"), f"duplicate id '{item}'")
        seen.add(item)


def _check_policy(policy: Policy, file: YamlFile) -> None:
    _unique((s.id for s in policy.sources), "sources", file)
    _unique((s.id for s in policy.sections), "sections", file)
    sources = {s.id for s in policy.sources}
    for index, section in enumerate(policy.sections):
        if section.source not in sources:
            raise file.error(("sections", index, "source"), f"unknown source '{section.source}'")


def _check_faq(faq: Faq, sections: Mapping[str, Section], file: YamlFile) -> None:
    _unique((e.id for e in faq.entries), "entries", file)
    ids = {e.id for e in faq.entries}
    for index, entry in enumerate(faq.entries):
        section = sections.get(entry.section)
        if section is None:
            raise file.error(("entries", index, "section"), f"unknown section '{entry.section}'")
        if entry.quote not in section.text:
            reason = f"quote is not found word for word in section '{entry.section}'"
            raise file.error(("entries", index, "quote"), reason)
        for r, related in enumerate(entry.related):
            if related not in ids or related == entry.id:
                raise file.error(("entries", index, "related", r), f"unknown entry '{related}'")
    cited = {e.section for e in faq.entries}
    missing = [s for s in sections if s not in cited]
    if missing:
        raise file.error(("entries",), f"no entry cites section '{missing[0]}'")


def _check_follow_ups(content: Content, file: YamlFile) -> None:
    entry = content.messages.follow_ups.consequence_entry
    if entry is not None and entry not in {e.id for e in content.faq.entries}:
        raise file.error(("follow_ups", "consequence_entry"), f"unknown entry '{entry}'")


def _check_facets(content: Content, file: YamlFile, chart_file: YamlFile) -> None:
    """An entry's facets must be sides that matching.yaml names, one per axis at most."""
    axis_of = {side: axis for axis, sides in content.matching.facets.items() for side in sides}
    for n, facet in enumerate(content.flowchart.facets):
        if facet not in axis_of:
            raise chart_file.error(("facets", n), f"'{facet}' is not a facet in matching.yaml")
    for index, entry in enumerate(content.faq.entries):
        axes: set[str] = set()
        for n, facet in enumerate(entry.facets):
            axis = axis_of.get(facet)
            if axis is None:
                raise file.error(
                    ("entries", index, "facets", n), f"'{facet}' is not a facet in matching.yaml"
                )
            if axis in axes:
                raise file.error(("entries", index, "facets", n), f"two sides of the axis '{axis}'")
            axes.add(axis)


def _check_flowchart(chart: Flowchart, sections: set[str], file: YamlFile) -> None:
    _unique((q.id for q in chart.questions), "questions", file)
    _unique((o.id for o in chart.outcomes), "outcomes", file)
    questions = {q.id for q in chart.questions}
    outcomes = {o.id for o in chart.outcomes}
    both = questions & outcomes
    if both:
        raise file.error(("outcomes",), f"'{sorted(both)[0]}' is both a question and an outcome")
    if chart.start not in questions:
        raise file.error(("start",), f"unknown question '{chart.start}'")
    for index, q in enumerate(chart.questions):
        for answer in ("yes", "no"):
            target = getattr(q, answer)
            if target not in questions | outcomes:
                raise file.error(("questions", index, answer), f"unknown target '{target}'")
    _check_cites(chart, sections, file)
    _check_reachable(chart, file)


def _check_cites(chart: Flowchart, sections: set[str], file: YamlFile) -> None:
    groups: list[tuple[Loc, list[str]]] = []
    groups += [(("questions", i, "cites"), q.cites) for i, q in enumerate(chart.questions)]
    groups += [(("outcomes", i, "cites"), o.cites) for i, o in enumerate(chart.outcomes)]
    items = chart.considerations.items
    groups += [(("considerations", "items", i, "cites"), c.cites) for i, c in enumerate(items)]
    for loc, cites in groups:
        for n, cite in enumerate(cites):
            if cite not in sections:
                raise file.error((*loc, n), f"unknown section '{cite}'")


def _check_reachable(chart: Flowchart, file: YamlFile) -> None:
    by_id = {q.id: q for q in chart.questions}
    seen, todo = set(), [chart.start]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        if node in by_id:
            todo += [by_id[node].yes, by_id[node].no]
    ids = [("questions", i, q.id) for i, q in enumerate(chart.questions)]
    ids += [("outcomes", i, o.id) for i, o in enumerate(chart.outcomes)]
    for group, index, node_id in ids:
        if node_id not in seen:
            raise file.error((group, index, "id"), f"'{node_id}' cannot be reached from start")


def _check_out_of_scope(content: Content, file: YamlFile) -> None:
    """A question both answered and "not covered" would teach the matcher a contradiction."""
    answered = {_plain(q) for e in content.faq.entries for q in (e.title, *e.asked)}
    answered |= {_plain(q) for q in content.flowchart.triggers}
    scope = content.out_of_scope
    places: list[tuple[tuple[str | int, ...], str]] = [
        (("questions", i), q) for i, q in enumerate(scope.questions)
    ]
    places += [(("near_misses", i), q) for i, q in enumerate(scope.near_misses)]
    places += [
        (("referrals", team, "questions", i), q)
        for team, referral in scope.referrals.items()
        for i, q in enumerate(referral.questions)
    ]
    for team, referral in scope.referrals.items():
        if referral.contact not in content.contacts.contacts:
            raise file.error(("referrals", team, "contact"), f"unknown contact '{referral.contact}'")
    for where, question in places:
        if _plain(question) in answered:
            raise file.error(where, "is also a way of asking an FAQ entry or a trigger")


_WORDS = re.compile(r"[a-z0-9]+")


def _plain(text: str) -> str:
    return " ".join(_WORDS.findall(text.lower()))


def _check_induction(induction: Induction, sections: set[str], file: YamlFile) -> None:
    _unique((c.id for c in induction.chapters), "chapters", file)
    for index, chapter in enumerate(induction.chapters):
        for n, cite in enumerate(chapter.cites):
            if cite not in sections:
                raise file.error(("chapters", index, "cites", n), f"unknown section '{cite}'")


def _check_safety(safety: Safety, file: YamlFile) -> None:
    """Every example of ordinary wording must pass the net: a phrase that catches one is too
    broad (or the example belongs elsewhere)."""
    _unique((c.id for c in safety.categories), "categories", file)
    net = SafetyNet(safety)
    for index, example in enumerate(safety.must_not_match):
        alarm = net.check(example)
        if alarm is not None:
            reason = f"phrase '{alarm.phrase}' ({alarm.category}) catches this ordinary example"
            raise file.error(("must_not_match", index), reason)


def _check_urgent_start(chart: Flowchart, file: YamlFile) -> None:
    """The first question is the safety question: its "yes" is where the safety net's urgent
    record button goes, so it must lead to an outcome that escalates urgently."""
    start = next(q for q in chart.questions if q.id == chart.start)
    urgent = {o.id for o in chart.outcomes if o.escalate == "urgent"}
    if start.yes not in urgent:
        index = chart.questions.index(start)
        reason = "the first question's yes must lead to an outcome with escalate: urgent"
        raise file.error(("questions", index, "yes"), reason)


def _check_outcome_extras(content: Content, chart_file: YamlFile, drafts_file: YamlFile) -> None:
    """Every outcome's contacts exist, every question has its short name for the path line,
    and every draft belongs to an outcome."""
    chart = content.flowchart
    for index, outcome in enumerate(chart.outcomes):
        for n, contact in enumerate(outcome.contacts):
            if contact not in content.contacts.contacts:
                raise chart_file.error(("outcomes", index, "contacts", n), f"unknown contact '{contact}'")
    for question in chart.questions:
        if question.id not in chart.path_names:
            raise chart_file.error(("path_names",), f"no short name for question '{question.id}'")
    for name in chart.path_names:
        if name not in {q.id for q in chart.questions}:
            raise chart_file.error(("path_names", name), f"unknown question '{name}'")
    outcomes = {o.id for o in chart.outcomes}
    for outcome_id in content.drafts.replies:
        if outcome_id not in outcomes:
            raise drafts_file.error(("replies", outcome_id), f"unknown outcome '{outcome_id}'")
