"""Attribution: each quote linked to the right canonical person, in many news styles.

Small hand-written articles (never eval text); the session `nlp` fixture loads the pipeline once.
"""
from __future__ import annotations

from quotes.extract import extract


def speakers(text, nlp):
    """{first words of each quote: speaker}, for readable assertions."""
    return {" ".join(q.text.split()[:3]): q.speaker for q in extract(text, nlp=nlp)}


def quote(text, nlp, beginning):
    found = [q for q in extract(text, nlp=nlp) if q.text.startswith(beginning)]
    assert len(found) == 1, [(q.kind, q.speaker, q.text) for q in extract(text, nlp=nlp)]
    return found[0]


# -- 1. roles learned from the article ---------------------------------------------------------


def test_role_with_the_name_in_apposition_is_the_named_person(nlp):
    text = (
        "The old mill closed on Friday after 140 years.\n\n"
        "Her nephew, Tobias Wrenfield, said the building had been sold to a developer.\n\n"
        "The site manager, Corinna Valdane, said no jobs would be lost."
    )
    assert quote(text, nlp, "the building").speaker == "Tobias Wrenfield"
    assert quote(text, nlp, "no jobs").speaker == "Corinna Valdane"


def test_age_description_is_the_person_of_that_age(nlp):
    text = (
        "Hollis Brandvik, 64, has lived on the lane for forty years.\n\n"
        "The 64-year-old said the water had reached the top step by midnight."
    )
    q = quote(text, nlp, "the water")
    assert q.speaker == "Hollis Brandvik"
    assert q.speaker_mention == "The 64-year-old"


# -- 5. pronouns -------------------------------------------------------------------------------


def test_unresolved_pronoun_is_no_speaker_but_keeps_its_mention(nlp):
    q = quote("“We will not be moved from this square,” she said.", nlp, "We will")
    assert q.speaker is None
    assert q.speaker_mention == "she"


def test_pronoun_goes_to_the_latest_speaker_whose_gender_the_name_does_not_tell(nlp):
    text = (
        "Dr Helen Marsh of the museum trust led the dig.\n\n"
        "Dr Zarina Quellby, the trust's head of conservation, said drying the oak too fast would crack it.\n\n"
        "“It is essentially a very old sponge,” she said."
    )
    assert quote(text, nlp, "It is").speaker == "Zarina Quellby"


def test_pronoun_never_goes_to_a_place_written_like_a_name(nlp):
    text = (
        "Niamh Corrigan scored twice in the final at Páirc Uí Mhaoláin on Sunday.\n\n"
        "“I have waited years for a day like this,” she said."
    )
    assert quote(text, nlp, "I have").speaker == "Niamh Corrigan"


def test_family_role_gives_the_gender(nlp):
    text = (
        "Marit Solberg, who ran the village school, has died aged 91. Her son, Anders Solberg, "
        "flew in from Oslo.\n\n"
        "“She never once missed a sports day,” he said."
    )
    assert quote(text, nlp, "She never").speaker == "Anders Solberg"


# -- 2. names as people write them ---------------------------------------------------------------


def test_titles_and_job_words_are_not_part_of_the_name_and_hyphens_stay(nlp):
    text = (
        "Opposition Leader Marie-Claude Fortenay said the ambulance service was failing.\n\n"
        "Health Minister Corwen Aldous said the province would hire 40 paramedics.\n\n"
        "Sandra Pellow KC said the charity's accounts had not been audited."
    )
    assert quote(text, nlp, "the ambulance").speaker == "Marie-Claude Fortenay"
    assert quote(text, nlp, "the province").speaker == "Corwen Aldous"
    assert quote(text, nlp, "the charity").speaker == "Sandra Pellow"


def test_a_title_inside_the_name_is_still_a_role_for_later(nlp):
    text = (
        "Mayor Rosalind Ebberly presented the budget on Monday.\n\n"
        "“We will not raise the rates this year,” the mayor said."
    )
    assert quote(text, nlp, "We will").speaker == "Rosalind Ebberly"


# -- 6. unnamed sources and organisations ------------------------------------------------------


def test_the_company_and_it_are_the_organisation(nlp):
    text = (
        "Brackwater Foods cut its profit forecast on Tuesday, blaming the price of cocoa.\n\n"
        "The company said in a statement that it now expects sales to fall by 2%.\n\n"
        "It also said it would close a packing plant near the port."
    )
    assert quote(text, nlp, "it now").speaker == "Brackwater Foods"
    assert quote(text, nlp, "it would").speaker == "Brackwater Foods"


def test_an_unnamed_source_keeps_its_phrase_and_later_mentions_find_it(nlp):
    text = (
        "Dozens of homes flooded overnight in the village.\n\n"
        "A spokeswoman for the district council said crews had been sent to clear the drains.\n\n"
        "“We understand how distressing this is for residents,” she added.\n\n"
        "“Crews will be there all night,” the spokeswoman said."
    )
    assert quote(text, nlp, "crews had").speaker == "A spokeswoman for the district council"
    assert quote(text, nlp, "We understand").speaker == "A spokeswoman for the district council"
    assert quote(text, nlp, "Crews will").speaker == "A spokeswoman for the district council"
