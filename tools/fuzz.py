"""``app.py fuzz``: random turns, with forged and mangled button values, through the real engine
on a scratch SQLite file; every turn must answer and leave a state its flow allows."""

from __future__ import annotations

import random
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.content.models import Content
from bot.core.engine import ConversationEngine
from bot.core.invariants import Invariants
from bot.core.messages import Incoming, Outgoing
from bot.core.safety import SafetyNet
from bot.core.storage import conversation_key
from bot.core.storage.relational import RelationalStore
from bot.core.triage import Triage
from bot.core.vocabulary import FlowId, Verb

CHANNEL, CONVERSATION = "fuzz", "C-fuzz"
USERS = ("U1", "U2", "U3")
VERBS = [*(str(v) for v in Verb), "bogus", ""]
ARGS = ["yes", "no", "next", "back", "stop", "acknowledge", "again", "send", "cancel", "start"]
ARGS += ["council", "other", "refer", "keep", "change", "forget"]
ARGS += ["0", "1", "2", "3", "9", "-1", "²", "፩", "١", "01", "1.5"]
ARGS += ["", "x" * 50]
ODD_TEXT = ["1", "2", "3", "4", "፩", "²", "١", "", " ", "<@U1", "<http:", "\ud83d", "😀" * 30]
ODD_TEXT += ["*bold* _it_ `code`", "<!channel> hi", "<http://x|link> check", "\x00\x1b[31m"]


@dataclass
class FuzzResult:
    turns: int = 0
    crashes: int = 0
    impossible: int = 0
    examples: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        if len(self.examples) < 5:
            self.examples.append(text)


class Fuzzer:
    def __init__(self, content: Content, engine: ConversationEngine, rng: random.Random) -> None:
        self.engine, self.rng = engine, rng
        self.invariants = Invariants(content)
        words = content.messages.words
        self.words = [w for name in type(words).model_fields for w in getattr(words, name)]
        self.questions = [q for e in content.faq.entries for q in e.asked[:2]]
        self.questions += [f"someone wrote: {q}" for q in self.questions[:10]]  # a pasted post, read first
        self.faq_ids = [e.id for e in content.faq.entries]
        self.last: dict[str, Outgoing] = {}

    async def incoming(self, user: str) -> Incoming:
        roll = self.rng.random()
        if roll < 0.35 and (buttons := self._buttons(user)):
            return Incoming(CHANNEL, CONVERSATION, user, choice=self.rng.choice(buttons))
        if roll < 0.6:
            return Incoming(CHANNEL, CONVERSATION, user, choice=await self._forged(user))
        if roll < 0.85:
            return Incoming(CHANNEL, CONVERSATION, user, text=self.rng.choice(self.words))
        pool = self.questions if roll < 0.92 else ODD_TEXT
        return Incoming(CHANNEL, CONVERSATION, user, text=self.rng.choice(pool))

    def _buttons(self, user: str) -> list[str]:
        out = self.last.get(user)
        return [c.value for r in out.replies for c in r.choices] if out else []

    async def _forged(self, user: str) -> str:
        """A value in the button format, from any flow, often at the current walk and step."""
        state = await self.engine.load(conversation_key(CHANNEL, CONVERSATION, user))
        verb, arg = self.rng.choice(VERBS), self.rng.choice((*ARGS, *self.faq_ids[:5]))
        head = f"{verb}:{arg}" if arg else verb
        flow = state.tour if state.active is FlowId.TOUR else state.walk
        current = flow is not None and self.rng.random() < 0.8
        walk = flow.run if flow is not None and current else "abc123"
        step = str(flow.moves) if flow is not None and current else self.rng.choice(("0", "²", "፩", "99"))
        return self.rng.choice((head, f"{head}@{walk}.{step}", f"{head}@{walk}", f"@{walk}.{step}"))

    async def turn(self, result: FuzzResult) -> None:
        user = self.rng.choice(USERS)
        incoming = await self.incoming(user)
        result.turns += 1
        try:
            self.last[user] = await self.engine.handle(incoming)
        except Exception:
            result.crashes += 1
            result.note(f"crash on {incoming!r}:\n{traceback.format_exc(limit=3)}")
            return
        state = await self.engine.load(conversation_key(CHANNEL, CONVERSATION, user))
        problems = self.invariants.problems(state)
        if problems:
            result.impossible += 1
            result.note(f"impossible state after {incoming!r}: {problems}")


async def run_fuzz(content: Content, *, turns: int, seed: int) -> FuzzResult:
    result = FuzzResult()
    with tempfile.TemporaryDirectory() as folder:
        store = await RelationalStore.open(f"sqlite:///{Path(folder) / 'fuzz.db'}")
        try:
            triage = Triage.from_content(content, net=SafetyNet(content.safety))  # pasted posts read too
            engine = ConversationEngine(content=content, store=store, triage=triage)
            fuzzer = Fuzzer(content, engine, random.Random(seed))
            for _ in range(turns):
                await fuzzer.turn(result)
        finally:
            await store.close()
    return result
