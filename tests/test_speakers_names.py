"""Speakers by the name a citation needs: descriptions tied to the person named beside them,
names as the article writes them, never a title, a dateline or another person's name.

Small hand-written articles (never eval text); the session `nlp` fixture loads the pipeline once.
"""
from __future__ import annotations

from quotes.extract import extract
from quotes.speakers import SpeakerResolver


def speaker_of(text, nlp, beginning):
    found = [q for q in extract(text, nlp=nlp) if q.text.startswith(beginning)]
    assert found, [(q.kind, q.speaker, q.text) for q in extract(text, nlp=nlp)]
    return found[0].speaker


# -- descriptions with the name beside them ----------------------------------------------------


def test_a_description_with_a_described_name_in_apposition_is_that_person(nlp):
    text = (
        "Tobiah Quarshie-Lamptey has written novels for thirty years.\n\n"
        "His sister, the sculptor Adwoa Boakye-Ansah, who shares his studio, said the last one had taken "
        "the longest."
    )
    assert speaker_of(text, nlp, "the last one") == "Adwoa Boakye-Ansah"


def test_an_indefinite_description_with_a_titled_name_is_that_person(nlp):
    text = (
        "The fund invested $4 million in the start-up.\n\n"
        "A director of Kestrel Bay Partners, Ms Oyinda Falana-Reid, said the firm had met the founders "
        "in Accra."
    )
    assert speaker_of(text, nlp, "the firm had met") == "Oyinda Falana-Reid"


def test_the_father_of_a_named_child_is_the_father_not_the_child(nlp):
    text = (
        "Toby Harwell was 14 when he died.\n\n"
        "On the steps of the inquest, Toby's father, Glen Harwell, said the family wanted answers."
    )
    assert speaker_of(text, nlp, "the family") == "Glen Harwell"


def test_a_name_given_in_a_relative_clause_is_the_speaker(nlp):
    text = (
        "Bus fares in the city rose again this week.\n\n"
        "One commuter, who would give her name only as Mama Chioma, said she now walks "
        "half of the way to work."
    )
    assert speaker_of(text, nlp, "she now walks") == "Mama Chioma"


def test_a_name_given_in_a_relative_clause_that_the_ner_misses_is_the_speaker(nlp):
    text = (
        "Bus fares in the city rose again this week.\n\n"
        "One commuter, who would give her name only as Mama Adaeze, said she now walks "
        "half of the way to work."
    )
    assert speaker_of(text, nlp, "she now walks") == "Mama Adaeze"


def test_an_officer_title_with_the_name_beside_it_is_that_person(nlp):
    text = (
        "Crowds gathered outside the depot on Monday.\n\n"
        "The Fire Service Liaison Officer in the county, Superintendent Obiora Nwankwo-Eze, said the fire had "
        "been contained."
    )
    assert speaker_of(text, nlp, "the fire had") == "Obiora Nwankwo-Eze"


def test_a_role_written_before_the_name_without_a_comma(nlp):
    text = (
        "Portfolio holder for housing Cllr Tariq Mehmood told the meeting that rents would rise.\n\n"
        "The budget will be voted on next week."
    )
    assert speaker_of(text, nlp, "rents would") == "Tariq Mehmood"


def test_a_party_role_in_capitals_is_the_person_it_describes(nlp):
    text = "Rhiannon Pugh is the Labour MP for Dwyfor.\n\nThe Labour MP said the cottage hospital would stay open."
    assert speaker_of(text, nlp, "the cottage hospital") == "Rhiannon Pugh"


def test_a_company_officer_written_as_a_lowercase_role_is_a_person(nlp):
    text = (
        "\u201cWe start building in May,\u201d Redgum Solar chief executive Tavish Okonkwo said.\n\n"
        "Mr Okonkwo said the company would hire locally."
    )
    assert speaker_of(text, nlp, "We start building") == "Tavish Okonkwo"
    assert speaker_of(text, nlp, "the company would") == "Tavish Okonkwo"


# -- names as written, never a dateline or a company's short name -----------------------------


def test_a_dateline_is_never_a_person(nlp):
    text = (
        "THUNDER BAY, Ont. \u2014 Marius Delacroix took the microphone before the lights were up.\n\n"
        '"We were slow from the first whistle," the Thunder Bay Wolves head coach said.'
    )
    assert [p.name for p in SpeakerResolver(nlp(text)).people] == ["Marius Delacroix"]
    assert speaker_of(text, nlp, "We were slow") == "Marius Delacroix"


def test_a_name_never_runs_across_a_spaced_dash(nlp):
    text = (
        "The study was led by Dr Trinh Thi Mai at the institute.\n\n"
        "The chemist Dr Trinh Van Duc, no relation of Dr Mai \u2013 Trinh is a common name in the province "
        "\u2013 said the trials went well."
    )
    names = [n for p in SpeakerResolver(nlp(text)).people for n in p.names]
    assert names and not any("\u2013" in n for n in names), names


def test_an_organisation_by_its_short_name_is_named_in_full(nlp):
    text = (
        "Staff at Larkspur Airlines walked out on Friday.\n\n"
        'Larkspur said on Saturday that it was "surprised and saddened" by the strike.'
    )
    assert speaker_of(text, nlp, "surprised and saddened") == "Larkspur Airlines"


# -- first names and particles ------------------------------------------------------------------


def test_brothers_named_together_keep_the_family_name(nlp):
    text = (
        "LAGOS \u2014 Chidi and Obinna Okwuosa have run the print shop on the corner for twenty years.\n\n"
        '"We argue every morning," said Chidi, 52.\n\n'
        '"He starts the arguments," Obinna said.'
    )
    assert speaker_of(text, nlp, "We argue") == "Chidi Okwuosa"
    assert speaker_of(text, nlp, "He starts") == "Obinna Okwuosa"


def test_a_name_with_a_lowercase_particle_is_one_name(nlp):
    text = (
        "Owain ap Rhys kicked the winning penalty in the last minute.\n\n"
        "\u201cI just shut my eyes,\u201d ap Rhys said."
    )
    assert speaker_of(text, nlp, "I just shut") == "Owain ap Rhys"


def test_the_company_is_never_a_person_who_shares_a_word_with_it(nlp):
    text = (
        "A former engineer, Adaeze Crane, sued Brightwell Mobility in March.\n\n"
        "Crane said she had warned her managers twice.\n\n"
        "Through its lawyers, the company said its chargers had passed every test."
    )
    assert speaker_of(text, nlp, "its chargers") == "Brightwell Mobility"


def test_a_place_before_a_relative_clause_about_the_person_is_no_person(nlp):
    text = (
        "The objection was raised by Mairwen Pennick, the Green MP for North Ashbury, who told the meeting "
        "that the library would close within a year.\n\n"
        "\u201cNobody asked the people who actually use it,\u201d she said."
    )
    assert [p.name for p in SpeakerResolver(nlp(text)).people] == ["Mairwen Pennick"]
    assert speaker_of(text, nlp, "Nobody asked") == "Mairwen Pennick"


def test_a_surname_the_ner_takes_for_a_nationality_is_the_person_named_in_full(parsed, relabel, speakers_in):
    text = (
        "Rasmus Toftegaard lost almost a minute on the last climb of the stage and slipped to ninth overall.\n\n"
        "\u201cWe ride for him again on Sunday,\u201d team director Henrik Brodersby said.\n\n"
        "Toftegaard sat alone on the team bus afterwards. \u201cI went far too early on the climb,\u201d admitted "
        "the Norwegian rider, who turned professional in 2021."
    )
    doc = parsed(text)
    at = next(t.i for t in doc if t.text == "Toftegaard" and t.i > 5)
    relabel(doc, at, 1, "NORP")
    found = speakers_in(doc, 10)
    assert found == {"We ride fo": "Henrik Brodersby", "I went far": "Rasmus Toftegaard"}


def test_a_firm_the_ner_takes_for_a_person_is_an_organisation_that_it_said_continues(parsed, relabel, speakers_in):
    text = (
        "The town football club will play next season under a new roof, thanks to a quarrying company.\n\n"
        "Under a five-year deal announced on Monday, Wexcombe Aggregates will pay for the roof over the "
        "north terrace. It said the work would start in June and that it was \u201cproud to back\u201d the club.\n\n"
        "Halewood Capital, which lent the club the money to rebuild the terrace in 2019, said it had "
        "\u201cno objection\u201d to the name."
    )
    doc = parsed(text)
    firm = next(t.i for t in doc if t.text == "Wexcombe")
    relabel(doc, firm, 2, "PERSON")
    assert [p.name for p in SpeakerResolver(doc).people] == []
    found = speakers_in(doc, kind="indirect")
    assert found == {"the work wou": "Wexcombe Aggregates", "it was \u201cprou": "Wexcombe Aggregates",
                     "it had \u201cno o": "Halewood Capital"}


def test_a_firm_by_its_short_name_the_ner_takes_for_a_person_is_named_in_full(parsed, relabel, speakers_in):
    text = (
        "From September the county school buses will be run by a company owned by Marlowe Quince Capital.\n\n"
        "The contract, worth \u00a312m over six years, covers 40 routes. Marlowe Quince said it would keep "
        "all of the present drivers and called the routes \u201ca fine place to start\u201d."
    )
    doc = parsed(text)
    short = [t.i for t in doc if t.text == "Marlowe"][-1]
    relabel(doc, short, 2, "PERSON")
    assert [p.name for p in SpeakerResolver(doc).people] == []
    found = speakers_in(doc)
    assert set(found.values()) == {"Marlowe Quince Capital"}, found


def test_mr_and_a_shared_surname_is_the_one_the_pronouns_and_first_names_leave(nlp):
    text = (
        "At 78, Ewart Kessingham still walks the rows of his cider orchard above Pelham every morning before "
        "breakfast.\n\n"
        "He keeps a notebook of every harvest since 1969, and in one of them he wrote that good cider was made "
        "\"by listening to the weather.\"\n\n"
        "Marguerite Kessingham, who married him in 1971 and keeps the accounts, said the orchard had nearly "
        "been sold twice. \"The bank wrote to us every winter. He put the letters in the stove,\" she said.\n\n"
        "Their son, Lucan Kessingham, runs the shop by the gate. \"He thinks the trees would notice if he went "
        "on holiday,\" Lucan said.\n\n"
        "A neighbour, Rosamund Quillfeather, who buys the apples for her bakery, said that after a late frost "
        "in 1997 Mr. Kessingham had replanted forty trees by hand.\n\n"
        "\"He would not take help. The trees had to know whose hands they were in,\" she said.\n\n"
        "Mr. Kessingham says he will hand the press to his son when he can no longer lift the crates. "
        "\"That will be a while yet,\" he said."
    )
    assert speaker_of(text, nlp, "The bank wrote") == "Marguerite Kessingham"
    assert speaker_of(text, nlp, "He would not") == "Rosamund Quillfeather"
    assert speaker_of(text, nlp, "by listening") == "Ewart Kessingham"
    assert speaker_of(text, nlp, "That will be") == "Ewart Kessingham"


def test_a_family_role_before_a_name_between_commas_describes_it_without_the_parse(parsed, speakers_in):
    text = (
        "Philippa Dunstable-Rae bought the windmill at Coldharbour as a ruin in 2015. Her nephew, Caspian "
        "Orrery, said the sails alone had taken two winters to rebuild.\n\n"
        "According to her nephew, the mill will grind flour for the village bakery from June."
    )
    doc = parsed(text)
    for tok in doc:
        if tok.dep_ == "appos":
            tok.dep_ = "dep"  # as the parser leaves it when a given name reads as a word ("Per")
    found = speakers_in(doc, 10)
    assert found["the mill w"] == "Caspian Orrery"


def test_a_clause_ending_in_a_family_word_does_not_describe_the_name_after_it(nlp):
    doc = nlp("Still angry with her brother, Tamsin Wrexley refused to sign the lease.")
    assert [(p.name, p.heads) for p in SpeakerResolver(doc).people] == [("Tamsin Wrexley", set())]


def test_an_organisation_whose_name_opens_with_a_title_word_is_the_organisation_in_full(nlp):
    # "Foreign", "Justice" open titles ("Foreign Secretary Ann Cole"), not these names
    text = (
        "The northern border crossing was closed to lorries on Friday.\n\n"
        "The Foreign Ministry said the crossing would reopen once the queue had cleared. The Justice "
        "Department said it was looking into complaints from hauliers."
    )
    assert [p.name for p in SpeakerResolver(nlp(text)).people] == []
    assert {q.text[:12]: q.speaker for q in extract(text, nlp=nlp)} == {
        "the crossing": "The Foreign Ministry", "it was looki": "The Justice Department"}


def test_a_name_the_ner_takes_for_a_person_before_spokeswoman_is_whom_she_speaks_for(parsed, relabel, speakers_in):
    text = (
        "Radek Wielgosz, 58, reopened his bakery on Saturday after a year of repairs.\n\n"
        "A Brisco spokeswoman said the supermarket next door would keep its car park open to his customers.\n\n"
        "He said the first loaf had gone to the builder who fixed his oven."
    )
    doc = parsed(text)
    brisco = next(t.i for t in doc if t.text == "Brisco")
    relabel(doc, brisco, 1, "PERSON")
    assert [p.name for p in SpeakerResolver(doc).people] == ["Radek Wielgosz"]
    assert speakers_in(doc) == {"the supermar": "A Brisco spokeswoman", "the first lo": "Radek Wielgosz"}


def test_a_capitalised_word_for_a_person_opening_a_sentence_is_described_by_the_name_beside_it(nlp):
    text = (
        "Counsel for the municipal bus company, Henrike Tarrant, told the tribunal that the drivers had been "
        "warned twice about the timetable."
    )
    assert [p.name for p in SpeakerResolver(nlp(text)).people] == ["Henrike Tarrant"]
    assert speaker_of(text, nlp, "the drivers") == "Henrike Tarrant"


def test_two_people_called_by_honorific_and_surname_share_no_family_name(nlp):
    text = (
        "The ferry contract was backed by Mr. Haldane and Mr. Okorafor, who wrote to the harbour board in May.\n\n"
        "\"We should have signed it a year ago,\" Mr. Okorafor said."
    )
    assert sorted(p.name for p in SpeakerResolver(nlp(text)).people) == ["Haldane", "Okorafor"]
    assert speaker_of(text, nlp, "We should") == "Okorafor"


def test_a_surname_after_a_given_name_the_ner_missed_shares_no_family_name_with_the_next_person(nlp):
    text = (
        "Bram Haldane and Ada Okorafor vied for the seat on Wednesday.\n\n"
        "\"The harbour needs a new board,\" Haldane said."
    )
    assert speaker_of(text, nlp, "The harbour") in ("Haldane", "Bram Haldane")
    assert not any("Haldane Okorafor" in p.names for p in SpeakerResolver(nlp(text)).people)
