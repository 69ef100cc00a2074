"""Word-level comparison: when two quotes are one republished quote, and how close a claimed
quote is to a real one."""
import pytest

from quotes.query import day_bounds
from quotes.wording import SHINGLE, group_keys, same_quote, similarity, tokens, words

LONG = "We have a shared conviction that the situation in Idlib must be resolved"


def test_words_ignore_case_accents_and_punctuation():
    assert words("Erdoğan's “PLAN”, re-made!") == ["erdogans", "plan", "re", "made"]
    assert [(t.text, t.start) for t in tokens("Hi, you.")] == [("Hi", 0), ("you", 4)]


@pytest.mark.parametrize(
    "other",
    [
        LONG.upper() + "!",                          # case and punctuation
        "And " + LONG,                               # a word added in front
        LONG + " soon",                              # a word added at the end
        " ".join(LONG.split()[1:]),                  # a word dropped in front
        " ".join(LONG.split()[:6]),                  # truncated
        " ".join(LONG.split()[4:]),                  # truncated in front
    ],
)
def test_republished_variants_are_the_same_quote_and_their_keys_meet(other):
    a, b = words(LONG), words(other)
    assert same_quote(a, b) and same_quote(b, a)
    keys_a, probes_a = group_keys(a, "Vladimir Putin")
    keys_b, probes_b = group_keys(b, "Putin")  # the same last name
    assert keys_a & probes_b or keys_b & probes_a


def test_different_words_or_speakers_do_not_group():
    a = words(LONG)
    changed = words(LONG.replace("shared", "common"))
    assert not same_quote(a, changed)
    assert not group_keys(a, "Vladimir Putin")[0] & group_keys(a, "Angela Merkel")[1]
    assert group_keys(a, None) == (set(), set())  # no speaker, no group


def test_short_quotes_group_only_when_equal():
    assert same_quote(words("We will win."), words("we will win"))
    assert not same_quote(words("We will"), words("We will win"))
    assert len(words("We will win")) < SHINGLE


def test_similarity_is_one_only_for_the_words_as_said():
    assert similarity("the situation in Idlib", LONG).score == 1.0
    assert similarity("The situation in Idlib!", LONG).exact
    changed = similarity(LONG.replace("shared", "common"), LONG)
    assert 0.8 < changed.score < 1 and ("-", "shared") in changed.diff and ("+", "common") in changed.diff


def test_similarity_tolerates_misspellings_and_shows_them():
    compared = similarity("shared convicton", LONG)
    assert compared.score > 0.9 and not compared.exact
    assert ("-", "conviction") in compared.diff and ("+", "convicton") in compared.diff


def test_similarity_of_unrelated_words_is_low():
    assert similarity("Bananas are the finest fruit", LONG).score < 0.3
    assert similarity("", LONG).score == 0.0


def test_day_bounds_cover_the_whole_period():
    assert [d.isoformat() for d in day_bounds("2019")] == ["2019-01-01T00:00:00", "2019-12-31T23:59:59.999999"]
    assert day_bounds("2019-12")[1].isoformat() == "2019-12-31T23:59:59.999999"
    assert day_bounds("2019-02-28")[0].isoformat() == "2019-02-28T00:00:00"
