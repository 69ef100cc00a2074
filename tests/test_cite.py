"""Citation styles of `quotes cite`: the speaker, the words and the article, each style's way."""
from datetime import date

import pytest

from quotes.cite import STYLES, cite
from quotes.errors import QuotesError
from quotes.model import Quote

ACCESSED = date(2026, 11, 24)


def quote(**fields):
    base = dict(
        id="q1", article_id="a1", text="We will win,\n  and we will stay,", start=1, end=30,
        kind="direct", speaker="Jane Doe", title="Vote count: the results", source="The Daily",
        date="2020-01-02", url="https://daily.example/vote", author="By John Roe and Ann Lee-Smith",
    )
    return Quote(**{**base, **fields})


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
        "“We will win, and we will stay” (Jane Doe, as cited in Roe, 2020).\n"
        "Roe, J., & Lee-Smith, A. (2020, January 2). Vote count: the results. The Daily."
        " https://daily.example/vote"
    )


def test_apa_without_author_or_date_puts_the_title_first():
    assert cite(quote(author=None, date=None, url=None), "apa") == (
        "“We will win, and we will stay” (Jane Doe, as cited in Vote count: the results, n.d.).\n"
        "Vote count: the results. (n.d.). The Daily."
    )


def test_mla_has_the_access_date():
    assert cite(quote(), "mla", accessed=ACCESSED) == (
        "Jane Doe: “We will win, and we will stay” (qtd. in Roe).\n"
        "Roe, John, and Ann Lee-Smith. “Vote count: the results.” The Daily, 2 Jan. 2020,"
        " daily.example/vote. Accessed 24 Nov. 2026."
    )
    assert cite(quote(date="2019-09-30"), "mla", accessed=ACCESSED).count("30 Sept. 2019") == 1


def test_chicago_note():
    assert cite(quote(), "chicago") == (
        "“We will win, and we will stay” Jane Doe, quoted in John Roe and Ann Lee-Smith,"
        " “Vote count: the results,” The Daily, January 2, 2020, https://daily.example/vote."
    )
    assert cite(quote(author=None, url=None), "chicago").endswith(
        "quoted in “Vote count: the results,” The Daily, January 2, 2020."
    )


def test_inner_double_quotes_become_single():
    assert "‘effective’" in cite(quote(text="The talks were “effective”"), "markdown")


@pytest.mark.parametrize("style", STYLES)
def test_every_style_gives_the_speaker_and_the_words(style):
    text = cite(quote(), style, accessed=ACCESSED)
    assert "Jane Doe" in text and "We will win, and we will stay" in text


def test_unknown_style_is_an_error():
    with pytest.raises(QuotesError, match="unknown citation style 'harvard'"):
        cite(quote(), "harvard")
