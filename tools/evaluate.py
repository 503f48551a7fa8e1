"""``app.py eval``: answer quality on a labelled question set, printed as figures."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.core import triage_training
from bot.core.ask import decide
from bot.core.content.models import Content
from bot.core.faq import REFER, Decision, FaqMatcher
from bot.core.present import Presenter
from bot.core.router import Router
from bot.core.safety import SafetyNet
from bot.core.triage import Triage, examples
from bot.core.vocabulary import Intent
from bot.settings import ROOT
from dialogs.flowchart import WalkDialog

DEFAULT_SET = ROOT / "tests" / "eval" / "questions.yaml"
HURRIED_SET = ROOT / "tests" / "eval" / "hurried.yaml"  # officers in a hurry, written blind
# posts and their answers, written blind: the first set was read while triage was built, the
# second was written later and only scored
TRIAGE_SETS = (ROOT / "tests" / "eval" / "triage_posts.yaml", ROOT / "tests" / "eval" / "triage_posts2.yaml")
# replies to a walk question, written blind and split in two: the first half was read while the
# reader of replies was improved, the second only scored
REPLY_SETS = (ROOT / "tests" / "eval" / "replies.yaml", ROOT / "tests" / "eval" / "replies_unseen.yaml")
REPLY_KINDS = ("unsure", "yes", "no", "not_an_answer")
CONTEXT = re.compile(r"\[[^\]]*\]")  # what an officer knows about a post, not part of it
BARE = re.compile(r"[\s\"'“‘]*(yes|no)\b", re.IGNORECASE)


@dataclass(frozen=True)
class EvalSet:
    in_scope: list[tuple[str, str]]
    out_of_scope: list[str]


def load_set(path: Path) -> EvalSet:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    in_scope = [(str(item["q"]), str(item["expect"])) for item in data["in_scope"]]
    return EvalSet(in_scope=in_scope, out_of_scope=[str(q) for q in data["out_of_scope"]])


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def run_eval(
    content: Content,
    path: Path | None,
    *,
    verbose: bool = False,
    cache: Path | None = None,
    hurried: tuple[Path, ...] = (),
    triage: tuple[Path, ...] = (),
) -> int:
    """Print top-1 accuracy, out-of-scope rejection and match latency; 0 whatever the figures."""
    questions = load_set(path or DEFAULT_SET)
    matcher, presenter = FaqMatcher.from_content(content, cache=cache), Presenter(content)
    for text, _ in questions.in_scope[:20]:  # warm up, so the figures are of steady state
        decide(matcher, presenter, text)
    times: list[float] = []
    correct, suggested, misses = 0, 0, []
    for text, expect in questions.in_scope:
        start = time.perf_counter()
        result = decide(matcher, presenter, text)
        times.append(time.perf_counter() - start)
        if result.answered and result.id == expect:
            correct += 1
        else:
            suggested += expect in result.suggestions
            misses.append(f"  miss  {text!r}: expected {expect}, got {result.id or '-'} {result.suggestions}")
    rejected = 0
    for text in questions.out_of_scope:
        start = time.perf_counter()
        result = decide(matcher, presenter, text)
        times.append(time.perf_counter() - start)
        if result.answered:
            misses.append(f"  wrong {text!r}: answered {result.id} ({result.score:.2f})")
        else:
            rejected += 1
    n_in, n_out = len(questions.in_scope), len(questions.out_of_scope)
    print(
        f"in scope:      {n_in} questions, top-1 accuracy {correct / n_in:.1%} ({correct}/{n_in}); "
        f"{suggested} more offered as a suggestion"
    )
    print(f"out of scope:  {n_out} questions, rejected {rejected / n_out:.1%} ({rejected}/{n_out})")
    print(
        f"match latency: p50 {percentile(times, 50) * 1e3:.3f} ms, p99 {percentile(times, 99) * 1e3:.3f} ms "
        f"over {len(times)} questions ({len(content.faq.entries)} entries)"
    )
    if verbose:
        print("\n".join(misses))
    if path is None:
        run_hurried(content, matcher, presenter, HURRIED_SET, cache)
        for posts in TRIAGE_SETS:
            print(f"\n{posts.name}:")
            run_triage(content, posts, cache)
        print()
        for replies in REPLY_SETS:
            run_replies(content, matcher, replies)
    for extra in hurried:  # e.g. a held-out set kept outside the repository, scored once
        print(f"\n{extra}:")
        run_hurried(content, matcher, presenter, extra, cache, label="held-out")
    for posts in triage:
        print(f"\n{posts}:")
        run_triage(content, posts, cache)
    return 0


# How evaluation sets name the team that owns a question, and the content's referral ids.
OWNERS = {
    "hr": "hr",
    "it": "it",
    "facilities": "facilities",
    "information governance": "information_governance",
    "information_governance": "information_governance",
    "legal": "legal",
}


def run_hurried(
    content: Content,
    matcher: FaqMatcher,
    presenter: Presenter,
    path: Path,
    cache: Path | None,
    label: str = "hurried set",
) -> None:
    """The second development set, in the hurried style, and how the bot understands it:
    answers (either part of a two-part question counts), declines, safety language, hedges at a
    flowchart question, requests for the walk and small talk."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    right = strict = offered = judged = 0
    labelled = [i for i in data.get("in_scope", []) if {i.get("expect"), i.get("expect2")} - {None, "none"}]
    for item in labelled:
        first = {item.get("expect"), item.get("expect2")} - {None, "none"}
        expected = first | set(item.get("also_ok", ())) | set(item.get("also_ok2", ()))
        result = decide(matcher, presenter, str(item["q"]))
        hit = result.answered and bool({result.id, result.also} & expected)
        right += hit
        judged += hit or (result.answered and bool({result.id, result.also} & set(item.get("judged_ok", ()))))
        strict += result.answered and bool({result.id, result.also} & first)
        offered += not hit and bool(expected & set(result.suggestions))
    n, n_out = len(labelled), max(1, len(data.get("out_of_scope", [])))
    head = f"{label}:".ljust(15)
    print(
        f"{head}{n} in scope, top-1 {right / n:.1%} ({right}/{n}) counting every entry the labels"
        f" accept, {strict / n:.1%} ({strict}/{n}) only the first named; {offered} more as a suggestion"
    )
    print(f"{' ' * 15}{judged / n:.1%} ({judged}/{n}) counting the answers judged right as well (judged_ok)")
    declined, referred, owned = 0, 0, 0
    for item in data.get("out_of_scope", []):
        item = item if isinstance(item, dict) else {"q": item}
        result = decide(matcher, presenter, str(item["q"]))
        declined += not result.answered
        team = OWNERS.get(str(item.get("owner", "")).lower())
        if team is not None:
            owned += 1
            referred += result.declined == REFER + team
    print(
        f"{head}{n_out} out of scope, declined {declined / n_out:.1%} ({declined}/{n_out});"
        f" {referred}/{owned} of another team's questions sent to that team"
    )
    net = SafetyNet.from_content(content, cache=cache)
    risky = [_text(i) for i in data.get("safety", [])]
    alarms = [net.check(t) for t in risky]
    caught = sum(a is not None for a in alarms)
    sure = sum(a is not None and a.sure for a in alarms)
    by_model = sum(net.classify(t) is not None for t in risky)
    ordinary = [
        _text(i)
        for part in ("in_scope", "out_of_scope", "hedges", "walk_requests", "small_talk", "ordinary_posts")
        for i in data.get(part, [])
    ]
    false = [a for a in map(net.check, ordinary) if a is not None]
    print(
        f"safety language: {caught}/{len(risky)} caught ({sure} with the full alert, the rest with"
        f" the caution;"
        f" {by_model} by the classifier alone)"
    )
    print(
        f"false alarms:  {len(false)}/{len(ordinary)} of the set's other messages"
        f" ({sum(a.sure for a in false)} full alerts, {sum(not a.sure for a in false)} cautions)"
    )
    walk, router = WalkDialog(content, presenter), Router(content=content, matcher=matcher)
    read = [walk.answer_in(router.intent(t), t) for t in map(_text, data.get("hedges", []))]
    print(
        f"hedged answers: {read.count('unsure')}/{len(read)} read as not sure, {read.count('yes')} as yes,"
        f" {read.count('no')} as no, {read.count(None)} not read as an answer"
    )
    walks = [decide(matcher, presenter, _text(i)).id == "flowchart" for i in data.get("walk_requests", [])]
    print(f"walk requests: {sum(walks)}/{len(walks)} start the walk")
    chat = [_text(i) for i in data.get("small_talk", [])]
    if not chat:
        return
    known = [t for t in chat if _chatter(router, matcher, t)]
    rest = [decide(matcher, presenter, t) for t in chat if not _chatter(router, matcher, t)]
    started = sum(r.id == "flowchart" for r in rest)
    answered = sum(r.answered for r in rest) - started
    print(
        f"small talk:    {len(known)}/{len(chat)} recognised; of the rest {started} start the walk,"
        f" {answered} get an FAQ answer"
    )
    bare = sum(BARE.match(e.answer) is not None for e in content.faq.entries)
    print(f"answers opening with a bare Yes or No: {bare} of {len(content.faq.entries)}")


def run_replies(content: Content, matcher: FaqMatcher, path: Path) -> None:
    """How the walk reads replies to its questions, as it does: a word it knows ("yes", "not
    sure"), else the officer's own words; anything else is not an answer."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    router, walk = Router(content=content, matcher=matcher), WalkDialog(content, Presenter(content))
    figures = []
    for kind in REPLY_KINDS:
        items = [_text(i) for i in data.get(kind, [])]
        want = None if kind == "not_an_answer" else kind
        read = [walk.answer_in(router.intent(t), t) for t in items]
        wrong = sum(r is not None and r != want for r in read)
        figures.append(
            f"{kind.replace('_', ' ')} {read.count(want)}/{len(items)}"
            + (f" ({wrong} misread)" if wrong else "")
        )
    print(f"replies ({path.name}): " + ", ".join(figures))


def _chatter(router: Router, matcher: FaqMatcher, text: str) -> bool:
    """Whether the bot treats the message as small talk or a request for help, as the router
    would when no flow is under way."""
    intent = router.intent(text)
    return (
        router.small_talk(text)
        or intent in (Intent.HELP, Intent.MENU)
        or matcher.read(text).first.decision is Decision.SMALL_TALK
    )


def _text(item: object) -> str:
    """A set's item: a plain string, or a mapping with the message under ``q``."""
    return str(item["q"]) if isinstance(item, dict) else str(item)


@dataclass
class Tally:
    """Questions asked on the posts' way through the flowchart, suggestions shown and right."""

    asked: int = 0
    shown: int = 0
    right: int = 0

    def add(self, expected: bool, answer: str | None) -> None:
        self.asked += 1
        self.shown += answer is not None
        self.right += answer == ("yes" if expected else "no")


def run_triage(content: Content, path: Path, cache: Path | None) -> None:
    """Triage assist on posts written blind with the answer expected at each question on their
    way through the flowchart: how often a suggestion is shown, how often a shown one is right,
    and the posts at risk whose safety question did not get a yes. Only figures are printed:
    the posts stay unread."""
    net = SafetyNet.from_content(content, cache=cache)
    triage = Triage.from_content(content, net=net, cache=cache)
    if triage is None or content.triage is None:
        print("triage assist: no triage.yaml in the content")
        return
    posts = yaml.safe_load(path.read_text(encoding="utf-8"))["posts"]
    total, by_question = Tally(), {q.id: Tally() for q in content.flowchart.questions}
    missed = at_risk = wrong_no = 0  # wrong_no: posts read as a no at safety or unlawful, wrongly
    times: list[float] = []
    for item in posts:
        start = time.perf_counter()
        read = triage.read(CONTEXT.sub(" ", str(item["post"])).strip())
        times.append(time.perf_counter() - start)
        for question, expected in item["expect"].items():
            answer = read[question].answer if question in read else None
            total.add(bool(expected), answer)
            by_question[question].add(bool(expected), answer)
        if item["expect"].get(triage.safety):
            at_risk += 1
            missed += triage.safety not in read or read[triage.safety].answer != "yes"
        wrong_no += any(
            item["expect"].get(q) and getattr(read.get(q), "answer", "") == "no" for q in triage.guarded
        )
    print(
        f"triage assist: {len(posts)} posts, {total.asked} questions on their way; a suggestion shown at"
        f" {total.shown / total.asked:.1%} ({total.shown}/{total.asked}), right"
        f" {total.right / max(total.shown, 1):.1%} ({total.right}/{total.shown});"
        f" safety suggestions missed: {missed} of {at_risk} posts at risk; posts wrongly read as a no at"
        f" safety or unlawful: {wrong_no}"
    )
    p50, p99 = percentile(times, 50) * 1e3, percentile(times, 99) * 1e3
    print(f"triage read latency: p50 {p50:.2f} ms, p99 {p99:.2f} ms")
    held_out = triage_training.measure(examples(content.triage, content.flowchart), content.matching)
    for question, tally in by_question.items():
        yes, no = held_out.get(question, (None, None))
        own = (
            f"; its examples held out, right/shown: yes {yes.right}/{yes.shown}, no {no.right}/{no.shown}"
            if yes and no
            else ""
        )
        print(f"  {question:<20} {tally.asked:>3} asked, {tally.shown:>3} shown, {tally.right:>3} right{own}")
