"""The induction tour: chapters, check questions, feedback, the acknowledgement, records."""

from __future__ import annotations

import secrets

from bot.core.choices import ChoiceValue
from bot.core.content.models import Chapter, Content
from bot.core.messages import Choice, InductionRecord, Reply, timestamp
from bot.core.present import Presenter
from bot.core.turn import Turn
from dialogs.induction import START, step

FLOW = "induction"


class Tour:
    """Moves the officer through the tour; the phase changes only through the machine."""

    def __init__(self, content: Content, present: Presenter) -> None:
        self.chapters = content.induction.chapters
        self.texts = content.messages.texts
        self.labels = content.messages.labels
        self.present = present
        self.version = content.about.version

    def _button(self, label: str, verb: str, turn: Turn, arg: str = "") -> Choice:
        state = turn.state
        return Choice(label, ChoiceValue(verb, arg, state.walk, state.step).encode())

    def _chapter(self, turn: Turn) -> Chapter:
        return self.chapters[turn.state.chapter]

    # --- moves ----------------------------------------------------------------------

    def start(self, turn: Turn, *, again: bool = False) -> None:
        """Resume where the officer left off; or, if they have completed the tour before,
        offer to go through it again (a new attempt, beside the completed one); or start."""
        state = turn.state
        if state.flow != FLOW and state.suspended:
            state.clear()
            for name, value in state.suspended.items():
                setattr(state, name, value)
            state.flow, state.suspended = FLOW, None
        if state.flow == FLOW:
            turn.say(Reply(text=self.texts.induction_resume))
            self.where_now(turn)
            return
        done = [a for a in turn.attempts if a.finished_at]
        if done and not again:
            self._already_done(turn, max(done, key=lambda a: a.finished_at or ""))
            return
        state.clear()
        state.flow, state.node, state.walk = FLOW, START, secrets.token_hex(3)
        state.started_at = timestamp(turn.now)
        turn.induction = self._record(turn)
        turn.say(Reply(text=self.texts.induction_intro))
        self.where_now(turn)

    def _already_done(self, turn: Turn, done: InductionRecord) -> None:
        text = self.texts.induction_already_done.format(
            date=(done.finished_at or "")[:10], score=done.score or 0, total=done.out_of
        )
        again = Choice(self.labels.take_again, ChoiceValue("induction", "again").encode())
        others = tuple(c for c in self.present.menu() if c.value != ChoiceValue("induction").encode())
        turn.say(Reply(text=text, choices=(again, *others)))

    def move(self, turn: Turn, event: str) -> None:
        turn.state.node = step(turn.state.node or START, event)

    def proceed(self, turn: Turn) -> None:
        self.move(turn, "proceed")
        self.where_now(turn)

    def answer(self, turn: Turn, option: int) -> None:
        state, check = turn.state, self._chapter(turn).check
        if not 0 <= option < len(check.options):
            self.where_now(turn)
            return
        chosen = check.options[option]
        if chosen.correct:
            state.results.setdefault(self._chapter(turn).id, state.tries == 0)
            turn.say(Reply(text=self.texts.induction_right.format(feedback=chosen.feedback)))
            self._next(turn)
        elif state.node == "checking":
            state.results[self._chapter(turn).id] = False
            self.move(turn, "wrong")
            state.tries = 1
            turn.say(Reply(text=self.texts.induction_wrong.format(feedback=chosen.feedback)))
            self.where_now(turn)
        else:
            text = self.texts.induction_reveal.format(answer=check.answer.text, explanation=check.explanation)
            turn.say(Reply(text=text, quotes=tuple(self.present.cite(c) for c in self._chapter(turn).cites)))
            self._next(turn)

    def _next(self, turn: Turn) -> None:
        state = turn.state
        state.tries = 0
        if state.chapter + 1 < len(self.chapters):
            self.move(turn, "next_chapter")
            state.chapter += 1
        else:
            self.move(turn, "finish")
        self.where_now(turn)

    def back(self, turn: Turn) -> None:
        state = turn.state
        if state.node == "reading" and state.chapter == 0:
            turn.say(Reply(text=self.texts.induction_first_chapter))
        else:
            if state.node == "reading":
                state.chapter -= 1
            self.move(turn, "back")
            state.tries = 0
        self.where_now(turn)

    def acknowledge(self, turn: Turn) -> None:
        self.move(turn, "acknowledge")
        right = sum(turn.state.results.get(c.id, False) for c in self.chapters)
        turn.induction = self._record(turn, finished=True, score=right)
        turn.state.clear()
        turn.state.suspended = None
        team = self.present.about.comms_team
        turn.say(Reply(text=self.texts.induction_done.format(comms_team=team), choices=self.present.menu()))

    def suspend(self, turn: Turn) -> None:
        """Put the tour aside (stop, or a flowchart check); ``start`` resumes it."""
        state = turn.state
        keep = ("node", "chapter", "tries", "results", "started_at", "walk")
        state.suspended = {name: getattr(state, name) for name in keep}
        state.clear()

    def pause(self, turn: Turn) -> None:
        self.suspend(turn)
        turn.say(Reply(text=self.texts.induction_paused))

    def _record(self, turn: Turn, *, finished: bool = False, score: int | None = None) -> InductionRecord:
        incoming = turn.incoming
        return InductionRecord(
            user=incoming.user,
            user_name=incoming.user_name,
            channel=incoming.channel,
            started_at=turn.state.started_at or timestamp(turn.now),
            finished_at=timestamp(turn.now) if finished else None,
            score=score,
            out_of=len(self.chapters),
            acknowledged=finished,
            content_version=self.version,
        )

    # --- what the officer sees ----------------------------------------------------------

    def where_now(self, turn: Turn) -> None:
        phase = turn.state.node
        if phase == "reading":
            turn.say(self._reading(turn))
        elif phase in {"checking", "retrying"}:
            turn.say(self._check(turn))
        elif phase == "acknowledging":
            turn.say(self._summary(turn))

    def _reading(self, turn: Turn) -> Reply:
        chapter = self._chapter(turn)
        title = self.texts.induction_chapter.format(
            number=turn.state.chapter + 1, total=len(self.chapters), title=chapter.title
        )
        choices = [self._button(self.labels.continue_, "tour", turn, "next")]
        if turn.state.chapter:
            choices.append(self._button(self.labels.back, "tour", turn, "back"))
        choices.append(self._button(self.labels.stop, "tour", turn, "stop"))
        quotes = tuple(self.present.cite(c) for c in chapter.cites)
        return Reply(title=title, text=chapter.text, quotes=quotes, choices=tuple(choices))

    def _check(self, turn: Turn) -> Reply:
        check = self._chapter(turn).check
        choices = [self._button(o.text, "option", turn, str(n)) for n, o in enumerate(check.options)]
        choices.append(self._button(self.labels.back, "tour", turn, "back"))
        text = f"{self.texts.induction_check}\n{check.question}"
        lines = [f"{n}. {o.text}" for n, o in enumerate(check.options, 1)]
        return Reply(text="\n".join([text, *lines]), choices=tuple(choices))

    def _summary(self, turn: Turn) -> Reply:
        results = turn.state.results
        right = sum(results.get(c.id, False) for c in self.chapters)
        parts = [self.texts.induction_score.format(right=right, total=len(self.chapters))]
        reread = [f"• {c.title}" for c in self.chapters if not results.get(c.id, False)]
        parts += [self.texts.induction_reread, *reread] if reread else [self.texts.induction_all_right]
        parts += ["", self.texts.induction_ack_prompt]
        choices = (
            self._button(self.labels.acknowledge, "tour", turn, "acknowledge"),
            self._button(self.labels.back, "tour", turn, "back"),
        )
        return Reply(text="\n".join(parts), choices=choices)
