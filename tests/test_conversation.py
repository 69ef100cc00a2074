"""Attribution across sentences and paragraphs: cues after a quote, conversations, running
speakers, pronouns with two people of one gender in view.

Small hand-written articles (never eval text); the session `nlp` fixture loads the pipeline once.
"""
from __future__ import annotations

from quotes.extract import extract


def quote(text, nlp, beginning):
    found = [q for q in extract(text, nlp=nlp) if q.text.startswith(beginning)]
    assert len(found) == 1, [(q.kind, q.speaker, q.text) for q in extract(text, nlp=nlp)]
    return found[0]


def test_a_cue_opening_a_long_sentence_after_a_question_attributes_it(nlp):
    text = (
        "The village shop reopened on Saturday after the flood.\n\n"
        "Orla Quennell, 58, has run the shop for thirty years.\n\n"
        "“Who would have believed it?” Quennell said, smiling broadly behind the counter on a wet "
        "Saturday morning in March.\n\n"
        "Her neighbour, Dermot Ashe, 71, was among the first customers."
    )
    assert quote(text, nlp, "Who would").speaker == "Orla Quennell"


# -- conversations -------------------------------------------------------------------------------


def test_a_quote_after_a_sentence_naming_who_acts_is_theirs(nlp):
    text = (
        "The harbour board met on Thursday to discuss the dredging contract.\n\n"
        "“This contract was never put out to tender,” Cllr Wendell Oakes said.\n\n"
        "Cllr Priya Hallworth interrupted. “It was tendered twice, and nobody else bid.”"
    )
    assert quote(text, nlp, "It was tendered").speaker == "Priya Hallworth"


def test_untagged_turns_of_an_exchange_alternate(nlp):
    text = (
        "The harbour board met on Thursday to discuss the dredging contract.\n\n"
        "“This contract was never put out to tender,” Cllr Wendell Oakes said.\n\n"
        "“It was tendered twice, and nobody else bid,” Cllr Priya Hallworth replied.\n\n"
        "“Then the tender was written for one firm.”\n\n"
        "“That is simply not true, and you know it.”"
    )
    assert quote(text, nlp, "Then the tender").speaker == "Wendell Oakes"
    assert quote(text, nlp, "That is simply").speaker == "Priya Hallworth"


def test_a_quote_paragraph_after_one_speaker_continues_them(nlp):
    text = (
        "The harbour board met on Thursday to discuss the dredging contract.\n\n"
        "Cllr Wendell Oakes, who chairs the audit panel, said the paperwork was incomplete.\n\n"
        "“This contract was never put out to tender,” he said.\n\n"
        "“I have asked for the minutes of every meeting since March.”"
    )
    assert quote(text, nlp, "I have asked").speaker == "Wendell Oakes"


def test_a_turn_after_an_answer_goes_back_to_who_asked(nlp):
    text = (
        "The inquiry into the bridge collapse heard from its designer on Monday.\n\n"
        "Questioned by counsel Fenella Brightwater, Augustin Morrow said the steel had been "
        "tested.\n\n"
        "“You were told about the cracks in 2019, were you not?” Ms Brightwater asked.\n\n"
        "“I was.”\n\n"
        "“And you signed the certificate anyway.”\n\n"
        "“I signed it on the advice of the inspectors.”"
    )
    assert quote(text, nlp, "I was").speaker == "Augustin Morrow"
    assert quote(text, nlp, "And you signed").speaker == "Fenella Brightwater"
    assert quote(text, nlp, "I signed it").speaker == "Augustin Morrow"


def test_a_quote_whose_speaker_the_next_paragraph_names_with_that_was(nlp):
    text = (
        "Queues at the ferry port stretched for miles on Friday.\n\n"
        "“We have been sitting here since six and nobody has told us anything at all.”\n\n"
        "That was Imelda Strand, 64, who was trying to reach her sister's funeral."
    )
    assert quote(text, nlp, "We have been").speaker == "Imelda Strand"


def test_a_colon_after_a_sentence_with_no_speech_verb_gives_its_subject(nlp):
    text = (
        "The two founders still argue about the name.\n\n"
        "Maelle Corbin ran out of words. Tamsin Reyes finished it for her: “We keep going.”"
    )
    assert quote(text, nlp, "We keep").speaker == "Tamsin Reyes"


def test_the_turn_after_a_reply_goes_back_to_who_was_answered(nlp):
    text = (
        "Parents filled the hall for the school board meeting on Monday.\n\n"
        "Board chair Osgood Trevelyan reminded speakers of the time limit. “Sir, your time is up,” "
        "he told Lorcan Beale when he went on past three minutes.\n\n"
        "“Then take the minutes from my son's bus,” Beale replied, to applause.\n\n"
        "“Thank you. Next speaker, please.”"
    )
    assert quote(text, nlp, "Thank you").speaker == "Osgood Trevelyan"

