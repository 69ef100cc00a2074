"""Indirect speech: which reported clauses become records, and where they begin and end.

Small hand-written articles (never eval text); the session `nlp` fixture loads the pipeline once.
"""
from __future__ import annotations

from quotes.extract import extract


def reported(text, nlp):
    """[(clause, speaker)] of the indirect quotes, in text order."""
    return [(q.text, q.speaker) for q in extract(text, nlp=nlp) if q.kind == "indirect"]


def test_two_clauses_joined_by_and_that_are_two_statements(nlp):
    text = (
        "Wendell Ashgrove said the pumping station had failed twice in a month, "
        "and that nobody from the water board had come to look at it."
    )
    assert reported(text, nlp) == [
        ("the pumping station had failed twice in a month", "Wendell Ashgrove"),
        ("nobody from the water board had come to look at it", "Wendell Ashgrove"),
    ]


def test_but_that_also_starts_a_second_statement(nlp):
    text = "Judge Corrina Hale said the fine was fair but that the licence would be suspended."
    assert [c for c, _ in reported(text, nlp)] == ["the fine was fair", "the licence would be suspended"]


def test_and_without_that_keeps_one_clause(nlp):
    text = "Mr Ashgrove said the station had failed twice and the board had done nothing."
    assert [c for c, _ in reported(text, nlp)] == ["the station had failed twice and the board had done nothing"]


def test_a_modal_verb_in_the_clause_is_not_a_second_cue(nlp):
    text = "Priya Lomond said the tenants were angry but would continue paying rent until spring."
    assert [c for c, _ in reported(text, nlp)] == [
        "the tenants were angry but would continue paying rent until spring"]


def test_a_question_put_to_someone_is_not_their_speech(nlp):
    text = (
        "Halvard Steen scored twice for the visitors.\n\n"
        "Asked whether he would sign a new deal, Steen laughed.\n\n"
        "Asked about his contract, he was noncommittal."
    )
    assert reported(text, nlp) == []


def test_a_plan_to_announce_is_not_yet_speech(nlp):
    text = "A council official said the borough was preparing to announce new parking rules."
    assert [c for c, _ in reported(text, nlp)] == ["the borough was preparing to announce new parking rules"]


def test_a_motion_calling_for_something_is_no_speaker(nlp):
    text = "Ms Trevelyan said she would start a petition calling for a ban on night flights."
    assert reported(text, nlp) == [("she would start a petition calling for a ban on night flights", "Trevelyan")]


def test_nobody_is_no_source(nlp):
    text = "The twins run the bakery together.\n\nNobody talks about the cousin who does the deliveries."
    assert reported(text, nlp) == []


def test_speaking_on_condition_of_anonymity_reports_nothing(nlp):
    text = (
        "A hospital porter, who spoke on condition of anonymity, said the lifts had been broken since June."
    )
    assert [c for c, _ in reported(text, nlp)] == ["the lifts had been broken since June"]


def test_a_clause_across_a_semicolon_is_not_reported(nlp):
    text = "Bogdan Rudd, 41, is oiling a chain; Effie Marr, 33, is arguing with the printer."
    assert reported(text, nlp) == []


def test_one_clause_split_by_the_parser_stays_one(nlp):
    text = (
        "A caretaker, who did not wish to be named, told this newspaper that the school was the last "
        "building on the old pipe and the taps ran dry most evenings."
    )
    assert [c for c, _ in reported(text, nlp)] == [
        "the school was the last building on the old pipe and the taps ran dry most evenings"]


def test_a_that_clause_the_parser_hangs_on_the_statement_it_was_said_in_is_reported(nlp):
    # the parser reads "a statement that ..." as the statement's content, not the verb's
    text = (
        "Pellbrook Water, the company that supplies the town, said in a short statement that engineers had "
        "found the leak under the market square.\n\n"
        "The harbour board, which owns the slipway, said in a letter to residents that the work would end in May."
    )
    assert reported(text, nlp) == [
        ("engineers had found the leak under the market square", "Pellbrook Water"),
        ("the work would end in May", "The harbour board"),
    ]



def test_a_second_speech_verb_the_parser_hangs_on_the_first_ones_clause_has_the_first_ones_speaker(nlp):
    text = (
        "Coach Brannock admitted that his defenders had lost their shape after the break and said the injury "
        "to the goalkeeper had not helped.\n\n"
        "Mayor Ilse Vantongeren conceded that the council had been slow and said a new plan would be ready by "
        "June."
    )
    assert reported(text, nlp) == [
        ("his defenders had lost their shape after the break", "Brannock"),
        ("the injury to the goalkeeper had not helped", "Brannock"),
        ("the council had been slow", "Ilse Vantongeren"),
        ("a new plan would be ready by June", "Ilse Vantongeren"),
    ]


def test_counsel_submitting_that_reports_speech_and_a_submitted_document_does_not(nlp):
    text = (
        "At the tribunal on Tuesday, Oona Quillerby, for the tenants, submitted that the landlord had "
        "ignored three court orders.\n\n"
        "The landlord submitted a fresh application in March."
    )
    assert reported(text, nlp) == [("the landlord had ignored three court orders", "Oona Quillerby")]


def test_a_quoted_label_is_the_quote_with_no_statement_around_it(nlp):
    text = (
        "Maren Holt called the verdict \"a disgrace\" and said she would appeal.\n\n"
        "The harbour master described the swell as \"the worst in a generation\".\n\n"
        "Two councillors called for an inquiry into what the mayor had called \"a small oversight\"."
    )
    found = [(q.kind, q.text) for q in extract(text, nlp=nlp)]
    assert found == [("mixed", "a disgrace"), ("indirect", "she would appeal"),
                     ("mixed", "the worst in a generation"),
                     ("indirect", "an inquiry into what the mayor had called \"a small oversight\""),
                     ("mixed", "a small oversight")]
