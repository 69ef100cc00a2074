"""Speakers by the name a citation needs: descriptions tied to the person named beside them,
names as the article writes them, never a title, a dateline or another person's name.

Small hand-written articles (never eval text); the session `nlp` fixture loads the pipeline once.
"""
from __future__ import annotations

from quotes.extract import extract


def speaker_of(text, nlp, beginning):
    found = [q for q in extract(text, nlp=nlp) if q.text.startswith(beginning)]
    assert found, [(q.kind, q.speaker, q.text) for q in extract(text, nlp=nlp)]
    return found[0].speaker


# -- descriptions with the name beside them ----------------------------------------------------


def test_a_description_with_a_described_name_in_apposition_is_that_person(nlp):
    text = (
        "Tobiah Quarshie-Lamptey has written novels for thirty years.\n\n"
        "His wife, the painter Adwoa Boakye-Ansah, who saw every draft, said the last one had taken "
        "the longest."
    )
    assert speaker_of(text, nlp, "the last one") == "Adwoa Boakye-Ansah"


def test_an_indefinite_description_with_a_titled_name_is_that_person(nlp):
    text = (
        "The fund invested $4 million in the start-up.\n\n"
        "A partner at Kestrel Bay Partners, Ms Oyinda Falana-Reid, said the firm had watched the company "
        "for a year."
    )
    assert speaker_of(text, nlp, "the firm") == "Oyinda Falana-Reid"


def test_the_father_of_a_named_child_is_the_father_not_the_child(nlp):
    text = (
        "Toby Harwell was 14 when he died.\n\n"
        "Outside court, Toby's father, Glen Harwell, said the family would keep campaigning."
    )
    assert speaker_of(text, nlp, "the family") == "Glen Harwell"


def test_a_name_given_in_a_relative_clause_is_the_speaker(nlp):
    text = (
        "Prices at the market have doubled since June.\n\n"
        "A fish seller at the jetty market, who gave her name only as Mama Tobi, said she had sold "
        "nothing all morning."
    )
    assert speaker_of(text, nlp, "she had sold") == "Mama Tobi"


def test_an_officer_title_with_the_name_beside_it_is_that_person(nlp):
    text = (
        "Crowds gathered outside the depot on Monday.\n\n"
        "The Fire Service Liaison Officer in the county, Superintendent Obiora Nwankwo-Eze, said the fire had "
        "been contained."
    )
    assert speaker_of(text, nlp, "the fire had") == "Obiora Nwankwo-Eze"


def test_a_role_written_before_the_name_without_a_comma(nlp):
    text = (
        "Cabinet member for housing Cllr Tariq Mehmood told the meeting that the council had no choice.\n\n"
        "The budget will be voted on next week."
    )
    assert speaker_of(text, nlp, "the council had") == "Tariq Mehmood"


def test_a_party_role_in_capitals_is_the_person_it_describes(nlp):
    text = "Rhiannon Pugh is the Labour MP for Dwyfor.\n\nThe Labour MP said two bus routes in her seat would close."
    assert speaker_of(text, nlp, "two bus routes") == "Rhiannon Pugh"


def test_a_company_officer_written_as_a_lowercase_role_is_a_person(nlp):
    text = (
        "\u201cThis is a great day for the valley,\u201d Redgum Solar chief executive Tavish Okonkwo said.\n\n"
        "Mr Okonkwo said the company would hire locally."
    )
    assert speaker_of(text, nlp, "This is a great") == "Tavish Okonkwo"
    assert speaker_of(text, nlp, "the company would") == "Tavish Okonkwo"
