"""Quotation-mark pairing on plain text (quotes.marks): no spaCy needed."""
from __future__ import annotations

import random
import time

import pytest

from quotes.marks import Pair, find_pairs, paragraphs

MARKS = set("\"'“”‘’„‚«»‹›‟")


def quoted(text: str) -> list[str]:
    """The words inside each top-level pair, in order."""
    return [text[p.start : p.end] for p in find_pairs(text)]


# -- each mark style -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, inside",
    [
        ('He said "we will win the vote" on Monday.', "we will win the vote"),
        ("He said “we will win the vote” on Monday.", "we will win the vote"),
        ("Il a dit «nous allons gagner» lundi.", "nous allons gagner"),
        ("Er sagte „wir werden gewinnen“ am Montag.", "wir werden gewinnen"),
        ("He said 'we will win the vote' on Monday.", "we will win the vote"),
        ("He said ‘we will win the vote’ on Monday.", "we will win the vote"),
        ("He said ''we will win the vote'' on Monday.", "we will win the vote"),
    ],
    ids=["straight-double", "curly-double", "guillemets", "german", "straight-single", "curly-single", "typewriter"],
)
def test_each_mark_style_pairs_and_offsets_give_the_words_inside(text, inside):
    pairs = find_pairs(text)
    assert len(pairs) == 1
    p = pairs[0]
    assert text[p.start : p.end] == inside
    assert p.closed
    # the marks themselves sit right outside the words (the typewriter style has two)
    assert text[p.open] in MARKS and text[p.close] in MARKS
    assert p.open < p.start and p.end <= p.close


def test_quote_with_trailing_comma_keeps_punctuation_inside_the_marks():
    text = '"We agreed how to proceed," Mr Putin said.'
    assert quoted(text) == ["We agreed how to proceed,"]


def test_several_quotes_in_one_paragraph_each_reported():
    text = '“Yes,” she said. “No,” he said. "Maybe," they said.'
    assert quoted(text) == ["Yes,", "No,", "Maybe,"]


# -- nesting -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, inside",
    [
        ("‘I heard him say “never” twice,’ she said.", "I heard him say “never” twice,"),
        ("“He called it ‘a disaster’ today,” she said.", "He called it ‘a disaster’ today,"),
        ('"He called it \'a disaster\' today," she said.', "He called it 'a disaster' today,"),
        ('“He called it "a disaster" today,” she said.', 'He called it "a disaster" today,'),
    ],
    ids=["double-in-single", "single-in-double", "straight-single-in-straight-double", "straight-in-curly"],
)
def test_nested_quote_is_part_of_the_outer_one(text, inside):
    assert quoted(text) == [inside]


# -- apostrophes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I don't think they'll come.",
        "The Kurds' land lies in the north.",
        "It was a hit in the '90s and again in '16.",
        "They played rock 'n' roll all night.",
        "Erdoğan’s party and O'Brien's team can’t agree.",
        "The Kurds' land, the Turks' army and the '90s: rock 'n' roll, don't you think?",
    ],
)
def test_apostrophes_are_never_quote_marks(text):
    assert find_pairs(text) == []


def test_apostrophes_inside_a_single_quoted_quote_do_not_end_it():
    text = "'We won't give up on the Kurds' land,' he said."
    assert quoted(text) == ["We won't give up on the Kurds' land,"]


def test_single_quote_after_plural_possessive_elsewhere_in_sentence():
    text = "The Kurds' land is 'sacred', he said."
    assert quoted(text) == ["sacred"]


# -- odd and unpaired marks --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ('"One" and "two" and "three', ["One", "two"]),
        ("“One” and “two” and “three", ["One", "two"]),
        ("He said “wow and left.", []),
        ('He said wow" and left.', []),
        ("Only ” a closer and » another.", []),
        ('"', []),
        ("'", []),
        ("", []),
    ],
)
def test_odd_number_of_marks_pairs_what_it_can(text, expected):
    assert quoted(text) == expected


# -- paragraphs and multi-paragraph quotes -----------------------------------------------------


def test_paragraphs_are_separated_by_blank_lines():
    text = "One line\nstill one.\n\n  \nTwo.\n\n\nThree."
    spans = paragraphs(text)
    assert [text[s:e] for s, e in spans] == ["One line\nstill one.", "Two.", "Three."]


def test_multi_paragraph_quote_gives_the_open_part():
    text = 'He said: "We are here to stay.\n\n"And we will not leave," he said.'
    pairs = find_pairs(text)
    assert [text[p.start : p.end] for p in pairs] == ["We are here to stay.", "And we will not leave,"]
    assert [p.closed for p in pairs] == [False, True]
    # the open part ends at its own paragraph, never runs into the next one
    assert "\n" not in text[pairs[0].start : pairs[0].end]


def test_quote_nested_in_the_open_part_of_a_multi_paragraph_quote_is_part_of_it():
    text = "He said: “We will go to the ‘safe zone’ soon.\n\n“And stay there,” he said."
    assert quoted(text) == ["We will go to the ‘safe zone’ soon.", "And stay there,"]


def test_three_paragraph_quote():
    text = "“First part.\n\n“Second part.\n\n“Third part,” he said."
    pairs = find_pairs(text)
    assert quoted(text) == ["First part.", "Second part.", "Third part,"]
    assert [p.closed for p in pairs] == [False, False, True]


@pytest.mark.parametrize(
    "text",
    [
        "“An unclosed quote here.\n\nThe next paragraph is plain.",
        "“An unclosed quote here.\n\nThe next paragraph closes it.” Odd.",
        '"An unclosed quote at the very end.',
    ],
)
def test_unclosed_quote_without_reopening_is_not_reported(text):
    assert find_pairs(text) == []


def test_quote_never_pairs_across_a_paragraph_break():
    text = 'He said "yes\n\nand" then left.'
    for p in find_pairs(text):
        assert "\n\n" not in text[p.open : p.close + 1]


# -- performance and robustness -----------------------------------------------------------------


def _seconds(text: str) -> float:
    """The best of five runs: what the code costs, less what a busy machine adds."""
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        find_pairs(text)
        best = min(best, time.perf_counter() - t0)
    return best


@pytest.mark.parametrize(
    "unit, filler",
    [
        ("“", "a"),
        ("“ab ", "x"),
        ("a' ", "y"),
        (" 'a", "z"),
        ('word "', "w"),
        ("“open\n\n", "v"),
        ("‘x ’s ", "u"),
        ("«» ''‚ ", "t"),
    ],
    ids=["openers-then-text", "curly-openers", "trailing-singles", "leading-singles", "straight", "paragraphs", "singles-mixed", "mixed"],
)
def test_linear_time_on_pathological_input(unit, filler):
    """Pairing grows linearly with the marks: 8x the text costs well under the 64x of a
    quadratic pass (a ratio measured in one run, not a wall-clock bound a loaded machine breaks)."""
    def text(n: int) -> str:
        return (unit * n)[: n * 10].ljust(n * 10, filler)

    small, large = text(4_000), text(32_000)
    ratio = _seconds(large) / max(_seconds(small), 1e-4)
    assert ratio < 40, f"8x the text took {ratio:.0f}x the time"
    pairs = find_pairs(large)
    assert all(0 <= p.start <= p.end <= len(large) for p in pairs)


def test_random_strings_never_break_the_invariants():
    rng = random.Random(0)
    alphabet = list("\"'“”‘’„«»‹›") + list("abc") * 3 + [" "] * 4 + ["\n", "\n\n", ".", ",", "s", "n"]
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        pairs = find_pairs(text)  # never raises
        assert all(isinstance(p, Pair) for p in pairs)
        for p in pairs:
            assert 0 <= p.open < p.start <= p.end <= len(text), (text, p)
            assert p.end <= p.close <= len(text), (text, p)
            assert text[p.open] in MARKS, (text, p)
            if p.closed:
                assert text[p.close] in MARKS, (text, p)
        assert [p.open for p in pairs] == sorted(p.open for p in pairs), text
        for a, b in zip(pairs, pairs[1:]):
            assert a.close < b.open, (text, a, b)
