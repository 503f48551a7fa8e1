"""Turns content into replies. Every word comes from content; only the layout is chosen here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from bot.core.choices import ChoiceValue, Stamp
from bot.core.contacts import contact_line
from bot.core.content.models import ChatReply, Content, FaqEntry, Outcome
from bot.core.faq import FLOWCHART, NEAR_MISS, REFER, Decision, Match, MatchResult, Reading
from bot.core.lifecycle import DeskRecord, State
from bot.core.messages import Choice, DecisionRecord, Quote, Reply, Suggestion, shown_time
from bot.core.safety import Alarm
from bot.core.text import plain_words
from bot.core.vocabulary import URGENT, Verb

RECORDS_LISTED = 5  # an officer's latest records shown when they ask after theirs
NOTE_SHOWN = 80  # the characters of an officer's note shown back under their record


class Presenter:
    """Builds every ``Reply`` the engine sends, from content looked up by id."""

    def __init__(self, content: Content) -> None:
        self.content = content
        self.texts = content.messages.texts
        self.labels = content.messages.labels
        self.entries = {e.id: e for e in content.faq.entries}
        self.sections = {s.id: s for s in content.policy.sections}
        self.sources = {s.id: s for s in content.policy.sources}
        self.questions = {q.id: q for q in content.flowchart.questions}
        self.outcomes = {o.id: o for o in content.flowchart.outcomes}
        self.about = content.about
        self.chat = content.messages.small_talk.replies

    def text(self, name: str, **values: object) -> Reply:
        """A plain message from ``messages.yaml``."""
        template: str = getattr(self.texts, name)
        return Reply(text=template.format(**values))

    def menu(self) -> tuple[Choice, ...]:
        return (
            Choice(self.labels.start_walk, ChoiceValue(Verb.WALK, "start").encode()),
            Choice(self.labels.ask, ChoiceValue(Verb.ASK).encode()),
            Choice(self.labels.induction, ChoiceValue(Verb.INDUCTION).encode()),
            Choice(self.labels.help, ChoiceValue(Verb.HELP).encode()),
        )

    def greeting(self) -> Reply:
        text = self.texts.greeting.format(bot_name=self.about.bot_name, council=self.about.council)
        return Reply(text=text, choices=self.menu())

    def help(self) -> Reply:
        return Reply(text=self.texts.help, choices=self.menu())

    def home(self, records: Iterable[DeskRecord]) -> Reply:
        """A landing page a channel can show outside any conversation: the menu and the
        officer's recent records, with where each stands."""
        lines = self.record_lines(records)
        body = "\n".join([self.texts.home_records, *lines]) if lines else self.texts.home_no_records
        greeting = self.texts.greeting.format(bot_name=self.about.bot_name, council=self.about.council)
        return Reply(title=self.about.bot_name, text=f"{greeting}\n\n{body}", choices=self.menu())

    def sent_records(self, records: Iterable[DeskRecord]) -> Reply:
        """ "Did comms get my record?": the officer's own records, where each stands, and how
        to add to one (records are kept as sent; the team is asked, quoting the number)."""
        lines = self.record_lines(list(records)[:RECORDS_LISTED], notes=True)
        team = self.about.comms_team
        head = self.texts.sent_records.format(comms_team=team) if lines else self.texts.home_no_records
        add = self.texts.sent_records_add.format(comms_team=team, contact=contact_line(self.content, "comms"))
        return Reply(text="\n".join([head, *lines, add]))

    def sent_record(self, records: Sequence[DeskRecord], wanted: str) -> Reply:
        """A record asked after by its number: that one with the officer's whole note and where
        it stands, or, when it is not among their latest, so, and the latest."""
        team = self.about.comms_team
        found = [d for d in records if d.id.upper() == wanted.upper()]
        if not found:
            missing = self.texts.record_not_found.format(id=wanted.upper(), comms_team=team)
            listed = self.sent_records(records)
            return replace(listed, text=f"{missing}\n{listed.text}")
        head = self.texts.sent_record_one.format(id=found[0].id, comms_team=team)
        add = self.texts.sent_records_add.format(comms_team=team, contact=contact_line(self.content, "comms"))
        return Reply(text="\n".join([head, *self.record_lines(found, notes=True, whole=True), add]))

    def record_lines(
        self, records: Iterable[DeskRecord], *, notes: bool = False, whole: bool = False
    ) -> list[str]:
        """A line a record; with ``notes``, the start of the officer's own note under it, so
        they can tell their records apart ("did my note about dazza go in?"); ``whole``: all of it."""
        lines = []
        for d in records:
            status = " ".join(self.record_status(d))
            time = shown_time(d.record.created_at)
            lines.append(
                self.texts.home_record.format(
                    id=d.id, outcome=d.record.outcome_title, time=time, status=status
                )
            )
            if notes and d.record.comment:
                note = (
                    d.record.comment
                    if whole or len(d.record.comment) <= NOTE_SHOWN
                    else d.record.comment[:NOTE_SHOWN] + "…"
                )
                lines.append(self.texts.sent_record_note.format(note=note))
        return lines

    def record_status(self, desk: DeskRecord) -> list[str]:
        """Where a record stands at the desk, in the desk's own words (``desk.yaml``)."""
        life, texts = desk.lifecycle, self.content.desk.texts
        if life.state is State.CLOSED:
            labels = {r.id: r.label for r in self.content.desk.resolutions}
            resolution = labels.get(life.resolution or "", life.resolution or "")
            name = life.closed_by_name or life.closed_by or ""
            closed = texts.status_closed.format(
                name=name, time=shown_time(life.closed_at), resolution=resolution
            )
            return [closed, *([texts.status_note.format(note=life.note)] if life.note else [])]
        if life.state is State.ACKNOWLEDGED:
            name = life.acknowledged_by_name or life.acknowledged_by or ""
            return [texts.status_acknowledged.format(name=name, time=shown_time(life.acknowledged_at))]
        return [texts.status_new]

    def unknown(self, declined: str | None = None, *, noted: bool = False) -> Reply:
        """The honest decline: another team's subject names that team; a near miss says the
        policy does not settle it; anything else points to the policy's owners. ``noted``: the
        question was kept for the owners, and the officer is told so."""
        reply = self._unknown(declined)
        return replace(reply, text=f"{reply.text} {self.texts.noted}") if noted else reply

    def _unknown(self, declined: str | None) -> Reply:
        comms_team = self.about.comms_team
        if declined is not None and declined.startswith(REFER):
            referral = self.content.out_of_scope.referrals.get(declined.removeprefix(REFER))
            if referral is not None:
                team = self.content.contacts.contacts[referral.contact].name
                line = contact_line(self.content, referral.contact)
                return Reply(text=self.texts.referral.format(team=team, contact=line))
        if declined == NEAR_MISS:
            return Reply(text=self.texts.near_miss.format(comms_team=comms_team))
        return Reply(text=self.texts.unknown.format(comms_team=comms_team))

    def no_record_here(self, outcome_id: str, stamp: Stamp) -> Reply:
        """At an outcome that sends no record, asked for one: how to reach the Communications
        Team directly, with the outcome's buttons kept."""
        outcome = self.outcomes[outcome_id]
        text = self.texts.no_record_here.format(
            comms_team=self.about.comms_team, contact=contact_line(self.content, "comms")
        )
        return Reply(text=text, choices=self.outcome_choices(outcome, stamp))

    def unclear(self, *, in_flow: bool = False) -> Reply:
        """A statement that asks nothing the bot can place: what it can do (the menu, out of a flow)."""
        if in_flow:
            return Reply(text=self.texts.unclear_in_flow)
        return Reply(text=self.texts.unclear, choices=self.menu())

    def safety(self, alarm: Alarm, *, offer_walk: bool = False) -> Reply:
        """The urgent guidance (``alarm.sure``) or the gentler caution, with the urgent record
        one press away and, where asked, the check."""
        labels = self.labels
        choices = [Choice(labels.urgent_record, ChoiceValue(Verb.WALK, URGENT).encode())]
        if offer_walk:
            choices.append(Choice(labels.start_walk, ChoiceValue(Verb.WALK, "start").encode()))
        template = self.texts.safety_alert if alarm.sure else self.texts.safety_caution
        return Reply(
            text=template.format(risk=alarm.name, comms_team=self.about.comms_team), choices=tuple(choices)
        )

    def cite(self, section_id: str, passage: str | None = None) -> Quote:
        """A section (or a ``passage`` of it) with its source, marked verbatim or summary."""
        section = self.sections[section_id]
        source = self.sources[section.source]
        cite = self.texts.cite.format(source=source.title, title=section.title)
        text = passage or section.text
        if section.lead:
            text = f"{section.lead} \u2026 {text}"
        return Quote(text=text, cite=cite, verbatim=source.verbatim)

    def answer(self, entry: FaqEntry) -> Reply:
        """An FAQ answer: the short answer, the quoted passage and its source, related buttons."""
        related = tuple(self._faq_choice(self.entries[r]) for r in entry.related)
        prompt = self.texts.related if related else None
        quote = self.cite(entry.section, entry.quote)
        return Reply(text=entry.answer, title=entry.title, quotes=(quote,), choices=related, prompt=prompt)

    def whole_policy(self) -> Reply:
        team = self.about.comms_team
        return self.text("whole_policy", comms_team=team, contact=contact_line(self.content, "comms"))

    def source_of(self, entry: FaqEntry) -> Reply:
        """ "Where does it say that?": the whole section the answer rests on, with its source."""
        return Reply(text=self.texts.source_of.format(title=entry.title), quotes=(self.cite(entry.section),))

    def matched(self, result: MatchResult, text: str = "", *, noted: bool = False) -> Reply:
        """The reply to a question that does not start the walk: the answer, close matches,
        or an honest "the policy does not say"."""
        if result.decision is Decision.ANSWER and result.best is not None:
            return self.answer(self.entries[result.best.id])
        if result.decision is Decision.SUGGEST:
            return self.suggestions(result.suggestions, which=result.which)
        if result.decision is Decision.SMALL_TALK:
            return self.small_talk(text)
        return self.unknown(result.declined, noted=noted)

    def second(self, reading: Reading) -> Reply | None:
        """The answer to the second thing a message asked, headed so it reads as its own, or
        the team whose subject it is."""
        if reading.second is not None and reading.second.answered is None and reading.second.declined:
            return self.unknown(reading.second.declined)
        second = reading.second.answered if reading.second is not None else None
        if second is None:
            return None
        entry = self.entries[second]
        return replace(self.answer(entry), title=self.texts.second_answer.format(title=entry.title))

    def small_talk(self, text: str = "") -> Reply:
        """Chatter answered in kind ("thanks" gets "you're welcome"), then the menu."""
        kind = self._chat_kind(text)
        return Reply(text=kind.text if kind else self.texts.small_talk, choices=self.menu())

    def small_talk_in_flow(self, text: str) -> Reply:
        """Chatter answered in kind mid-walk or mid-tour, before the step waiting."""
        kind = self._chat_kind(text)
        return Reply(text=kind.in_flow if kind else self.texts.small_talk_in_flow)

    def _chat_kind(self, text: str) -> ChatReply | None:
        words = set(plain_words(text))
        return next((kind for kind in self.chat if words & set(kind.markers)), None)

    def suggestions(self, matches: Iterable[Match], *, which: bool = False) -> Reply:
        """Close matches as buttons; two neighbours ("on your own account" or "on a Council
        page") are asked as "which of these?"."""
        choices = [self._suggestion(m.id) for m in matches]
        choices.append(Choice(self.labels.none_of_these, ChoiceValue(Verb.NONE).encode()))
        return Reply(text=self.texts.which_one if which else self.texts.did_you_mean, choices=tuple(choices))

    def _suggestion(self, entry_id: str) -> Choice:
        if entry_id == FLOWCHART:
            return Choice(self.labels.start_walk, ChoiceValue(Verb.WALK, "start").encode())
        return self._faq_choice(self.entries[entry_id])

    @staticmethod
    def _faq_choice(entry: FaqEntry) -> Choice:
        return Choice(entry.title, ChoiceValue(Verb.FAQ, entry.id).encode())

    # --- the flowchart walk -------------------------------------------------------------

    @staticmethod
    def step_choice(label: str, verb: Verb, stamp: Stamp, arg: str = "") -> Choice:
        """A button for one step of a flow, stamped with its run and move (see ``choices``)."""
        return Choice(label, ChoiceValue(verb, arg, stamp).encode())

    def question(
        self, question_id: str, *, number: int, stamp: Stamp, hint: Suggestion | None = None
    ) -> Reply:
        """The pending question with Yes, No, Not sure, Why, Stop and Back (after the first);
        below it what a first read of the post suggests, if anything (never an answer)."""
        question = self.questions[question_id]
        text = self.texts.question.format(number=number, text=question.text)
        if hint is not None:
            template = self.texts.suggest_yes if hint.answer == "yes" else self.texts.suggest_no
            text += "\n\n" + template.format(phrase=hint.reason)
        choices = [
            self.step_choice(self.labels.yes, Verb.ANSWER, stamp, "yes"),
            self.step_choice(self.labels.no, Verb.ANSWER, stamp, "no"),
            self.step_choice(self.labels.unsure, Verb.ANSWER, stamp, "unsure"),
        ]
        choices.append(self.step_choice(self.labels.why, Verb.WHY, stamp))
        choices.append(self.step_choice(self.labels.stop, Verb.STOP, stamp))
        if number > 1:  # last, so the others keep their place (a "5" typed from habit stays "Stop")
            choices.append(self.step_choice(self.labels.back, Verb.BACK, stamp))
        return Reply(text=text, choices=tuple(choices))

    def why(self, question_id: str) -> Reply:
        question = self.questions[question_id]
        quotes = tuple(self.cite(c) for c in question.cites)
        return Reply(title=self.texts.why_title, text=question.why, quotes=quotes)

    def path_lines(self, path: Iterable[tuple[str, str]], *, from_alert: bool = False) -> list[str]:
        return [
            self.texts.path_line.format(question=self.questions[node].text, answer=label)
            for node, label in self._labelled(path, from_alert)
        ]

    def _labelled(self, path: Iterable[tuple[str, str]], from_alert: bool) -> list[tuple[str, str]]:
        """Each answer's label; a walk started by the safety alert's button never had its
        first question answered, and says so rather than "Yes"."""
        steps = [(node, getattr(self.labels, answer)) for node, answer in path]
        if from_alert and steps:
            steps[0] = (steps[0][0], self.texts.from_alert)
        return steps

    def overruled(
        self, path: Iterable[tuple[str, str]], suggestions: dict[str, tuple[str, str]] | None
    ) -> Reply | None:
        """Where the officer answered "no" and the first read of the post found words for
        yes ("shows what voting Lib Dem gets you" at the political question): a line to look
        again before acting on the outcome, which rests on that no. Only that way round: a
        missed risk or party line is the costly mistake."""
        names = self.content.flowchart.path_names
        lines = [
            self.texts.overruled.format(question=names[node], phrase=(suggestions or {})[node][1])
            for node, answer in path
            if answer == "no" and (suggestions or {}).get(node, ("", ""))[0] == "yes"
        ]
        return Reply(text="\n".join(lines)) if lines else None

    def path_line(self, path: Iterable[tuple[str, str]], *, from_alert: bool = False) -> str:
        """The answers so far in one line ("Safety: No · Unlawful: Yes"); records keep them in full."""
        names = self.content.flowchart.path_names
        steps = (
            self.texts.path_step.format(question=names[node], answer=label)
            for node, label in self._labelled(path, from_alert)
        )
        return self.texts.outcome_path.format(path=" · ".join(steps))

    def outcome(
        self, outcome_id: str, *, path: Iterable[tuple[str, str]], stamp: Stamp, from_alert: bool = False
    ) -> Reply:
        """The end of a walk, short enough to act on: title, path in one line, the steps, whom
        to contact and when, and for a reply the considerations in one line; the policy behind
        it is one button away (``policy``)."""
        outcome = self.outcomes[outcome_id]
        parts = [
            self.path_line(path, from_alert=from_alert),
            *(f"{n}. {s}" for n, s in enumerate(outcome.steps, 1)),
        ]
        urgent = outcome.escalate == "urgent"
        parts += [
            self.texts.outcome_contact.format(contact=contact_line(self.content, c, out_of_hours=urgent))
            for c in outcome.contacts
        ]
        parts.append(self.texts.outcome_when.format(when=outcome.when))
        if outcome.considerations:  # the flowchart's considerations, by name; in full one press away
            parts.append(self.texts.outcome_considerations)
        notice = self._escalation_notice(outcome)
        parts += [notice] if notice else []
        return Reply(
            title=outcome.title,
            text="\n".join(parts),
            choices=self.outcome_choices(outcome, stamp),
            prompt=self.texts.outcome_next,
        )

    def policy(self, outcome_id: str, *, stamp: Stamp) -> Reply:
        """What an outcome rests on: its summary, the response considerations where it is a
        reply, and the policy passages with their citations; then the outcome's buttons again."""
        outcome = self.outcomes[outcome_id]
        parts = [outcome.summary]
        if outcome.considerations:
            items = self.content.flowchart.considerations
            parts += ["", items.title, *(f"• {c.name}: {c.text}" for c in items.items)]
        return Reply(
            title=self.texts.outcome_policy,
            text="\n".join(parts),
            quotes=tuple(self.cite(c) for c in outcome.cites),
            choices=self.outcome_choices(outcome, stamp, policy=False),
            prompt=self.texts.outcome_next,
        )

    def _escalation_notice(self, outcome: Outcome) -> str | None:
        """Where a record is optional, when to send one (the urgent outcome's steps say it)."""
        if outcome.escalate == "optional":
            return self.texts.escalate_optional.format(comms_team=self.about.comms_team)
        return None

    def outcome_choices(self, outcome: Outcome, stamp: Stamp, *, policy: bool = True) -> tuple[Choice, ...]:
        """At most six (what a Teams card shows): the record first where there is one."""
        choices = []
        if outcome.escalate != "no":
            choices.append(self.step_choice(self.labels.send_record, Verb.RECORD, stamp))
        if outcome.id in self.content.drafts.replies:
            choices.append(self.step_choice(self.labels.draft, Verb.DRAFT, stamp))
        if policy:
            choices.append(self.step_choice(self.labels.policy, Verb.POLICY, stamp))
        choices.append(self.step_choice(self.labels.back, Verb.BACK, stamp))
        choices.append(Choice(self.labels.start_again, ChoiceValue(Verb.WALK, "start").encode()))
        choices.append(Choice(self.labels.ask_question, ChoiceValue(Verb.ASK).encode()))
        return tuple(choices)

    def record_prompt(self, stamp: Stamp, *, with_post: bool = False) -> Reply:
        """Asks for a note; ``with_post``: the post the check started from goes with the
        record, and the officer is told so."""
        template = self.texts.record_prompt_post if with_post else self.texts.record_prompt
        text = template.format(comms_team=self.about.comms_team)
        choices = (
            self.step_choice(self.labels.send_without_note, Verb.RECORD, stamp, "send"),
            self.step_choice(self.labels.cancel, Verb.RECORD, stamp, "cancel"),
        )
        return Reply(text=text, choices=choices)

    def record_comment(self, note: str | None, post: str | None) -> str | None:
        """What a record carries in the officer's words: their note, then the post the check
        started from, when they pasted one."""
        parts = [note] if note else []
        if post:
            parts.append(self.texts.record_post.format(post=post))
        return "\n".join(parts) or None

    def record_sent(self, record: DecisionRecord) -> Reply:
        name = "record_sent_urgent" if record.urgency == "urgent" else "record_sent"
        sent = self.text(name, id=record.id, comms_team=self.about.comms_team)
        return Reply(text=sent.text, choices=self.menu())

    def record_notice(self, record: DecisionRecord) -> Reply:
        """The message the Communications Team receives; officer text is the channel's to escape."""
        urgent = record.urgency == "urgent"
        title = (self.texts.record_title_urgent if urgent else self.texts.record_title).format(
            id=record.id, outcome=record.outcome_title
        )
        who = record.user_name or record.user
        lines = [self.texts.record_officer.format(user=who, channel=record.channel, time=record.created_at)]
        lines += [self.texts.record_path, *self.path_lines(record.path, from_alert=record.from_alert)]
        if record.link:
            lines.append(self.texts.record_link.format(link=record.link))
        if record.comment:
            lines.append(self.texts.record_comment.format(comment=record.comment))
        return Reply(title=title, text="\n".join(lines))
