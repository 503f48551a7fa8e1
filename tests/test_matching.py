"""The matcher: fast scoring equals scikit-learn's, and its decisions on the council's content
are the right kind; its kept weights are proved on the (smaller, quicker) fixture content."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from bot.core import training
from bot.core.content import Content
from bot.core.content.loader import load_content
from bot.core.faq import FLOWCHART, Analyzer, Decision, Examples, Facets, FaqMatcher
from bot.core.model import GramIndex, Trained, char_ngrams
from bot.core.text import unquoted
from bot.core.training import svm, vectorize
from tests.conftest import FIXTURE_CONTENT, ROOT
from tools.large_content import write_large_content

SCIKIT_LEARN_LOADED = "print(sorted(k for k in sys.modules if k.split('.')[0] in ('sklearn', 'scipy')))"


def printed_by(script: str) -> str:
    """What a fresh Python process running ``script`` prints (imports start from nothing)."""
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


QUESTIONS = [
    "can i use my council email for twitter",
    "Someone left an abusive comment on our Facebook page, what do I do?",
    "how many days annual leave do I get",
    "",
    "🙂🙂",
    "x" * 5000,
    "teh disclaimr on my instagarm bio",
]


def scikit_learn(content: Content) -> tuple[TfidfVectorizer, LinearSVC]:
    """The recipe as scikit-learn alone runs it: its vectorizer, one-vs-rest over every example."""
    by_class = Examples.from_content(content).by_class
    vectorizer = TfidfVectorizer(
        analyzer=content.matching.analyzer,
        ngram_range=tuple(content.matching.ngrams),
        sublinear_tf=True,
        preprocessor=Analyzer(content.matching).normal,
        dtype=np.float32,
    )
    features = vectorizer.fit_transform([t for texts in by_class.values() for t in texts])
    labels = [c for c, texts in by_class.items() for _ in texts]
    return vectorizer, svm(content.matching.c).fit(features, labels)


@pytest.fixture(scope="module")
def fitted(real_content: Content) -> tuple[TfidfVectorizer, LinearSVC]:
    return scikit_learn(real_content)


def test_fast_scores_equal_scikit_learns_decision_function(
    real_matcher: FaqMatcher, fitted: tuple[TfidfVectorizer, LinearSVC]
) -> None:
    vectorizer, model = fitted
    assert real_matcher.classes == list(model.classes_)
    for question in QUESTIONS:
        expected = model.decision_function(vectorizer.transform([question]))[0]
        assert np.allclose(real_matcher.scores(question), expected, atol=1e-4), question


def test_training_features_are_scikit_learns_tfidf(
    real_content: Content, fitted: tuple[TfidfVectorizer, LinearSVC]
) -> None:
    vectorizer, _ = fitted
    content = real_content
    texts = [t for texts in Examples.from_content(content).by_class.values() for t in texts]
    within = content.matching.analyzer == "char_wb"
    ours = vectorize(texts, *content.matching.ngrams, Analyzer(content.matching).normal, within_words=within)
    theirs = vectorizer.transform(texts)
    assert ours.vocabulary == tuple(vectorizer.get_feature_names_out())
    assert np.array_equal(ours.idf, vectorizer.idf_)
    assert abs(ours.matrix - theirs).max() < 1e-6


def test_ngrams_are_the_ones_scikit_learn_makes(
    real_matcher: FaqMatcher, fitted: tuple[TfidfVectorizer, LinearSVC]
) -> None:
    analyzer = fitted[0].build_analyzer()
    for question in [*QUESTIONS, "a b cd", "I'm new   here", "x", "ok\tthen\nnow"]:
        assert real_matcher.ngrams(question) == analyzer(question), question


def test_weights_are_trained_once_and_loaded_from_the_cache_after(content: Content, tmp_path: Path) -> None:
    first = FaqMatcher.from_content(content, cache=tmp_path)
    kept = list(tmp_path.glob("matcher-*.npz"))
    assert len(kept) == 1
    second = FaqMatcher.from_content(content, cache=tmp_path)
    assert list(tmp_path.glob("matcher-*.npz")) == kept
    for question in QUESTIONS:
        assert np.array_equal(first.scores(question), second.scores(question)), question


def test_a_damaged_cache_file_is_trained_again(content: Content, tmp_path: Path) -> None:
    FaqMatcher.from_content(content, cache=tmp_path)
    [kept] = tmp_path.glob("matcher-*.npz")
    kept.write_bytes(b"not a zip file")
    matcher = FaqMatcher.from_content(content, cache=tmp_path)
    assert matcher.match("can i use my council email for twitter").kind == "answer"
    assert kept.read_bytes()[:2] == b"PK"


def test_damaged_kept_weights_are_trained_again(content: Content, tmp_path: Path) -> None:
    FaqMatcher.from_content(content, cache=tmp_path)
    [weights] = tmp_path.glob("matcher-*.weights.npy")
    weights.write_bytes(weights.read_bytes()[:1000])
    matcher = FaqMatcher.from_content(content, cache=tmp_path)
    assert matcher.match("can i use my council email for twitter").kind == "answer"
    assert weights.stat().st_size > 1000


def test_answering_from_kept_weights_imports_no_scikit_learn(content: Content, tmp_path: Path) -> None:
    FaqMatcher.from_content(content, cache=tmp_path)
    script = (
        "import sys; from pathlib import Path; from bot.core.content.loader import load_content;"
        "from bot.core.faq import FaqMatcher;"
        f"content = load_content(Path({str(FIXTURE_CONTENT)!r}));"
        f"m = FaqMatcher.from_content(content, cache=Path({str(tmp_path)!r}));"
        "m.match('can i use my council email for twitter');" + SCIKIT_LEARN_LOADED
    )
    assert printed_by(script) == "[]"


def test_a_described_post_goes_to_the_flowchart(real_matcher: FaqMatcher) -> None:
    result = real_matcher.match("a resident is slagging off our bin service on facebook, do I reply?")
    assert result.kind == "answer" and result.best is not None and result.best.id == FLOWCHART


def test_an_off_topic_question_is_not_answered(real_matcher: FaqMatcher) -> None:
    result = real_matcher.match("how do I book a meeting room for Tuesday")
    assert result.kind == "unknown"


def test_typos_still_find_the_entry(real_matcher: FaqMatcher) -> None:
    result = real_matcher.match("can i use my councel emial adress for my personal twiter")
    assert result.best is not None and result.best.id == "council-email-for-personal-use"


def test_a_thousand_entries_train_then_load_from_the_cache_without_scikit_learn(tmp_path: Path) -> None:
    folder = write_large_content(ROOT / "content", tmp_path / "content", 1000)
    content = load_content(folder)
    matcher = FaqMatcher.from_content(content, cache=tmp_path / "cache")
    assert len(matcher.classes) == len(Examples.from_content(content).by_class)
    assert sum(not c.startswith("__") for c in matcher.classes) == 1000
    # the weights were written straight into their kept file: nothing else is left behind
    assert sorted(p.suffix for p in (tmp_path / "cache").iterdir()) == [".npy", ".npz"]
    found = matcher.match("can i use my council email for twitter")
    # the entry or one of its copies that kept the words asked about
    assert found.best is not None and found.best.id.startswith("council-email-for-personal-use")
    script = (
        "import sys; from pathlib import Path; from bot.core.content.loader import load_content;"
        "from bot.core.faq import FaqMatcher;"
        f"found = {found.best.id!r}; cache = Path({str(tmp_path / 'cache')!r});"
        f"m = FaqMatcher.from_content(load_content(Path({str(folder)!r})), cache=cache);"
        "print(m.match('can i use my council email for twitter').best.id == found);" + SCIKIT_LEARN_LOADED
    )
    assert printed_by(script).split("\n")[:2] == ["True", "[]"]


@pytest.mark.parametrize("analyzer", ["char", "char_wb"])
def test_training_features_are_scikit_learns_with_either_analyzer(content: Content, analyzer: str) -> None:
    """Counting n-grams as numbers with numpy gives exactly scikit-learn's features, within
    words or across them."""
    matching = content.matching.model_copy(update={"analyzer": analyzer})
    content = content.model_copy(update={"matching": matching})
    texts = [t for texts in Examples.from_content(content).by_class.values() for t in texts]
    texts += ["a b c d", "I'm new   here", "x", "an ox at a do"]
    vectorizer = TfidfVectorizer(
        analyzer=analyzer,
        ngram_range=tuple(matching.ngrams),
        sublinear_tf=True,
        preprocessor=Analyzer(matching).normal,
        dtype=np.float32,
    ).fit(texts)
    ours = vectorize(texts, *matching.ngrams, Analyzer(matching).normal, within_words=analyzer == "char_wb")
    assert ours.vocabulary == tuple(vectorizer.get_feature_names_out())
    assert abs(ours.matrix - vectorizer.transform(texts)).max() < 1e-6


@pytest.mark.parametrize("within_words", [False, True])
def test_the_gram_index_finds_the_vocabularys_ngrams_of_a_text_and_their_counts(within_words: bool) -> None:
    """Found as numbers, a text's n-grams are exactly those ``char_ngrams`` makes that the
    vocabulary holds, each counted as often as it occurs, whatever characters surround them."""
    texts = ["my own page", "our council page", "a b cd", "café on the page", "x"]
    vocabulary = sorted({g for t in texts for g in char_ngrams(t, 2, 5, within_words=within_words)})
    index = GramIndex(vocabulary, 2, 5, within_words=within_words)
    asked = ["my page page", "our café 😀 page", "a", "", "zzz qqq", "own council pages", "x y"]
    for text in asked:
        expected: dict[int, int] = {}
        for gram in char_ngrams(text, 2, 5, within_words=within_words):
            if gram in vocabulary:
                column = vocabulary.index(gram)
                expected[column] = expected.get(column, 0) + 1
        columns, counts = index.find(text)
        assert dict(zip(columns.tolist(), counts.tolist(), strict=True)) == expected, text


def test_the_walk_is_started_when_other_teams_subjects_crowd_the_closest_classes(content: Content) -> None:
    """ "A post described, what do I do?" starts the walk when the walk is among the closest
    entries, however many declining classes (another team's subject, a near miss) score
    between them: classes scored by their bias alone, in this order."""
    scored = {
        "entry-a": 0.5,
        "__near_miss__": -0.4,
        "__refer__:hr": -0.5,
        "__refer__:it": -0.6,
        "__refer__:legal": -0.65,
        FLOWCHART: -0.7,
    }
    matcher = by_bias(scored, content, walk_asks=["what do i do"])
    walk = matcher.match("someone posted a letter showing a name and address. what do i do").best
    assert walk is not None and walk.id == FLOWCHART
    assert matcher.match("someone posted a letter showing a name and address").answered == "entry-a"


def by_bias(scored: dict[str, float], content: Content, walk_asks: Sequence[str] = ()) -> FaqMatcher:
    """A matcher whose classes score their bias alone, whatever the text: each decision's
    rule can be shown on exact scores."""
    trained = Trained(
        classes=tuple(scored),
        vocabulary=("qq",),
        idf=np.ones(1, dtype=np.float32),
        weights=np.zeros((1, len(scored)), dtype=np.float32),
        bias=np.asarray(list(scored.values()), dtype=np.float32),
    )
    return FaqMatcher(trained, content.matching, walk_asks=walk_asks)


def test_small_talk_that_wins_only_narrowly_offers_the_entries_close_behind(content: Content) -> None:
    """ "isn't it ok to have a pop at a troll?" scored a hair above an entry as small talk: the
    officer is offered the entries, not told the policy says nothing."""
    narrow = by_bias(
        {"__small_talk__": -0.71, "entry-a": -0.72, "entry-b": -0.75, "entry-c": -0.9}, content
    ).match("x")
    assert narrow.decision is Decision.SUGGEST
    assert [m.id for m in narrow.suggestions] == ["entry-a", "entry-b"]
    clear = by_bias({"__small_talk__": 0.5, "entry-a": -0.72}, content).match("x")
    assert clear.decision is Decision.SMALL_TALK


def test_a_long_message_is_never_small_talk_to_the_classifier(content: Content) -> None:
    """A resident's question pasted bare ("why has my council tax gone up again, what are you
    spending it on") won as chatter and got "thanks for the message"."""
    scores = {"__small_talk__": 1.0, "entry-a": 0.3}
    assert by_bias(scores, content).match("what are you").decision is Decision.SMALL_TALK
    long = by_bias(scores, content).match("why has my council tax gone up again, what are you spending it on")
    assert long.decision is Decision.ANSWER and long.best is not None and long.best.id == "entry-a"


def test_a_question_is_read_with_the_long_quotes_in_it_set_aside() -> None:
    asked = "a neighbour asked 'is the tip open on bank holiday monday', can I answer from my own page?"
    assert unquoted(asked) == "a neighbour asked  that , can I answer from my own page?"
    assert unquoted("can I share a 'funny' meme") == "can I share a 'funny' meme"  # too short a quote
    assert unquoted("'is the tip open on bank holiday monday'") == "'is the tip open on bank holiday monday'"


def test_groups_trained_in_several_processes_get_the_weights_one_process_gives(
    content: Content, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large FAQ's groups train on every core; each process must train as one would, so the
    weights kept for a content version do not depend on the machine."""
    monkeypatch.setattr(training, "GROUP", 3)  # several groups from the fixture's few entries
    examples = Examples.from_content(content).by_class
    classes = sorted(examples)
    texts = [t for c in classes for t in examples[c]]
    labels = np.asarray([i for i, c in enumerate(classes) for _ in examples[c]])
    features = vectorize(texts, 2, 5, Analyzer(content.matching).normal).matrix.astype(np.float64)
    shape = (features.shape[1], len(classes))
    one, several = np.zeros(shape, dtype=np.float32), np.zeros(shape, dtype=np.float32)
    one_bias = training._grouped(features, labels, 3.0, one, workers=1)
    several_bias = training._grouped(features, labels, 3.0, several, workers=2)
    assert len(training._groups(training._similarity(features, labels, len(classes)))) >= 4
    assert np.array_equal(one, several) and np.array_equal(one_bias, several_bias)


def test_a_facet_cue_with_a_gap_names_its_side_across_up_to_three_words(content: Content) -> None:
    matching = content.matching.model_copy(
        update={"facets": {"where": {"official": ["our * account"], "personal": ["my own"]}}}
    )
    analyzer = Analyzer(matching)
    facets = Facets(matching, {}, analyzer)
    assert facets.named(analyzer.words("can I share it from our waste services twitter account")) == {
        "official"
    }
    assert facets.named(analyzer.words("can I share it from our account")) == {"official"}
    assert facets.named(analyzer.words("our bins are late so I told my account manager")) == frozenset()
