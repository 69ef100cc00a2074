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
