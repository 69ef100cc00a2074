"""Citation styles of `quotes cite`: what was said, by whom, and the article, each style's way.

Verbatim words (direct quotes, mixed fragments) go in quotation marks; an indirect quote is the
article's report and is cited as one, without marks of ours. Each style is checked against a
hand-checked example: the reference entries are the style guides' own examples (APA Style's
newspaper article, Carey 2019; the Chicago Manual's quick guide, Manjoo 2017) where they exist.
"""
from datetime import date

import pytest

from quotes.cite import STYLES, cite, reported
from quotes.errors import QuotesError
from quotes.model import Quote

ACCESSED = date(2026, 11, 24)
SENTENCE = "Ms Doe said on Monday that the council would sell the bridge, calling the plan “a bargain”."


def quote(**fields):
    base = dict(
        id="q1", article_id="a1", text="We will win,\n  and we will stay,", start=1, end=30,
        kind="direct", speaker="Jane Doe", confidence=0.9, cue="said", title="Vote count: the results",
        source="The Daily", date="2020-01-02", url="https://daily.example/vote",
        author="By John Roe and Ann Lee-Smith",
    )
    return Quote(**{**base, **fields})


def indirect(**fields):
    return quote(**{"kind": "indirect", "text": "the council would sell the bridge", "sentence": SENTENCE, **fields})


def mixed(**fields):
    return quote(**{"kind": "mixed", "text": "a bargain", "cue": "calling", "sentence": SENTENCE, **fields})


# --- direct quotes ---------------------------------------------------------------------------


def test_plain_is_one_line_and_skips_missing_parts():
    assert cite(quote(), "plain") == (
        'Jane Doe, "We will win, and we will stay", Vote count: the results, The Daily,'
        " 2020-01-02, https://daily.example/vote"
    )
    assert cite(quote(speaker=None, title=None, url=None, source=None, date=None)) == (
        '"We will win, and we will stay"'
    )


def test_markdown_links_the_title():
    assert cite(quote(), "markdown") == (
        "> “We will win, and we will stay”\n>\n"
        "> — Jane Doe, [Vote count: the results](https://daily.example/vote), *The Daily*,"
        " January 2, 2020"
    )


def test_apa_cites_the_speaker_as_cited_in_the_article():
    assert cite(quote(), "apa") == (
        "“We will win, and we will stay” (Jane Doe, as cited in Roe & Lee-Smith, 2020).\n"
        "Roe, J., & Lee-Smith, A. (2020, January 2). Vote count: the results. The Daily."
        " https://daily.example/vote"
    )


def test_apa_reference_is_the_apa_manuals_newspaper_example():
    carey = quote(author="Benedict Carey", title="Can we get better at forgetting?",
                  source="The New York Times", date="2019-03-22",
                  url="https://www.nytimes.com/2019/03/22/health/memory-forgetting-psychology.html")
    said, entry = cite(carey, "apa").split("\n")
    assert entry == ("Carey, B. (2019, March 22). Can we get better at forgetting? The New York Times."
                     " https://www.nytimes.com/2019/03/22/health/memory-forgetting-psychology.html")
    assert said.endswith("(Jane Doe, as cited in Carey, 2019).")


def test_apa_without_author_cites_a_short_title_not_the_whole_headline():
    quenby = quote(author=None, date="2016-09-08", url=None, speaker="Dana Quenby",
                  title="Quenby says Tarrow 'entirely wrong' in calling the harbour plan a fiasco.")
    said, entry = cite(quenby, "apa").split("\n")
    assert said == "“We will win, and we will stay” (Dana Quenby, as cited in “Quenby Says Tarrow ‘Entirely,” 2016)."
    assert entry == ("Quenby says Tarrow 'entirely wrong' in calling the harbour plan a fiasco."
                     " (2016, September 8). The Daily.")
    assert cite(quote(author=None, date=None, url=None), "apa").startswith(
        "“We will win, and we will stay” (Jane Doe, as cited in “Vote Count: The Results,” n.d.).")


def test_mla_has_the_access_date():
    assert cite(quote(), "mla", accessed=ACCESSED) == (
        "Jane Doe: “We will win, and we will stay” (qtd. in Roe and Lee-Smith).\n"
        "Roe, John, and Ann Lee-Smith. “Vote count: the results.” The Daily, 2 Jan. 2020,"
        " daily.example/vote. Accessed 24 Nov. 2026."
    )
    assert cite(quote(date="2019-09-30"), "mla", accessed=ACCESSED).count("30 Sept. 2019") == 1


def test_mla_works_cited_entry_by_hand_for_the_chicago_example_article():
    manjoo = quote(author="Farhad Manjoo", title="Snap Makes a Bet on the Cultural Supremacy of the Camera",
                   source="New York Times", date="2017-03-08", url="https://www.nytimes.com/2017/03/08/snap.html")
    assert cite(manjoo, "mla", accessed=ACCESSED).split("\n")[1] == (
        "Manjoo, Farhad. “Snap Makes a Bet on the Cultural Supremacy of the Camera.” New York Times,"
        " 8 Mar. 2017, www.nytimes.com/2017/03/08/snap.html. Accessed 24 Nov. 2026.")
    untitled_author = cite(quote(author=None, title="City council approves transit plan"), "mla", accessed=ACCESSED)
    assert "(qtd. in “City council approves transit”)" in untitled_author


def test_chicago_note_is_the_manuals_example_after_the_quoted_words():
    manjoo = quote(author="Farhad Manjoo", title="Snap Makes a Bet on the Cultural Supremacy of the Camera",
                   source="New York Times", date="2017-03-08",
                   url="https://www.nytimes.com/2017/03/08/technology/snap-makes-a-bet-on-the-cultural-supremacy-of-the-camera.html")
    assert cite(manjoo, "chicago") == (
        "“We will win, and we will stay.” Jane Doe, quoted in Farhad Manjoo, “Snap Makes a Bet on the"
        " Cultural Supremacy of the Camera,” New York Times, March 8, 2017,"
        " https://www.nytimes.com/2017/03/08/technology/snap-makes-a-bet-on-the-cultural-supremacy-of-the-camera.html."
    )
    assert cite(quote(author=None, url=None), "chicago").endswith(
        "Jane Doe, quoted in “Vote count: the results,” The Daily, January 2, 2020.")


@pytest.mark.parametrize("style, expected", [
    ("plain", ", Quenby says harbour plan sank, Harbour Ledger,"),
    ("markdown", "[Quenby says harbour plan sank](https://hg.example/f), *Harbour Ledger*"),
    ("chicago", "“Quenby says harbour plan sank,” Harbour Ledger,"),
    ("mla", "“Quenby says harbour plan sank.” Harbour Ledger,"),
    ("apa", "Quenby says harbour plan sank. (2020, January 2). Harbour Ledger."),
])
def test_a_title_ending_in_a_full_stop_reads_right(style, expected):
    text = cite(quote(title="Quenby says harbour plan sank.", source="Harbour Ledger", author=None,
                      url="https://hg.example/f"), style, accessed=ACCESSED)
    assert expected in text and "sank.," not in text and "sank.”," not in text


def test_a_question_in_the_title_keeps_its_mark_and_takes_no_comma():
    assert "“Can we win?” The Daily" in cite(quote(title="Can we win?", author=None), "chicago")


@pytest.mark.parametrize("inner", ["The talks were “effective”", 'The talks were "effective"',
                                   "The talks were ''effective''"])
def test_quotation_marks_inside_a_quote_become_single(inner):
    assert "“The talks were ‘effective’”" in cite(quote(text=inner), "markdown")
    assert "“The talks were ‘effective.’”" in cite(quote(text=inner), "chicago")
    assert '"The talks were \'effective\'"' in cite(quote(text=inner), "plain")


# --- reported speech -------------------------------------------------------------------------


@pytest.mark.parametrize("style, expected", [
    ("plain", "Jane Doe said on Monday that the council would sell the bridge (reported, not verbatim),"
              " Vote count: the results, The Daily, 2020-01-02, https://daily.example/vote"),
    ("markdown", "Jane Doe said on Monday that the council would sell the bridge (reported, not verbatim, in"
                 " [Vote count: the results](https://daily.example/vote), *The Daily*, January 2, 2020)"),
    ("apa", "Jane Doe said on Monday that the council would sell the bridge (as cited in Roe & Lee-Smith, 2020).\n"
            "Roe, J., & Lee-Smith, A. (2020, January 2). Vote count: the results. The Daily. https://daily.example/vote"),
    ("mla", "Jane Doe said on Monday that the council would sell the bridge (Roe and Lee-Smith).\n"
            "Roe, John, and Ann Lee-Smith. “Vote count: the results.” The Daily, 2 Jan. 2020,"
            " daily.example/vote. Accessed 24 Nov. 2026."),
    ("chicago", "Jane Doe said on Monday that the council would sell the bridge, as reported in John Roe and"
                " Ann Lee-Smith, “Vote count: the results,” The Daily, January 2, 2020, https://daily.example/vote."),
])
def test_indirect_quote_is_cited_as_reported_speech_in_every_style(style, expected):
    got = cite(indirect(), style, accessed=ACCESSED)
    assert got == expected  # the article's own words between the verb and the clause kept
    assert "“the council" not in got and '"the council' not in got


@pytest.mark.parametrize("style, expected", [
    ("plain", 'Jane Doe called the plan "a bargain", Vote count: the results, The Daily, 2020-01-02,'
              " https://daily.example/vote"),
    ("markdown", "Jane Doe called the plan “a bargain” (in [Vote count: the results](https://daily.example/vote),"
                 " *The Daily*, January 2, 2020)"),
    ("apa", "Jane Doe called the plan “a bargain” (as cited in Roe & Lee-Smith, 2020).\n"
            "Roe, J., & Lee-Smith, A. (2020, January 2). Vote count: the results. The Daily. https://daily.example/vote"),
    ("mla", "Jane Doe called the plan “a bargain” (qtd. in Roe and Lee-Smith).\n"
            "Roe, John, and Ann Lee-Smith. “Vote count: the results.” The Daily, 2 Jan. 2020,"
            " daily.example/vote. Accessed 24 Nov. 2026."),
    ("chicago", "Jane Doe called the plan “a bargain,” as reported in John Roe and Ann Lee-Smith,"
                " “Vote count: the results,” The Daily, January 2, 2020, https://daily.example/vote."),
])
def test_mixed_quote_is_cited_as_its_fragment_in_its_clause_in_every_style(style, expected):
    assert cite(mixed(), style, accessed=ACCESSED) == expected


def test_reported_speech_keeps_the_articles_own_quotation_marks():
    q = indirect(text='the plan was "a bargain" for the town', cue="says",
                 sentence='Ms Doe says the plan was "a bargain" for the town.')
    for style in STYLES:
        got = cite(q, style, accessed=ACCESSED)
        marks = '"a bargain"' if style == "plain" else "“a bargain”"
        assert f"Jane Doe says the plan was {marks} for the town" in got, style
        assert "“the plan" not in got and "> " not in got, style


def test_reported_speech_reads_as_a_writer_reports_it():
    assert reported(indirect(cue="saying")) == "Jane Doe said that the council would sell the bridge"
    told = indirect(cue="told", sentence="Ms Doe told reporters that the council would sell the bridge.")
    assert reported(told) == "Jane Doe told reporters that the council would sell the bridge"
    late = indirect(sentence="The council would sell the bridge, Ms Doe said.", text="The council would sell the bridge")
    assert reported(late) == "Jane Doe said the council would sell the bridge"
    assert reported(indirect(cue="according to", sentence="")) == "According to Jane Doe, the council would sell the bridge"
    assert reported(indirect(cue="told", sentence="")) == "Jane Doe said the council would sell the bridge"
    assert reported(indirect(cue="replying", sentence="")) == "Jane Doe replied the council would sell the bridge"
    assert reported(indirect(speaker=None)) == "The article reports, without saying who, that the council would sell the bridge"


def test_mixed_quote_is_its_fragment_in_marks_within_its_clause():
    assert reported(mixed()) == "Jane Doe called the plan “a bargain”"
    assert cite(mixed(), "chicago").startswith("Jane Doe called the plan “a bargain,” as reported in John Roe")
    assert cite(mixed(), "mla", accessed=ACCESSED).startswith("Jane Doe called the plan “a bargain” (qtd. in Roe and Lee-Smith).")
    assert reported(mixed(speaker=None)) == "Quoted without attribution: “a bargain”"
    # no speech verb before the fragment: the article's sentence as written, its marks kept
    q = mixed(cue="said", text="a bargain", sentence='The plan is "a bargain", Ms Doe said.')
    assert reported(q) == "Jane Doe, quoted in part: The plan is “a bargain”, Ms Doe said"


def test_low_confidence_speaker_is_cited_as_uncertain():
    for q in (quote(confidence=0.45), indirect(confidence=0.3), mixed(confidence=0.49)):
        for style in STYLES:
            assert "Jane Doe (attribution uncertain)" in cite(q, style, accessed=ACCESSED), (q.kind, style)
    assert "uncertain" not in cite(quote(confidence=0.5))


@pytest.mark.parametrize("style", STYLES)
def test_every_style_gives_the_speaker_and_the_words(style):
    text = cite(quote(), style, accessed=ACCESSED)
    assert "Jane Doe" in text and "We will win, and we will stay" in text


def test_unknown_style_is_an_error():
    with pytest.raises(QuotesError, match="unknown citation style 'harvard'"):
        cite(quote(), "harvard")
